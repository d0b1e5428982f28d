/* busy_users: materialized view | reads: events | defined at tests/sql/test_emit.py:141 */
CREATE MATERIALIZED VIEW busy_users AS
WITH grouped AS (
  SELECT
    user_id,
    COUNT(*) AS n
  FROM events
  GROUP BY
    user_id
)
SELECT
  user_id,
  n
FROM grouped
WHERE
  n > 10;
