CREATE TABLE orders (
  order_id VARCHAR,
  amount DECIMAL,
  ts TIMESTAMP,
  raw JSONB
);
