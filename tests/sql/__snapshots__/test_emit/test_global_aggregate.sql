/* totals: materialized view | reads: events | defined at tests/sql/test_emit.py:134 */
CREATE MATERIALIZED VIEW totals AS
SELECT
  COUNT(*) AS events,
  COUNT(DISTINCT user_id) AS users
FROM events;
