/* purchase_windows: materialized view | reads: events | defined at tests/sql/test_emit.py:210 */
CREATE MATERIALIZED VIEW purchase_windows AS
WITH tumble_input AS (
  SELECT
    user_id,
    event_time
  FROM events
  WHERE
    event_type = 'purchase'
)
SELECT
  window_start,
  COUNT(*) AS n
FROM TUMBLE(tumble_input, event_time, INTERVAL '10 MINUTES')
GROUP BY
  window_start;
