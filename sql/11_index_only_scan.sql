-- HeliosIndexOnlyScan: index-only scans of helios_btree indexes on helios
-- tables, which read neither the table nor its visibility map.  Plan shapes
-- and EXPLAIN fields; equality, ranges, ordering, multi-column and INCLUDE
-- columns, NULLs; runtime keys (nested loops, prepared statements,
-- subplans), cursors, min/max; and answers after UPDATE and DELETE checked
-- against scans that read the table.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET max_parallel_workers_per_gather = 0;
SHOW helios.enable_index_only_scan;

CREATE TABLE ios (id int, g int, t text COLLATE "C", n int8)
  USING helios WITH (autovacuum_enabled = off);
INSERT INTO ios
  SELECT i, i % 50, 'k' || lpad(i::text, 5, '0'), i * 10
  FROM generate_series(1, 5000) i;
INSERT INTO ios VALUES (NULL, NULL, NULL, NULL), (NULL, 7, NULL, -1);
CREATE INDEX ios_id ON ios USING helios_btree (id);
CREATE INDEX ios_g_t ON ios USING helios_btree (g, t) INCLUDE (n);
ANALYZE ios;

-- equality
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE id = 42;
SELECT id FROM ios WHERE id = 42;
SELECT id FROM ios WHERE id = 5001;

-- ranges, both directions
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE id BETWEEN 100 AND 105;
SELECT id FROM ios WHERE id BETWEEN 100 AND 105;
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE id > 4990 ORDER BY id DESC;
SELECT id FROM ios WHERE id > 4990 ORDER BY id DESC;
EXPLAIN (COSTS OFF) SELECT id FROM ios ORDER BY id LIMIT 3;
SELECT id FROM ios ORDER BY id LIMIT 3;
SELECT id FROM ios ORDER BY id DESC NULLS LAST LIMIT 3;
SELECT id FROM ios WHERE id IN (4999, 7, 12) ORDER BY id DESC;
SELECT count(*), sum(id) FROM ios WHERE id < 1000 OR id >= 4000;

-- the node serves count(*) (no column needed) and projections
EXPLAIN (COSTS OFF) SELECT count(*) FROM ios WHERE id > 4500;
SELECT count(*) FROM ios WHERE id > 4500;
EXPLAIN (COSTS OFF, VERBOSE) SELECT id * 2, id::text FROM ios WHERE id < 3;
SELECT id * 2, id::text FROM ios WHERE id < 3;

-- multi-column, INCLUDE column, filter on the INCLUDE column
EXPLAIN (COSTS OFF) SELECT g, t, n FROM ios WHERE g = 7 AND t >= 'k04800' ORDER BY g, t;
SELECT g, t, n FROM ios WHERE g = 7 AND t >= 'k04800' ORDER BY g, t;
EXPLAIN (COSTS OFF) SELECT g, t, n FROM ios WHERE g = 7 AND t >= 'k04800' ORDER BY g DESC, t DESC;
SELECT g, t, n FROM ios WHERE g = 7 AND t >= 'k04800' ORDER BY g DESC, t DESC;
EXPLAIN (COSTS OFF) SELECT t, n FROM ios WHERE g = 13 AND n % 1000 = 130;
SELECT t, n FROM ios WHERE g = 13 AND n % 1000 = 130;
EXPLAIN (COSTS OFF) SELECT g, t FROM ios WHERE g BETWEEN 48 AND 49 AND t < 'k00200' ORDER BY g, t;
SELECT g, t FROM ios WHERE g BETWEEN 48 AND 49 AND t < 'k00200' ORDER BY g, t;

-- a partial index: quals its predicate implies are not rechecked, so the
-- node can serve a query on a column outside the index
CREATE INDEX ios_part_idx ON ios USING helios_btree (id) WHERE g = 3;
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE g = 3 AND id < 200;
SELECT id FROM ios WHERE g = 3 AND id < 200;
DROP INDEX ios_part_idx;
-- an index that repeats a column is left to PostgreSQL's node
CREATE TABLE ios_dup (a int) USING helios;
CREATE INDEX ios_dup_a_a ON ios_dup USING helios_btree (a, a);
INSERT INTO ios_dup SELECT generate_series(1, 100);
EXPLAIN (COSTS OFF) SELECT a FROM ios_dup WHERE a = 3;
SELECT a FROM ios_dup WHERE a = 3;
DROP TABLE ios_dup;

