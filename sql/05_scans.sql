-- Every scan type over helios: seq, parallel seq, index, index-only,
-- bitmap (exact and lossy), TID, TID range, TABLESAMPLE; ANALYZE.
CREATE TABLE hsc (id int, g int, v float8, t text) USING helios;
INSERT INTO hsc SELECT i, i % 100, i * 0.5, 'text ' || i FROM generate_series(1, 50000) i;
CREATE TABLE hsc_heap AS SELECT * FROM hsc;
CREATE INDEX hsc_id ON hsc (id);
CREATE INDEX hsc_g ON hsc (g);
ANALYZE hsc;
SELECT reltuples BETWEEN 45000 AND 55000 AS reltuples_ok, relpages > 0 AS relpages_ok
  FROM pg_class WHERE relname = 'hsc';
SELECT n_distinct < 0 OR n_distinct BETWEEN 90 AND 110 AS ndistinct_ok
  FROM pg_stats WHERE tablename = 'hsc' AND attname = 'g';

-- seq scan with filter and aggregate
SELECT count(*), sum(v), min(t), max(id) FROM hsc WHERE g < 10;
SELECT g, count(*) FROM hsc WHERE id > 49990 GROUP BY g ORDER BY g;

-- parallel seq scan gives the same answer
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(*), sum(v) FROM hsc WHERE g = 7;
SELECT count(*), sum(v) FROM hsc WHERE g = 7;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- index scan, index-only scan, bitmap scan
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM hsc WHERE id = 4242;
SELECT * FROM hsc WHERE id = 4242;
SELECT id FROM hsc WHERE id BETWEEN 100 AND 105 ORDER BY id DESC;
RESET enable_bitmapscan;
SET enable_indexscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM hsc WHERE g IN (1, 2, 3);
SELECT count(*), sum(id) FROM hsc WHERE g IN (1, 2, 3);
-- lossy bitmap pages
SET work_mem = '64kB';
SELECT count(*), sum(id) FROM hsc WHERE g < 50;
RESET work_mem;
RESET enable_indexscan;
RESET enable_seqscan;

-- updates leave a consistent view for every scan type
UPDATE hsc SET v = -v WHERE id % 10 = 0;
UPDATE hsc_heap SET v = -v WHERE id % 10 = 0;
DELETE FROM hsc WHERE id % 7 = 0;
DELETE FROM hsc_heap WHERE id % 7 = 0;
SELECT count(*) FROM (SELECT * FROM hsc EXCEPT SELECT * FROM hsc_heap) x;
SELECT count(*) FROM (SELECT * FROM hsc_heap EXCEPT SELECT * FROM hsc) x;
SET enable_seqscan = off;
SELECT count(*), sum(v) FROM hsc WHERE id BETWEEN 1 AND 1000;
SELECT count(*), sum(v) FROM hsc WHERE g = 30;
RESET enable_seqscan;
SELECT count(*), sum(v) FROM hsc_heap WHERE id BETWEEN 1 AND 1000;
SELECT count(*), sum(v) FROM hsc_heap WHERE g = 30;

-- TID and TID range scans
SELECT ctid, id FROM hsc WHERE ctid = '(0,1)';
SELECT count(*) FROM hsc WHERE ctid = '(0,1000)';
SELECT count(*) FROM hsc WHERE ctid = '(100000,1)';
EXPLAIN (COSTS OFF) SELECT count(*) FROM hsc WHERE ctid >= '(1,0)' AND ctid < '(3,0)';
SELECT count(*) = (SELECT count(*) FROM hsc WHERE (ctid::text::point)[0] >= 1 AND (ctid::text::point)[0] < 3)
  AS tidrange_ok FROM hsc WHERE ctid >= '(1,0)' AND ctid < '(3,0)';
-- ctid is stable for non-indexed updates, so a TID fetch keeps working
SELECT ctid AS c FROM hsc WHERE id = 1 \gset
UPDATE hsc SET t = 'moved?' WHERE id = 1;
SELECT id, t FROM hsc WHERE ctid = :'c';

-- TABLESAMPLE
SELECT count(*) > 0 AS some_rows FROM hsc TABLESAMPLE SYSTEM (50) REPEATABLE (1);
SELECT count(*) BETWEEN 3000 AND 6000 AS about_ten_percent
  FROM hsc TABLESAMPLE BERNOULLI (10) REPEATABLE (7);
SELECT (SELECT count(*) FROM hsc TABLESAMPLE SYSTEM (30) REPEATABLE (3)) =
       (SELECT count(*) FROM hsc TABLESAMPLE SYSTEM (30) REPEATABLE (3)) AS repeatable;
SELECT count(*) FROM hsc TABLESAMPLE SYSTEM (100);

-- cursors in both directions
BEGIN;
DECLARE cur SCROLL CURSOR FOR SELECT id FROM hsc WHERE id <= 5 ORDER BY id;
FETCH 2 FROM cur;
FETCH BACKWARD 1 FROM cur;
FETCH LAST FROM cur;
COMMIT;
BEGIN;
DECLARE cur2 SCROLL CURSOR FOR SELECT id FROM hsc WHERE id <= 3;
FETCH ALL FROM cur2;
FETCH BACKWARD ALL FROM cur2;
COMMIT;

DROP TABLE hsc, hsc_heap;
