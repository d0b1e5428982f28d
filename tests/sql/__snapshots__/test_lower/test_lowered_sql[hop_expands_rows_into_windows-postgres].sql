CREATE TABLE per_hop AS
SELECT
  window_start,
  window_end,
  COUNT(*) AS n
FROM (
  SELECT
    hop_rows.*,
    hop_rows.window_start + INTERVAL '1 HOUR' AS window_end
  FROM (
    SELECT
      events.*,
      GENERATE_SERIES(
        DATE_BIN(INTERVAL '5 MINUTES', events.event_time, CAST('1970-01-01 00:00:00' AS TIMESTAMP)) - INTERVAL '1 HOUR' + INTERVAL '5 MINUTES',
        DATE_BIN(INTERVAL '5 MINUTES', events.event_time, CAST('1970-01-01 00:00:00' AS TIMESTAMP)),
        INTERVAL '5 MINUTES'
      ) AS window_start
    FROM events
    WHERE
      NOT events.event_time IS NULL
  ) AS hop_rows
) AS events
GROUP BY
  window_start,
  window_end;
