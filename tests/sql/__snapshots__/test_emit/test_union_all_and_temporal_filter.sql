/* recent_actions: materialized view | reads: events | defined at tests/sql/test_emit.py:385 */
CREATE MATERIALIZED VIEW recent_actions AS
WITH unioned AS (
  SELECT
    user_id,
    'cart' AS kind
  FROM events
  WHERE
    event_time > (
      CURRENT_TIMESTAMP - INTERVAL '1 HOUR'
    )
    AND event_type = 'add_to_cart'
  UNION ALL
  SELECT
    user_id,
    'buy' AS kind
  FROM events
  WHERE
    event_time > (
      CURRENT_TIMESTAMP - INTERVAL '1 HOUR'
    )
    AND event_type = 'purchase'
)
SELECT
  kind,
  COUNT(*) AS n
FROM unioned
GROUP BY
  kind;
