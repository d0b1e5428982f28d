CREATE VIEW purchases AS
SELECT
  amount
FROM events
WHERE
  event_type = 'purchase';
