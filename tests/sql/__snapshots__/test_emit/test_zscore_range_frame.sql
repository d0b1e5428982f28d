/* hourly_z: materialized view | reads: events | defined at tests/sql/test_emit.py:270 */
CREATE MATERIALIZED VIEW hourly_z AS
WITH zscore_input AS (
  SELECT
    window_start AS hour,
    COUNT(*) AS n
  FROM TUMBLE(events, event_time, INTERVAL '1 HOUR')
  GROUP BY
    window_start
), zscore_baseline AS (
  SELECT
    hour,
    n,
    COUNT(*) OVER (
      PARTITION BY CAST(1 AS INT)
      ORDER BY hour
      RANGE BETWEEN INTERVAL '24 HOURS' PRECEDING AND INTERVAL '1 HOUR' PRECEDING
    ) AS baseline_count,
    AVG(CAST(n AS DOUBLE PRECISION)) OVER (
      PARTITION BY CAST(1 AS INT)
      ORDER BY hour
      RANGE BETWEEN INTERVAL '24 HOURS' PRECEDING AND INTERVAL '1 HOUR' PRECEDING
    ) AS baseline_mean,
    STDDEV_SAMP(CAST(n AS DOUBLE PRECISION)) OVER (
      PARTITION BY CAST(1 AS INT)
      ORDER BY hour
      RANGE BETWEEN INTERVAL '24 HOURS' PRECEDING AND INTERVAL '1 HOUR' PRECEDING
    ) AS baseline_stddev
  FROM zscore_input
), zscore_scored AS (
  SELECT
    hour,
    n,
    baseline_count,
    baseline_mean,
    baseline_stddev,
    CASE
      WHEN baseline_count >= 6 AND baseline_stddev > 0
      THEN (
        CAST(n AS DOUBLE PRECISION) - baseline_mean
      ) / baseline_stddev
    END AS z_score
  FROM zscore_baseline
)
SELECT
  hour,
  n,
  baseline_count,
  baseline_mean,
  baseline_stddev,
  z_score,
  NOT z_score IS NULL AND ABS(z_score) > 2.5 AS is_anomaly
FROM zscore_scored;
