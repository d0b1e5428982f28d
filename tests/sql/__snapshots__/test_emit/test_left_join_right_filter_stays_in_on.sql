/* purchases_per_product: materialized view | reads: events, products | defined at tests/sql/test_emit.py:232 */
CREATE MATERIALIZED VIEW purchases_per_product AS
SELECT
  products.product_id,
  COUNT(events.event_id) AS purchases
FROM products
LEFT JOIN events
  ON products.product_id = events.product_id AND events.event_type = 'purchase'
GROUP BY
  products.product_id;
