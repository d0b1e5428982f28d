CREATE VIEW recent AS
SELECT
  event_id
FROM events
WHERE
  event_time > (
    CURRENT_TIMESTAMP - INTERVAL '1 HOUR'
  );
