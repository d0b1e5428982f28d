/* events_with_products: view | reads: events, products | defined at tests/sql/test_emit.py:259 */
CREATE VIEW events_with_products AS
SELECT
  events.event_id,
  events.user_id,
  events.session_id,
  events.event_type,
  events.product_id,
  events.amount,
  events.quantity,
  events.event_time,
  events.payload,
  products.name,
  products.price
FROM events
LEFT JOIN products
  ON events.product_id = products.product_id;
