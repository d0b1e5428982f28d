/* spend_z: materialized view | reads: events | defined at tests/sql/test_emit.py:281 */
CREATE MATERIALIZED VIEW spend_z AS
WITH zscore_input AS (
  SELECT
    user_id,
    window_start AS day,
    SUM(amount) AS spend
  FROM TUMBLE(events, event_time, INTERVAL '1 DAY')
  GROUP BY
    user_id,
    window_start
), zscore_baseline AS (
  SELECT
    user_id,
    day,
    spend,
    COUNT(*) OVER (PARTITION BY user_id ORDER BY day ROWS BETWEEN 30 PRECEDING AND 1 PRECEDING) AS baseline_count,
    AVG(CAST(spend AS DOUBLE PRECISION)) OVER (PARTITION BY user_id ORDER BY day ROWS BETWEEN 30 PRECEDING AND 1 PRECEDING) AS baseline_mean,
    STDDEV_SAMP(CAST(spend AS DOUBLE PRECISION)) OVER (PARTITION BY user_id ORDER BY day ROWS BETWEEN 30 PRECEDING AND 1 PRECEDING) AS baseline_stddev
  FROM zscore_input
), zscore_scored AS (
  SELECT
    user_id,
    day,
    spend,
    baseline_count,
    baseline_mean,
    baseline_stddev,
    CASE
      WHEN baseline_count >= 7 AND baseline_stddev > 0
      THEN (
        CAST(spend AS DOUBLE PRECISION) - baseline_mean
      ) / baseline_stddev
    END AS z
  FROM zscore_baseline
)
SELECT
  user_id,
  day,
  spend,
  baseline_count,
  baseline_mean,
  baseline_stddev,
  z,
  NOT z IS NULL AND ABS(z) > 3.0 AS unusual
FROM zscore_scored;
