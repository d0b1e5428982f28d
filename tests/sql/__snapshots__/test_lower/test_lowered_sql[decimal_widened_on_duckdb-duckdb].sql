CREATE TABLE prices AS
SELECT
  event_id,
  CAST(quantity AS DECIMAL(38, 10)) * amount AS price
FROM events;
