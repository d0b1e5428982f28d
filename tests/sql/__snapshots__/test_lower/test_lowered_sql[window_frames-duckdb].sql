CREATE TABLE ranked AS
SELECT
  event_id,
  SUM(amount) OVER (
    PARTITION BY user_id
    ORDER BY event_time
    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
  ) AS running,
  SUM(amount) OVER (PARTITION BY user_id ORDER BY event_time ROWS BETWEEN 1 PRECEDING AND 0 PRECEDING) AS last_two,
  ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY event_time) AS rn,
  LAG(amount, 1) OVER (PARTITION BY user_id ORDER BY event_time) AS previous
FROM events;
