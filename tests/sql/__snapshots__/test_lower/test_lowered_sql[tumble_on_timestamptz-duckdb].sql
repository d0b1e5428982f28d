CREATE TABLE hours AS
SELECT
  window_start,
  SUM(v) AS total
FROM (
  SELECT
    s.*,
    TIME_BUCKET(INTERVAL '1' HOUR, s.ts, CAST('1970-01-01 00:00:00+00' AS TIMESTAMPTZ)) AS window_start,
    TIME_BUCKET(INTERVAL '1' HOUR, s.ts, CAST('1970-01-01 00:00:00+00' AS TIMESTAMPTZ)) + INTERVAL '1' HOUR AS window_end
  FROM s
  WHERE
    NOT s.ts IS NULL
) AS s
GROUP BY
  window_start;