-- NULLs
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE id IS NULL;
SELECT count(*) FROM ios WHERE id IS NULL;
EXPLAIN (COSTS OFF) SELECT g, t, n FROM ios WHERE g = 7 AND t IS NULL;
SELECT g, t, n FROM ios WHERE g = 7 AND t IS NULL;
SELECT g, t, n FROM ios WHERE g IS NULL;
SELECT count(*) FROM ios WHERE id IS NOT NULL;

-- EXPLAIN ANALYZE: no table access, with a filter and with an Index Cond
-- that removes rows
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
  SELECT id FROM ios WHERE id BETWEEN 1000 AND 1999 AND id % 7 = 0;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
  SELECT g, t, n FROM ios WHERE g = 7 AND t > 'k02500' AND n % 3 = 0 ORDER BY g DESC, t DESC;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
  SELECT count(*) FROM ios WHERE id IS NOT NULL;
EXPLAIN (FORMAT JSON, COSTS OFF) SELECT id FROM ios WHERE id < 10 ORDER BY id DESC;

-- pseudoconstant quals gate the node
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE id < 4 AND current_user IS NOT NULL;
SELECT id FROM ios WHERE id < 4 AND current_user IS NOT NULL;

-- off: PostgreSQL's own Index Only Scan
SET helios.enable_index_only_scan = off;
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE id BETWEEN 100 AND 105;
EXPLAIN (COSTS OFF) SELECT g, t, n FROM ios WHERE g = 7 AND t >= 'k04800' ORDER BY g DESC, t DESC;
SELECT g, t, n FROM ios WHERE g = 7 AND t >= 'k04800' ORDER BY g DESC, t DESC;
RESET helios.enable_index_only_scan;
-- and enable_indexonlyscan turns off both
SET enable_indexonlyscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM ios WHERE id BETWEEN 100 AND 105;
RESET enable_indexonlyscan;

-- parameterized inner side of a nested loop: Index Cond on the outer row
CREATE TABLE ios_outer (x int, y int) USING helios;
INSERT INTO ios_outer SELECT i * 97, i % 3 FROM generate_series(1, 12) i;
INSERT INTO ios_outer VALUES (NULL, 0), (6000, 0);
ANALYZE ios_outer;
RESET enable_seqscan;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_memoize = off;
EXPLAIN (COSTS OFF)
  SELECT o.x, i.id FROM ios_outer o JOIN ios i ON i.id = o.x WHERE o.y = 1 ORDER BY o.x;
SELECT o.x, i.id FROM ios_outer o JOIN ios i ON i.id = o.x WHERE o.y = 1 ORDER BY o.x;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
  SELECT o.x, i.id FROM ios_outer o JOIN ios i ON i.id BETWEEN o.x AND o.x + 2;
SELECT o.x, i.id FROM ios_outer o JOIN ios i ON i.id BETWEEN o.x AND o.x + 2
  ORDER BY o.x, i.id;
EXPLAIN (COSTS OFF)
  SELECT o.x, i.t, i.n FROM ios_outer o JOIN ios i ON i.g = o.y AND i.t < 'k00010'
  WHERE o.x < 300 ORDER BY o.x, i.t;
SELECT o.x, i.t, i.n FROM ios_outer o JOIN ios i ON i.g = o.y AND i.t < 'k00010'
  WHERE o.x < 300 ORDER BY o.x, i.t;
-- outer join and LATERAL
SELECT o.x, i.id FROM ios_outer o LEFT JOIN ios i ON i.id = o.x + 1
  WHERE o.y = 0 ORDER BY o.x;
EXPLAIN (COSTS OFF)
  SELECT o.x, s.id FROM ios_outer o,
    LATERAL (SELECT id FROM ios WHERE id > o.x ORDER BY id LIMIT 2) s
  WHERE o.y = 2;
SELECT o.x, s.id FROM ios_outer o,
  LATERAL (SELECT id FROM ios WHERE id > o.x ORDER BY id LIMIT 2) s
  WHERE o.y = 2 ORDER BY 1, 2;
