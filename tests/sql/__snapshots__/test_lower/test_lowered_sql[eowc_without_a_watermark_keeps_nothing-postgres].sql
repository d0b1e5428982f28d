CREATE TABLE hourly AS
SELECT
  *
FROM (
  SELECT
    window_start,
    window_end,
    COUNT(*) AS n
  FROM (
    SELECT
      events.*,
      DATE_BIN(INTERVAL '1 HOUR', events.event_time, CAST('1970-01-01 00:00:00' AS TIMESTAMP)) AS window_start,
      DATE_BIN(INTERVAL '1 HOUR', events.event_time, CAST('1970-01-01 00:00:00' AS TIMESTAMP)) + INTERVAL '1 HOUR' AS window_end
    FROM events
    WHERE
      NOT events.event_time IS NULL
  ) AS events
  GROUP BY
    window_start,
    window_end
) AS eowc
WHERE
  FALSE;
