CREATE TABLE products (
  product_id TEXT,
  name TEXT,
  price DECIMAL(38, 10)
);
