/* priced_purchases: materialized view | reads: events, products | defined at tests/sql/test_emit.py:335 */
CREATE MATERIALIZED VIEW priced_purchases AS
SELECT
  events.event_id,
  products.price
FROM events
LEFT JOIN products FOR SYSTEM_TIME AS OF PROCTIME()
  ON events.product_id = products.product_id
WHERE
  events.event_type = 'purchase';
