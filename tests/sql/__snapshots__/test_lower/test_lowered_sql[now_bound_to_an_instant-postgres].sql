CREATE TABLE recent AS
SELECT
  user_id,
  COUNT(*) AS n
FROM events
WHERE
  event_time > (
    CAST('2026-03-02 12:00:00' AS TIMESTAMPTZ) - INTERVAL '1 HOUR'
  )
GROUP BY
  user_id;
