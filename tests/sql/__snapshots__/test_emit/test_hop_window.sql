/* revenue_5m_1h: materialized view | reads: events | defined at tests/sql/test_emit.py:185 */
CREATE MATERIALIZED VIEW revenue_5m_1h AS
SELECT
  window_start,
  window_end,
  SUM(amount) AS revenue
FROM HOP(events, event_time, INTERVAL '5 MINUTES', INTERVAL '1 HOUR')
WHERE
  event_type = 'purchase'
GROUP BY
  window_start,
  window_end;
