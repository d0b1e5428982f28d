/* raw_bits: materialized view | reads: events | defined at tests/sql/test_emit.py:169 */
CREATE MATERIALIZED VIEW raw_bits AS
SELECT
  event_id,
  CAST(amount * 100 AS BIGINT) AS cents,
  payload #>> '{a,b}' AS t
FROM events
WHERE
  event_type LIKE 'prod%';
