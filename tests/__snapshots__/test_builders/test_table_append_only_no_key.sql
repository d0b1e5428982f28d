/* clicks: table | reads: - | defined at tests/test_builders.py:79 */
CREATE TABLE clicks (
  url VARCHAR,
  ts TIMESTAMP
)
APPEND ONLY;
