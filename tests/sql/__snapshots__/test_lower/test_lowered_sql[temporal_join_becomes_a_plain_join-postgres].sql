CREATE TABLE priced AS
SELECT
  events.event_id,
  products.price
FROM events
LEFT JOIN products
  ON events.product_id = products.product_id;
