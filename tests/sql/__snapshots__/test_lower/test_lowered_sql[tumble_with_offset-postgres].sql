CREATE TABLE daily AS
SELECT
  window_start,
  COUNT(*) AS n
FROM (
  SELECT
    events.*,
    DATE_BIN(
      INTERVAL '1 DAY',
      events.event_time,
      CAST('1970-01-01 00:00:00' AS TIMESTAMP) + INTERVAL '8 HOURS'
    ) AS window_start,
    DATE_BIN(
      INTERVAL '1 DAY',
      events.event_time,
      CAST('1970-01-01 00:00:00' AS TIMESTAMP) + INTERVAL '8 HOURS'
    ) + INTERVAL '1 DAY' AS window_end
  FROM events
  WHERE
    NOT events.event_time IS NULL
) AS events
GROUP BY
  window_start;
