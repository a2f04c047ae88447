-- The rows of every benchmark table: row g of n (psql variable: n).
-- Deterministic, so heap and helios get the same data.
SELECT g AS id,
       g % 1000 AS v,
       md5(g::text) AS t,
       (g::bigint * 7919 % 100000) / 100.0::float8 AS f,
       date '2020-01-01' + (g % 1500) AS d
FROM generate_series(1, :n) AS g
