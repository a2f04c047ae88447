-- helios_btree: the index AM itself.  Every query's answer is checked
-- against the same query answered without the index (seq scan) or against
-- an nbtree twin; helios_btree_verify checks the structure after each
-- kind of change.
SET search_path = public, helios;
SELECT amname, amtype FROM pg_am WHERE amname = 'helios_btree';

CREATE TABLE bt (id int, g int, t text, f float8, d date) USING helios;
INSERT INTO bt SELECT i, i % 97, 'key ' || lpad(i::text, 6, '0'), i / 7.0,
       date '2020-01-01' + (i % 1000)
  FROM generate_series(1, 30000) i;
CREATE INDEX bt_id ON bt USING helios_btree (id);
CREATE INDEX bt_gt ON bt USING helios_btree (g DESC, t) INCLUDE (f);
CREATE INDEX bt_t ON bt USING helios_btree (t text_pattern_ops);
CREATE INDEX bt_expr ON bt USING helios_btree ((id % 1000)) WHERE g < 10;
CREATE INDEX bt_d ON bt USING helios_btree (d NULLS FIRST);
SELECT relname, amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam
 WHERE relname LIKE 'bt\_%' ORDER BY 1;
SELECT helios_btree_verify(i, true) FROM unnest(ARRAY['bt_id', 'bt_gt', 'bt_t', 'bt_expr', 'bt_d']::regclass[]) i;

