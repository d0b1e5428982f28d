/* readings: table | reads: - | defined at tests/sql/test_emit.py:340 */
CREATE TABLE readings (
  sensor VARCHAR PRIMARY KEY,
  ts TIMESTAMPTZ,
  value DOUBLE PRECISION,
  WATERMARK FOR ts AS ts - INTERVAL '30 SECONDS'
)
APPEND ONLY
ON CONFLICT DO NOTHING;
