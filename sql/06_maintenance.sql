-- VACUUM, VACUUM FULL, CLUSTER, TRUNCATE, REINDEX, CREATE INDEX CONCURRENTLY.
-- The table AM with btree keys (helios_btree keys: 10_btree_routing, 12_helios_btree).
SET helios.btree_routing = off;
CREATE TABLE hv (id int PRIMARY KEY, v int, t text) USING helios;
INSERT INTO hv SELECT g, g, repeat('x', 50) FROM generate_series(1, 20000) g;
UPDATE hv SET v = v + 1;
UPDATE hv SET v = v + 1;
DELETE FROM hv WHERE id % 2 = 0;
VACUUM hv;
SELECT count(*), sum(v) FROM hv;
SELECT n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'hv';
-- repeated update + vacuum keeps the table bounded
SELECT pg_relation_size('hv') AS size1 \gset
UPDATE hv SET v = v + 1;
VACUUM hv;
UPDATE hv SET v = v + 1;
VACUUM hv;
UPDATE hv SET v = v + 1;
VACUUM hv;
SELECT pg_relation_size('hv') <= :size1 * 1.5 AS bounded;
VACUUM FREEZE hv;
SELECT age(relfrozenxid) < 100 AS frozen FROM pg_class WHERE relname = 'hv';
VACUUM (VERBOSE OFF, ANALYZE) hv;
VACUUM (INDEX_CLEANUP OFF, TRUNCATE OFF) hv;
VACUUM (DISABLE_PAGE_SKIPPING) hv;
SELECT count(*), sum(v) FROM hv;

-- VACUUM FULL and CLUSTER rewrite the table and keep the rows
SELECT relfilenode AS fn FROM pg_class WHERE relname = 'hv' \gset
VACUUM FULL hv;
SELECT relfilenode <> :fn AS rewritten FROM pg_class WHERE relname = 'hv';
SELECT count(*), sum(v) FROM hv;
CLUSTER hv USING hv_pkey;
SELECT count(*), sum(v) FROM hv;
SELECT id FROM hv LIMIT 3;
SET enable_seqscan = off;
SELECT v FROM hv WHERE id = 9999;
RESET enable_seqscan;

-- index builds on a table with dead and updated rows
UPDATE hv SET t = 'y' WHERE id % 3 = 0;
CREATE INDEX CONCURRENTLY hv_v ON hv (v);
REINDEX TABLE hv;
REINDEX TABLE CONCURRENTLY hv;
SET enable_seqscan = off;
SELECT count(*) FROM hv WHERE v > 10000;
RESET enable_seqscan;
SELECT count(*) FROM hv WHERE v > 10000;
SELECT indisvalid FROM pg_index WHERE indexrelid = 'hv_v'::regclass;

-- TRUNCATE, in and out of transactions
BEGIN;
TRUNCATE hv;
SELECT count(*) FROM hv;
ROLLBACK;
SELECT count(*) FROM hv;
TRUNCATE hv;
SELECT count(*), pg_relation_size('hv') FROM hv;
INSERT INTO hv VALUES (1, 1, 'after truncate');
SELECT * FROM hv;

DROP TABLE hv;

-- ANALYZE samples the versions of updated rows under their rows' TIDs.
-- With more rows than it samples, ANALYZE sorts the sample by TID before
-- computing the physical-order correlation.  Rows updated in reverse order
-- have their versions in reverse item order on each page, yet their TIDs
-- (roots) are in id order, so the correlation is exactly 1.  (A heap table
-- gives less: its TIDs name versions.)
CREATE TABLE han (id int, v int) USING helios WITH (fillfactor = 40);
INSERT INTO han SELECT g, 0 FROM generate_series(1, 1000) g;
DO $$
BEGIN
	FOR i IN REVERSE 1000..1 LOOP
		UPDATE han SET v = 1 WHERE id = i;
	END LOOP;
END $$;
VACUUM han;
SELECT count(DISTINCT (ctid::text::point)[0]) > 1 AS several_pages FROM han;
SET default_statistics_target = 1;
ANALYZE han;
RESET default_statistics_target;
SELECT correlation FROM pg_stats WHERE tablename = 'han' AND attname = 'id';
DROP TABLE han;