-- a merge join gives the same answer with and without the node
RESET enable_mergejoin;
SET enable_nestloop = off;
SELECT count(*), sum(i.id) FROM (SELECT x FROM ios_outer ORDER BY x) o
  JOIN ios i ON i.id = o.x / 97;
SET helios.enable_index_only_scan = off;
SELECT count(*), sum(i.id) FROM (SELECT x FROM ios_outer ORDER BY x) o
  JOIN ios i ON i.id = o.x / 97;
RESET helios.enable_index_only_scan;
RESET enable_nestloop;
RESET enable_hashjoin;
RESET enable_memoize;
SET enable_seqscan = off;

-- subplans: correlated (rescanned with a new Param) and initplan
EXPLAIN (COSTS OFF)
  SELECT o.x, (SELECT count(*) FROM ios WHERE id < o.x) FROM ios_outer o WHERE o.y = 1;
SELECT o.x, (SELECT count(*) FROM ios WHERE id < o.x) FROM ios_outer o WHERE o.y = 1
  ORDER BY o.x;
EXPLAIN (COSTS OFF)
  SELECT id FROM ios WHERE id BETWEEN (SELECT min(x) FROM ios_outer)
                                  AND (SELECT min(x) FROM ios_outer) + 2;
SELECT id FROM ios WHERE id BETWEEN (SELECT min(x) FROM ios_outer)
                                AND (SELECT min(x) FROM ios_outer) + 2;
SELECT o.x FROM ios_outer o
  WHERE EXISTS (SELECT 1 FROM ios WHERE id = o.x + 1) ORDER BY o.x;
-- a subquery planned on its own (range table offset)
EXPLAIN (COSTS OFF, VERBOSE)
  SELECT s.id + 1 FROM (SELECT id FROM ios WHERE id < 10 OFFSET 5) s;
SELECT s.id + 1 FROM (SELECT id FROM ios WHERE id < 10 OFFSET 5) s;

-- prepared statement, generic plan: runtime keys from parameters
PREPARE ios_p(int, int) AS
  SELECT id FROM ios WHERE id BETWEEN $1 AND $2 ORDER BY id DESC;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE ios_p(5, 8);
EXECUTE ios_p(5, 8);
EXECUTE ios_p(4998, 6000);
EXECUTE ios_p(10, 9);
PREPARE ios_q(int, text) AS SELECT t, n FROM ios WHERE g = $1 AND t < $2;
EXPLAIN (COSTS OFF) EXECUTE ios_q(3, 'k00200');
EXECUTE ios_q(3, 'k00200');
EXECUTE ios_q(NULL, 'k00200');
RESET plan_cache_mode;
DEALLOCATE ios_p;
DEALLOCATE ios_q;

-- SCROLL cursor: the node runs backward itself (no Materialize)
EXPLAIN (COSTS OFF)
  DECLARE c SCROLL CURSOR FOR SELECT id FROM ios WHERE id <= 10 ORDER BY id;
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT id FROM ios WHERE id <= 10 ORDER BY id;
FETCH 3 FROM c;
FETCH BACKWARD 2 FROM c;
FETCH BACKWARD 1 FROM c;
FETCH LAST FROM c;
FETCH BACKWARD 3 FROM c;
FETCH ABSOLUTE 4 FROM c;
FETCH FORWARD ALL FROM c;
FETCH BACKWARD ALL FROM c;
CLOSE c;
DECLARE d SCROLL CURSOR FOR
  SELECT g, t FROM ios WHERE g = 21 AND t < 'k00400' ORDER BY g DESC, t DESC;
FETCH 2 FROM d;
FETCH BACKWARD 1 FROM d;
FETCH LAST FROM d;
FETCH PRIOR FROM d;
FETCH FIRST FROM d;
COMMIT;

-- min() and max() become LIMIT 1 scans in each direction
EXPLAIN (COSTS OFF) SELECT min(id), max(id) FROM ios;
SELECT min(id), max(id) FROM ios;
EXPLAIN (COSTS OFF) SELECT max(t) FROM ios WHERE g = 5;
SELECT max(t) FROM ios WHERE g = 5;

