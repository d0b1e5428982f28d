/* per_user: materialized view | reads: events | defined at tests/sql/test_emit.py:112 */
CREATE MATERIALIZED VIEW per_user AS
SELECT
  user_id,
  COUNT(*) AS n,
  COUNT(DISTINCT product_id) AS products,
  SUM(amount) AS total,
  SUM(quantity) AS items,
  MIN(amount) AS smallest,
  MAX(amount) AS largest,
  AVG(amount) AS mean,
  STDDEV_SAMP(CAST(amount AS DOUBLE PRECISION)) AS spread,
  BOOL_OR(event_type = 'purchase') AS bought,
  COUNT(*) FILTER (WHERE event_type = 'purchase') AS purchases
FROM events
WHERE
  event_type IN ('purchase', 'checkout') AND NOT user_id IS NULL
GROUP BY
  user_id;
