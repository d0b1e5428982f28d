CREATE TABLE products (
  product_id VARCHAR,
  name VARCHAR,
  price DECIMAL
);
