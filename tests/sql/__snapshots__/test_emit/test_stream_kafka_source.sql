/* orders: stream | reads: - | defined at tests/sql/test_emit.py:87 */
CREATE SOURCE orders (
  order_id VARCHAR,
  amount DECIMAL,
  ts TIMESTAMPTZ,
  WATERMARK FOR ts AS ts - INTERVAL '10 SECONDS'
)
WITH (
  connector='kafka',
  topic='orders',
  properties.bootstrap.server='broker1:9092,broker2:9092',
  scan.startup.mode='earliest',
  properties.security.protocol='SASL_SSL'
) FORMAT PLAIN
ENCODE JSON;
