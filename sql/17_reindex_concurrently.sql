-- REINDEX CONCURRENTLY of a helios_btree index is refused before it
-- starts, so that no invalid "_ccnew" copy is left behind; indexes of
-- other access methods are reindexed concurrently as usual.
SET helios.btree_routing = on;
CREATE SCHEMA ric;
CREATE TABLE ric.t (a int PRIMARY KEY, t text) USING helios;
CREATE INDEX t_t ON ric.t (t);
INSERT INTO ric.t SELECT g, repeat('x', g % 50) FROM generate_series(1, 500) g;
CREATE TABLE ric.plain (a int) USING helios;
SET helios.btree_routing = off;
CREATE INDEX plain_a ON ric.plain (a);
CREATE TABLE ric.parted (a int, b int) PARTITION BY RANGE (a);
CREATE TABLE ric.parted_1 PARTITION OF ric.parted FOR VALUES FROM (0) TO (100) USING helios;
CREATE INDEX parted_1_b ON ric.parted_1 USING helios_btree (b);
SELECT c.relname, am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam
  WHERE c.relnamespace = 'ric'::regnamespace AND c.relkind = 'i' ORDER BY 1;
REINDEX INDEX CONCURRENTLY ric.t_pkey;
REINDEX TABLE CONCURRENTLY ric.t;
REINDEX TABLE CONCURRENTLY ric.parted;
REINDEX SCHEMA CONCURRENTLY ric;
-- nothing left behind, and the indexes are valid
SELECT count(*) AS ccnew FROM pg_class WHERE relname LIKE '%ccnew%';
SELECT count(*) FILTER (WHERE NOT indisvalid) AS invalid FROM pg_index
  WHERE indrelid IN ('ric.t'::regclass, 'ric.plain'::regclass, 'ric.parted_1'::regclass);
-- a btree index, and helios_btree indexes without CONCURRENTLY
REINDEX INDEX CONCURRENTLY ric.plain_a;
REINDEX TABLE ric.t;
SELECT helios.helios_btree_verify('ric.t_pkey', true);
SELECT count(*) FROM ric.t WHERE a > 0;
DROP SCHEMA ric CASCADE;
RESET helios.btree_routing;
