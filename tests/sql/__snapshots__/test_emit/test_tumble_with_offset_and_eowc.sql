/* daily: materialized view | reads: events | defined at tests/sql/test_emit.py:197 */
CREATE MATERIALIZED VIEW daily AS
SELECT
  window_start,
  COUNT(*) AS n
FROM TUMBLE(events, event_time, INTERVAL '1 DAY', INTERVAL '8 HOURS')
GROUP BY
  window_start EMIT ON WINDOW CLOSE;
