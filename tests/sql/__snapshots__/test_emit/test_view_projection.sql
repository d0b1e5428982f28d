/* purchases: view | reads: events | defined at tests/sql/test_emit.py:103 */
CREATE VIEW purchases AS
SELECT
  event_id,
  amount
FROM events
WHERE
  event_type = 'purchase';