-- partitions: the node on helios partitions, PostgreSQL's on a heap one
CREATE TABLE ios_part (k int, v int) PARTITION BY RANGE (k);
CREATE TABLE ios_part1 PARTITION OF ios_part FOR VALUES FROM (0) TO (500) USING helios;
CREATE TABLE ios_part2 PARTITION OF ios_part FOR VALUES FROM (500) TO (1000) USING helios;
CREATE TABLE ios_part3 PARTITION OF ios_part FOR VALUES FROM (1000) TO (1500) USING heap;
CREATE INDEX ON ios_part1 USING helios_btree (k) INCLUDE (v);
CREATE INDEX ON ios_part2 USING helios_btree (k) INCLUDE (v);
CREATE INDEX ON ios_part3 (k) INCLUDE (v);
INSERT INTO ios_part SELECT i, i * 2 FROM generate_series(0, 1499) i;
ANALYZE ios_part;
EXPLAIN (COSTS OFF)
  SELECT k, v FROM ios_part WHERE k BETWEEN 499 AND 1000 AND k % 250 < 2 ORDER BY k;
SELECT k, v FROM ios_part WHERE k BETWEEN 499 AND 1000 AND k % 250 < 2 ORDER BY k;

-- Answers after UPDATE and DELETE.  ios_rows_node() runs a query with the
-- node (ios_uses_node() checks, from EXPLAIN, that it is in the plan);
-- ios_rows_table() runs it with the node and every index scan off, so the
-- rows come from the table.  ios_check() reports the row counts of both
-- and the rows only one of them returned (EXCEPT ALL both ways).
CREATE FUNCTION ios_rows_node(q text) RETURNS SETOF text LANGUAGE plpgsql
  SET helios.enable_index_only_scan = on SET enable_indexonlyscan = on
  SET enable_indexscan = on SET enable_seqscan = off SET enable_bitmapscan = off
AS $$ BEGIN RETURN QUERY EXECUTE format('SELECT r::text FROM (%s) r', q); END $$;
CREATE FUNCTION ios_uses_node(q text) RETURNS bool LANGUAGE plpgsql
  SET helios.enable_index_only_scan = on SET enable_indexonlyscan = on
  SET enable_indexscan = on SET enable_seqscan = off SET enable_bitmapscan = off
AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) SELECT r::text FROM (%s) r', q) LOOP
    IF line LIKE '%Custom Scan (HeliosIndexOnlyScan)%' THEN
      RETURN true;
    END IF;
  END LOOP;
  RETURN false;
END $$;
CREATE FUNCTION ios_rows_table(q text) RETURNS SETOF text LANGUAGE plpgsql
  SET helios.enable_index_only_scan = off SET enable_indexonlyscan = off
  SET enable_indexscan = off SET enable_seqscan = on SET enable_bitmapscan = off
AS $$ BEGIN RETURN QUERY EXECUTE format('SELECT r::text FROM (%s) r', q); END $$;
CREATE FUNCTION ios_check(q text, OUT uses_node bool, OUT rows_node bigint,
                          OUT rows_table bigint, OUT only_node bigint,
                          OUT only_table bigint)
LANGUAGE sql AS $$
  SELECT ios_uses_node(q),
         (SELECT count(*) FROM ios_rows_node(q)),
         (SELECT count(*) FROM ios_rows_table(q)),
         (SELECT count(*) FROM (SELECT ios_rows_node(q)
                                EXCEPT ALL SELECT ios_rows_table(q)) d),
         (SELECT count(*) FROM (SELECT ios_rows_table(q)
                                EXCEPT ALL SELECT ios_rows_node(q)) d)
$$;

