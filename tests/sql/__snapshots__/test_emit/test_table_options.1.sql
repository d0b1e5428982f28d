/* latest: table | reads: - | defined at tests/sql/test_emit.py:349 */
CREATE TABLE latest (
  sensor VARCHAR PRIMARY KEY,
  ts TIMESTAMP,
  WATERMARK FOR ts AS ts - INTERVAL '1 HOUR' WITH TTL
);
