CREATE TABLE halves AS
SELECT
  event_id,
  quantity / 2 AS half
FROM events;
