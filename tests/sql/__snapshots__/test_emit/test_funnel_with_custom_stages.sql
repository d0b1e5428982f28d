/* checkout_funnel: materialized view | reads: events | defined at tests/sql/test_emit.py:300 */
CREATE MATERIALIZED VIEW checkout_funnel AS
WITH funnel_sessions AS (
  SELECT
    session_id,
    BOOL_OR(event_type IN ('pageview', 'product_view')) AS has_browse,
    BOOL_OR(event_type = 'add_to_cart') AS has_cart,
    BOOL_OR(event_type = 'purchase' AND amount > 100) AS has_big_purchase
  FROM events
  WHERE
    NOT session_id IS NULL
  GROUP BY
    session_id
), funnel_counts AS (
  SELECT
    COUNT(*) AS sessions,
    COUNT(*) FILTER (WHERE has_browse) AS browse_count,
    COUNT(*) FILTER (WHERE has_cart) AS cart_count,
    COUNT(*) FILTER (WHERE has_big_purchase) AS big_purchase_count
  FROM funnel_sessions
)
SELECT
  sessions,
  browse_count,
  cart_count,
  big_purchase_count,
  CAST(cart_count AS DOUBLE PRECISION) / NULLIF(browse_count, 0) AS browse_to_cart_rate,
  CAST(big_purchase_count AS DOUBLE PRECISION) / NULLIF(cart_count, 0) AS cart_to_big_rate,
  CAST(big_purchase_count AS DOUBLE PRECISION) / NULLIF(browse_count, 0) AS browse_to_big_rate
FROM funnel_counts;
