/* events: stream | reads: - | defined at tests/helpers.py:21 */
CREATE TABLE events (
  event_id VARCHAR,
  user_id VARCHAR,
  session_id VARCHAR,
  event_type VARCHAR,
  product_id VARCHAR,
  amount DECIMAL,
  quantity INT,
  event_time TIMESTAMP,
  payload JSONB,
  WATERMARK FOR event_time AS event_time - INTERVAL '2 MINUTES'
)
APPEND ONLY;
