-- The timed statements of bench/run.sh, for reference; run.sh substitutes
-- the table name (u_heap / u_helios, s_heap / s_helios).

-- COPY (median of BENCH_COPY_RUNS, into a freshly created table)
COPY u_AM FROM '<cluster dir>/rows.copy';

-- UPDATE of 10% of the rows (after the COPY of the same round, a primary
-- key on id, VACUUM ANALYZE and CHECKPOINT)
UPDATE u_AM SET v = v + 1 WHERE id % 10 = 0;

-- seq scan with a filter + sum (warm cache, median of BENCH_SCAN_RUNS);
-- max_parallel_workers_per_gather = 0, then 2 for the "parallel" row
SELECT count(*), sum(v) FROM s_AM WHERE d >= date '2021-06-01' AND f < 900;
