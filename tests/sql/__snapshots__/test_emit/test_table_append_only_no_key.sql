/* clicks: table | reads: - | defined at tests/sql/test_emit.py:79 */
CREATE TABLE clicks (
  url VARCHAR,
  ts TIMESTAMP
)
APPEND ONLY;
