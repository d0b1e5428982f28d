/* heavy_users: materialized view | reads: per_user_counts | defined at tests/sql/test_emit.py:324 */
CREATE MATERIALIZED VIEW heavy_users AS
SELECT
  user_id
FROM per_user_counts
WHERE
  n >= 100;