CREATE TABLE ios_m (id int, v int, pad text) USING helios WITH (autovacuum_enabled = off);
CREATE INDEX ios_m_id ON ios_m USING helios_btree (id) INCLUDE (v);
CREATE INDEX ios_m_v ON ios_m USING helios_btree (v);
INSERT INTO ios_m SELECT i, i, 'p' FROM generate_series(1, 2000) i;
CREATE TABLE ios_m_queries (name text, q text);
INSERT INTO ios_m_queries VALUES
  ('id range', 'SELECT id, v FROM ios_m WHERE id BETWEEN -100000 AND 100000'),
  ('id range desc', 'SELECT id, v FROM ios_m WHERE id > 1500 ORDER BY id DESC'),
  ('id equal', 'SELECT id, v FROM ios_m WHERE id IN (17, 21, 22, 30, 31, 10021)'),
  ('v range', 'SELECT v FROM ios_m WHERE v BETWEEN -5000 AND 5000'),
  ('count', 'SELECT count(*), sum(id) FROM ios_m WHERE id > -100000'),
  ('v filter', 'SELECT id FROM ios_m WHERE id < 1000 AND v % 2 = 1');
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;

-- committed DELETE and UPDATEs: of the key, of the INCLUDE column (which
-- is ios_m_v's key), of no indexed column
DELETE FROM ios_m WHERE id % 10 = 0;
UPDATE ios_m SET id = id + 10000 WHERE id % 10 = 1;
UPDATE ios_m SET v = -v WHERE id % 10 = 2;
UPDATE ios_m SET pad = 'q' WHERE id % 10 = 3;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;
SELECT id, v FROM ios_m WHERE id BETWEEN 20 AND 32 ORDER BY id;
SELECT v FROM ios_m WHERE v BETWEEN -32 AND -10 ORDER BY v;

-- a key deleted and inserted again; a key updated away and back
DELETE FROM ios_m WHERE id = 17;
INSERT INTO ios_m VALUES (17, 1700, 'r');
UPDATE ios_m SET id = 100017 WHERE id = 18;
UPDATE ios_m SET id = 18 WHERE id = 100017;
UPDATE ios_m SET v = v + 1 WHERE id = 19;
UPDATE ios_m SET v = v - 1 WHERE id = 19;
SELECT id, v FROM ios_m WHERE id BETWEEN 17 AND 19 ORDER BY id;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;

-- changes in the same transaction, before and after ROLLBACK
BEGIN;
DELETE FROM ios_m WHERE id % 10 = 4;
UPDATE ios_m SET id = -id WHERE id % 10 = 5;
UPDATE ios_m SET v = v * 1000 WHERE id % 10 = 6;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;
SELECT id, v FROM ios_m WHERE id BETWEEN 20 AND 29 OR id BETWEEN -29 AND -20 ORDER BY id;
ROLLBACK;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;
SELECT id, v FROM ios_m WHERE id BETWEEN 20 AND 29 ORDER BY id;

-- ROLLBACK TO SAVEPOINT, then COMMIT
BEGIN;
UPDATE ios_m SET id = id + 20000 WHERE id % 10 = 7;
SAVEPOINT s;
DELETE FROM ios_m WHERE id % 10 = 8;
UPDATE ios_m SET v = 0 WHERE id % 10 = 9;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;
ROLLBACK TO SAVEPOINT s;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;
COMMIT;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;

-- a cursor keeps the snapshot it was opened with across later changes in
-- its own transaction
BEGIN;
SET LOCAL helios.enable_index_only_scan = off;
SET LOCAL enable_indexonlyscan = off;
SET LOCAL enable_indexscan = off;
SET LOCAL enable_seqscan = on;
DECLARE c_table CURSOR FOR SELECT count(*), sum(id), sum(v) FROM ios_m WHERE id > -100000;
SET LOCAL helios.enable_index_only_scan = on;
SET LOCAL enable_indexonlyscan = on;
SET LOCAL enable_indexscan = on;
SET LOCAL enable_seqscan = off;
DECLARE c_node CURSOR FOR SELECT count(*), sum(id), sum(v) FROM ios_m WHERE id > -100000;
DELETE FROM ios_m WHERE id BETWEEN 100 AND 199;
UPDATE ios_m SET id = id + 50000 WHERE id BETWEEN 200 AND 299;
INSERT INTO ios_m SELECT i, i, 'n' FROM generate_series(3001, 3100) i;
FETCH c_node;
FETCH c_table;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;
COMMIT;
SELECT name, c.* FROM ios_m_queries, ios_check(q) c ORDER BY name;

RESET enable_seqscan;
RESET enable_bitmapscan;
RESET max_parallel_workers_per_gather;
