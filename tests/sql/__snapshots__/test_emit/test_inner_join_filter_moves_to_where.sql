/* views_per_product: materialized view | reads: events, products | defined at tests/sql/test_emit.py:223 */
CREATE MATERIALIZED VIEW views_per_product AS
SELECT
  products.product_id,
  products.name,
  COUNT(*) AS n
FROM events
INNER JOIN products
  ON events.product_id = products.product_id
WHERE
  events.event_type = 'product_view'
GROUP BY
  products.product_id,
  products.name;
