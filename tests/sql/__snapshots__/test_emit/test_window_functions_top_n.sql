/* first_three: materialized view | reads: events | defined at tests/sql/test_emit.py:375 */
CREATE MATERIALIZED VIEW first_three AS
WITH projected AS (
  SELECT
    user_id,
    event_id,
    event_time,
    ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY event_time) AS rn,
    LAG(event_time, 1) OVER (PARTITION BY user_id ORDER BY event_time) AS previous,
    SUM(amount) OVER (
      PARTITION BY user_id
      ORDER BY event_time
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS running
  FROM events
)
SELECT
  user_id,
  event_id,
  event_time,
  rn,
  previous,
  running
FROM projected
WHERE
  rn <= 3;
