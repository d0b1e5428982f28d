CREATE TABLE orders (
  order_id TEXT,
  amount DECIMAL(38, 10),
  ts TIMESTAMP,
  raw JSON
);
