CREATE TABLE prices AS
SELECT
  event_id,
  CAST(quantity AS DECIMAL) * amount AS price
FROM events;