-- a view of each answer with and without the index
CREATE FUNCTION same(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE a text; b text;
BEGIN
  SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;
  EXECUTE 'SELECT md5(string_agg(x::text, ''|'')) FROM (' || q || ') x' INTO a;
  SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = off;
  SET LOCAL enable_indexonlyscan = off; SET LOCAL enable_bitmapscan = off;
  EXECUTE 'SELECT md5(string_agg(x::text, ''|'')) FROM (' || q || ') x' INTO b;
  RETURN a IS NOT DISTINCT FROM b;
END $$;

SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM bt WHERE id = 4242;
SELECT id, g, t FROM bt WHERE id = 4242;
EXPLAIN (COSTS OFF) SELECT g, t, f FROM bt WHERE g = 5 AND t > 'key 029000' ORDER BY g DESC, t;
EXPLAIN (COSTS OFF) SELECT id FROM bt ORDER BY id DESC LIMIT 3;
SELECT id FROM bt ORDER BY id DESC LIMIT 3;
SELECT id FROM bt WHERE id < 4 ORDER BY id;
SELECT id FROM bt WHERE id >= 29998;
SELECT same('SELECT id FROM bt WHERE id BETWEEN 100 AND 2000 ORDER BY id');
SELECT same('SELECT id FROM bt WHERE id > 100 AND id <= 2000 AND id <> 150 ORDER BY id DESC');
SELECT same('SELECT g, t, f FROM bt WHERE g = 5 AND t > ''key 029000'' ORDER BY g DESC, t');
SELECT same('SELECT g, t FROM bt WHERE g BETWEEN 3 AND 6 ORDER BY g DESC, t');
SELECT same('SELECT g, t FROM bt WHERE g < 3 ORDER BY g, t DESC');
SELECT same('SELECT t FROM bt WHERE t >= ''key 012'' AND t < ''key 013'' ORDER BY t');
SELECT same('SELECT id % 1000, id FROM bt WHERE g < 10 AND id % 1000 = 7 ORDER BY id');
SELECT same('SELECT id FROM bt WHERE id = 77::int8');
SELECT same('SELECT id FROM bt WHERE id < 100::int8 AND id > 90::int2 ORDER BY id');
SELECT same('SELECT d, count(*) FROM bt WHERE d < date ''2020-01-05'' GROUP BY d ORDER BY d');
SELECT id FROM bt WHERE id = NULL;

-- NULLs, NULLS FIRST, IS NULL
INSERT INTO bt VALUES (NULL, NULL, NULL, NULL, NULL), (NULL, 1, 'n1', 1, NULL);
SELECT count(*) FROM bt WHERE id IS NULL;
SELECT count(*) FROM bt WHERE d IS NULL;
SELECT d FROM bt ORDER BY d NULLS FIRST LIMIT 3;
SELECT same('SELECT id FROM bt WHERE id IS NOT NULL AND id < 10 ORDER BY id');

-- bitmap scans
SET enable_indexscan = off; SET enable_bitmapscan = on;
EXPLAIN (COSTS OFF) SELECT count(*) FROM bt WHERE id BETWEEN 10 AND 5000;
SELECT count(*) FROM bt WHERE id BETWEEN 10 AND 5000;
RESET enable_indexscan; SET enable_bitmapscan = off;

-- backward and scrollable cursors across page boundaries
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT id FROM bt WHERE id BETWEEN 500 AND 1500 ORDER BY id;
FETCH 3 FROM c;
MOVE FORWARD 600 FROM c;
FETCH BACKWARD 3 FROM c;
FETCH LAST FROM c;
FETCH BACKWARD 2 FROM c;
FETCH FIRST FROM c;
FETCH PRIOR FROM c;
FETCH NEXT FROM c;
COMMIT;

-- merge join: mark and restore
SET enable_hashjoin = off; SET enable_nestloop = off;
CREATE TABLE bt2 (id int) USING helios;
INSERT INTO bt2 SELECT i / 3 FROM generate_series(300, 6000) i;
CREATE INDEX bt2_id ON bt2 USING helios_btree (id);
SELECT same('SELECT a.id, count(*) FROM bt a JOIN bt2 b ON a.id = b.id GROUP BY a.id ORDER BY a.id');
RESET enable_hashjoin; RESET enable_nestloop;

-- entries end with DELETE and indexed-column UPDATE, in every snapshot
BEGIN;
DELETE FROM bt WHERE id BETWEEN 1000 AND 1999;
UPDATE bt SET id = id + 100000 WHERE id BETWEEN 2000 AND 2999;
UPDATE bt SET f = -f WHERE id BETWEEN 3000 AND 3999;
SELECT count(*) FROM bt WHERE id BETWEEN 1000 AND 3999;
SELECT count(*) FROM bt WHERE id > 100000;
SAVEPOINT s;
DELETE FROM bt WHERE id BETWEEN 3000 AND 3499;
SELECT count(*) FROM bt WHERE id BETWEEN 3000 AND 3999;
ROLLBACK TO s;
SELECT count(*) FROM bt WHERE id BETWEEN 3000 AND 3999;
COMMIT;
SELECT same('SELECT id, f FROM bt WHERE id BETWEEN 900 AND 4100 ORDER BY id');
SELECT same('SELECT id FROM bt WHERE id > 100000 ORDER BY id');
SELECT same('SELECT g, t, f FROM bt WHERE g = 5 ORDER BY g DESC, t');
-- insert and delete in one transaction, seen by later commands only
BEGIN;
INSERT INTO bt SELECT i, 1, 'tmp', 0, NULL FROM generate_series(200001, 200100) i;
SELECT count(*) FROM bt WHERE id > 200000;
DELETE FROM bt WHERE id > 200050;
SELECT count(*) FROM bt WHERE id > 200000;
ROLLBACK;
SELECT count(*) FROM bt WHERE id > 200000;
SELECT helios_btree_verify(i, true) FROM unnest(ARRAY['bt_id', 'bt_gt', 'bt_t', 'bt_expr', 'bt_d']::regclass[]) i;
VACUUM bt;
SELECT helios_btree_verify(i, true) FROM unnest(ARRAY['bt_id', 'bt_gt', 'bt_t', 'bt_expr', 'bt_d']::regclass[]) i;
SELECT same('SELECT id FROM bt WHERE id BETWEEN 900 AND 4100 ORDER BY id');

-- uniqueness
CREATE TABLE bu (k int, v text) USING helios;
CREATE UNIQUE INDEX bu_k ON bu USING helios_btree (k);
INSERT INTO bu SELECT i, 'v' || i FROM generate_series(1, 1000) i;
INSERT INTO bu VALUES (5, 'dup');
INSERT INTO bu VALUES (NULL, 'a'), (NULL, 'b');
DELETE FROM bu WHERE k = 5;
INSERT INTO bu VALUES (5, 'again');
UPDATE bu SET k = k + 1 WHERE k = 999;
UPDATE bu SET k = 6 WHERE k = 7;
BEGIN; DELETE FROM bu WHERE k = 10; INSERT INTO bu VALUES (10, 'same xact'); COMMIT;
SELECT k, v FROM bu WHERE k IN (5, 10, 1000) ORDER BY k;
CREATE UNIQUE INDEX bu_v ON bu USING helios_btree (v) NULLS NOT DISTINCT;
INSERT INTO bu VALUES (2000, NULL);
INSERT INTO bu VALUES (2001, NULL);
CREATE TABLE bu2 (k int) USING helios;
INSERT INTO bu2 VALUES (1), (2), (2);
CREATE UNIQUE INDEX bu2_k ON bu2 USING helios_btree (k);
DELETE FROM bu2 WHERE k = 2 AND ctid = (SELECT min(ctid) FROM bu2 WHERE k = 2);
CREATE UNIQUE INDEX bu2_k ON bu2 USING helios_btree (k);
SELECT helios_btree_verify('bu_k', true), helios_btree_verify('bu_v', true);

-- errors
CREATE TABLE bh (a int);
CREATE INDEX ON bh USING helios_btree (a);
CREATE INDEX CONCURRENTLY bt_cic ON bt USING helios_btree (g);
CREATE TABLE bl (t text) USING helios;
CREATE INDEX bl_t ON bl USING helios_btree (t);
INSERT INTO bl VALUES (repeat('x', 1000));
INSERT INTO bl SELECT string_agg(md5(i::text), '') FROM generate_series(1, 100) i;
SELECT helios_btree_verify('bt');
SELECT helios_btree_verify('bu2_k'::regclass);

-- randomized: the same operations on an nbtree and a helios_btree twin
CREATE TABLE rn (k int, j int) USING helios;
CREATE TABLE rh (k int, j int) USING helios;
CREATE INDEX rn_k ON rn USING btree (k, j);
CREATE INDEX rh_k ON rh USING helios_btree (k, j);
SELECT setseed(0.42);
DO $$
DECLARE op float8; lo int; n int;
BEGIN
  FOR step IN 1..300 LOOP
    op := random(); lo := (random() * 5000)::int; n := (random() * 60)::int;
    IF op < 0.5 THEN
      INSERT INTO rn SELECT lo + i % 17, i FROM generate_series(1, n) i;
      INSERT INTO rh SELECT lo + i % 17, i FROM generate_series(1, n) i;
    ELSIF op < 0.7 THEN
      DELETE FROM rn WHERE k BETWEEN lo AND lo + n;
      DELETE FROM rh WHERE k BETWEEN lo AND lo + n;
    ELSIF op < 0.9 THEN
      UPDATE rn SET k = k + 7 WHERE k BETWEEN lo AND lo + n / 4;
      UPDATE rh SET k = k + 7 WHERE k BETWEEN lo AND lo + n / 4;
    ELSE
      UPDATE rn SET j = -j WHERE k BETWEEN lo AND lo + n;
      UPDATE rh SET j = -j WHERE k BETWEEN lo AND lo + n;
    END IF;
  END LOOP;
END $$;
VACUUM rh;
CREATE FUNCTION twins(lo int, hi int) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE a text; b text;
BEGIN
  SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;
  SELECT md5(string_agg(k || ',' || j, '|' ORDER BY k, j)) INTO a FROM rn WHERE k BETWEEN lo AND hi;
  SELECT md5(string_agg(k || ',' || j, '|' ORDER BY k, j)) INTO b FROM rh WHERE k BETWEEN lo AND hi;
  RETURN a IS NOT DISTINCT FROM b;
END $$;
SELECT bool_and(twins(lo, lo + 300)) FROM generate_series(0, 5000, 250) lo;
SELECT (SELECT count(*) FROM rn) = (SELECT count(*) FROM rh) AS same_count;
SELECT helios_btree_verify('rh_k', true);
RESET enable_seqscan;
RESET enable_bitmapscan;
