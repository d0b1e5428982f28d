/* enriched: materialized view | reads: events | defined at tests/sql/test_emit.py:146 */
CREATE MATERIALIZED VIEW enriched AS
SELECT
  event_id,
  CAST(payload ->> 'total_amount' AS DECIMAL) AS total,
  payload ->> 'it''s; -- not a comment' AS note,
  CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 10 THEN 'medium' ELSE 'small' END AS size,
  DATE_TRUNC('HOUR', event_time) AS hour,
  LOWER(COALESCE(user_id, 'anonymous')) AS "user",
  event_time + INTERVAL '1 HOUR' AS later,
  amount / quantity AS ratio,
  quantity / 2 AS whole
FROM events;
