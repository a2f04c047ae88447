-- TPC-B invariant after the pgbench runs of bench/run.sh, which keeps
-- pgbench_history (pgbench -n; run.sh vacuums branches and tellers itself):
-- every balance equals the sum of the deltas pgbench_history records for
-- its account, teller or branch (balances start at 0).  One row per table:
-- name | rows | rows whose balance disagrees with the history | sum(balance)
SELECT 'accounts', count(*), count(*) FILTER (WHERE a.abalance <> coalesce(h.s, 0)), sum(a.abalance)
FROM pgbench_accounts a
LEFT JOIN (SELECT aid, sum(delta) AS s FROM pgbench_history GROUP BY aid) h USING (aid)
UNION ALL
SELECT 'tellers', count(*), count(*) FILTER (WHERE t.tbalance <> coalesce(h.s, 0)), sum(t.tbalance)
FROM pgbench_tellers t
LEFT JOIN (SELECT tid, sum(delta) AS s FROM pgbench_history GROUP BY tid) h USING (tid)
UNION ALL
SELECT 'branches', count(*), count(*) FILTER (WHERE b.bbalance <> coalesce(h.s, 0)), sum(b.bbalance)
FROM pgbench_branches b
LEFT JOIN (SELECT bid, sum(delta) AS s FROM pgbench_history GROUP BY bid) h USING (bid)
UNION ALL
SELECT 'history', count(*), 0, sum(delta) FROM pgbench_history;
