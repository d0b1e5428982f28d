/* products: table | reads: - | defined at tests/helpers.py:41 */
CREATE TABLE products (
  product_id VARCHAR PRIMARY KEY,
  name VARCHAR,
  price DECIMAL
);
