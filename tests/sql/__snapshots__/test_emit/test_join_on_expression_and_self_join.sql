/* converted_carts: materialized view | reads: events | defined at tests/sql/test_emit.py:248 */
CREATE MATERIALIZED VIEW converted_carts AS
SELECT
  events.session_id,
  events.event_time AS cart_at,
  events_2.event_time AS bought_at
FROM events
INNER JOIN events AS events_2
  ON events.session_id = events_2.session_id
  AND events.product_id = events_2.product_id
WHERE
  events.event_type = 'add_to_cart' AND events_2.event_type = 'purchase';
