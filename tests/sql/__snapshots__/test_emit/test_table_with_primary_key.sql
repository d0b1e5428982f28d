/* products: table | reads: - | defined at tests/helpers.py:40 */
CREATE TABLE products (
  product_id VARCHAR PRIMARY KEY,
  name VARCHAR,
  price DECIMAL
);
