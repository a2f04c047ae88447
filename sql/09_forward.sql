-- Forward links: an UPDATE that changes no indexed column keeps the row's
-- TID even when the new version must go to another page.  Every statement
-- runs on a helios table (fw) and on a heap twin (fw_heap) holding the same
-- rows; the answers of every access path must be the same.  Physical
-- details (which block, which flags) are only looked at with pageinspect
-- and reported as booleans.
-- The table AM with btree keys (helios_btree keys: 10_btree_routing, 12_helios_btree).
SET helios.btree_routing = off;
CREATE EXTENSION IF NOT EXISTS pageinspect;
CREATE EXTENSION IF NOT EXISTS amcheck;

-- Where the version chain of the row rooted at `root` leaves the root's
-- page: the t_ctid of the in-page member that links to another block, or
-- NULL when the chain stays on its page.  Follows redirects and in-page
-- HOT links.
CREATE FUNCTION fw_link(rel regclass, root tid) RETURNS tid
LANGUAGE plpgsql AS $$
DECLARE
  blk int := (root::text::point)[0];
  off int := (root::text::point)[1];
  it record;
  hops int := 0;
BEGIN
  LOOP
    SELECT lp_flags, lp_off, t_ctid, t_infomask2 INTO it
      FROM heap_page_items(get_raw_page(rel::text, blk)) WHERE lp = off;
    IF NOT FOUND OR it.lp_flags IN (0, 3) THEN
      RETURN NULL;
    ELSIF it.lp_flags = 2 THEN
      off := it.lp_off;                                 -- redirect
    ELSIF it.t_infomask2 & x'4000'::int = 0 THEN        -- not HEAP_HOT_UPDATED
      RETURN NULL;
    ELSIF (it.t_ctid::text::point)[0] <> blk THEN
      RETURN it.t_ctid;
    ELSE
      off := (it.t_ctid::text::point)[1];
    END IF;
    hops := hops + 1;
    IF hops > 300 THEN RETURN NULL; END IF;
  END LOOP;
END $$;

-- t_infomask2 of the item a TID names (NULL for a redirect or unused item)
CREATE FUNCTION fw_infomask2(rel regclass, t tid) RETURNS int
LANGUAGE sql AS $$
  SELECT t_infomask2 FROM heap_page_items(get_raw_page(rel::text, (t::text::point)[0]::int))
  WHERE lp = (t::text::point)[1]
$$;

-- The row with id = rid through every access path, each forced with the
-- enable_* settings; plan_ok says whether the plan used the intended node.
-- val is relative to id so that it does not depend on the page layout.
CREATE FUNCTION fw_scans(tab regclass, rid int, p_tid tid DEFAULT NULL)
RETURNS TABLE (ord int, scan text, plan_ok bool, n bigint, val text)
LANGUAGE plpgsql AS $$
DECLARE
  cols constant text := $c$count(*), string_agg(format('%s/%s/%s/%s%s', k - id, v - id, tags, left(pad, 1), length(pad)), ',')$c$;
  t tid := p_tid;
  blk bigint;
  s record;
  g text;
  line text;
  plan text;
BEGIN
  IF t IS NULL THEN
    EXECUTE format('SELECT ctid FROM %s WHERE id = %s', tab, rid) INTO t;
  END IF;
  t := coalesce(t, '(0,0)');
  blk := (t::text::point)[0];
  FOR s IN SELECT * FROM (VALUES
      (1, 'seq scan', 'enable_indexscan enable_indexonlyscan enable_bitmapscan enable_tidscan',
       format('SELECT %s FROM %s WHERE id = %s', cols, tab, rid), 'Seq Scan'),
      (2, 'index scan', 'enable_seqscan enable_indexonlyscan enable_bitmapscan enable_tidscan',
       format('SELECT %s FROM %s WHERE id = %s', cols, tab, rid), 'Index Scan using'),
      (3, 'index-only scan', 'enable_seqscan enable_indexscan enable_bitmapscan enable_tidscan',
       format('SELECT count(*), string_agg((id - %s)::text, %L) FROM %s WHERE id = %s', rid, ',', tab, rid), 'Index Only Scan'),
      (4, 'bitmap heap scan', 'enable_seqscan enable_indexscan enable_indexonlyscan enable_tidscan',
       format('SELECT %s FROM %s WHERE id = %s', cols, tab, rid), 'Bitmap Heap Scan'),
      (5, 'tid scan', 'enable_seqscan enable_indexscan enable_indexonlyscan enable_bitmapscan',
       format('SELECT %s FROM %s WHERE ctid = %L', cols, tab, t), 'Tid Scan'),
      (6, 'tid range scan', 'enable_seqscan enable_indexscan enable_indexonlyscan enable_bitmapscan',
       format('SELECT %s FROM %s WHERE ctid >= %L AND ctid < %L AND id = %s', cols, tab,
              format('(%s,0)', blk), format('(%s,0)', blk + 1), rid), 'Tid Range Scan'),
      (7, 'tablesample system', '',
       format('SELECT %s FROM %s TABLESAMPLE SYSTEM (100) WHERE id = %s', cols, tab, rid), 'Sample Scan'),
      (8, 'tablesample bernoulli', '',
       format('SELECT %s FROM %s TABLESAMPLE BERNOULLI (100) WHERE id = %s', cols, tab, rid), 'Sample Scan')
    ) x(ord, scan, off, q, node)
  LOOP
    FOREACH g IN ARRAY string_to_array(s.off, ' ') LOOP
      PERFORM set_config(g, 'off', true);
    END LOOP;
    plan := '';
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || s.q LOOP
      plan := plan || line || E'\n';
    END LOOP;
    ord := s.ord;
    scan := s.scan;
    plan_ok := strpos(plan, s.node) > 0;
    EXECUTE s.q INTO n, val;
    FOREACH g IN ARRAY string_to_array(s.off, ' ') LOOP
      PERFORM set_config(g, 'on', true);
    END LOOP;
    RETURN NEXT;
  END LOOP;
END $$;

-- the same row of the helios table and of its heap twin, scan by scan
CREATE FUNCTION fw_check(h regclass, p regclass, rid int, h_tid tid DEFAULT NULL, p_tid tid DEFAULT NULL)
RETURNS TABLE (scan text, plan_ok bool, helios_rows bigint, helios text, same_as_heap bool)
LANGUAGE sql AS $$
  SELECT a.scan, a.plan_ok AND b.plan_ok, a.n, a.val,
         a.n = b.n AND a.val IS NOT DISTINCT FROM b.val
  FROM fw_scans(h, rid, h_tid) a JOIN fw_scans(p, rid, p_tid) b USING (ord)
  ORDER BY ord
$$;

-- one line per label: how many rows the scans returned (one number when all
-- agree), and the scans whose plan or answer was wrong (empty when none).
-- A single label names all the ids.
CREATE FUNCTION fw_summary(h regclass, p regclass, labels text[], ids int[])
RETURNS TABLE (label text, helios_rows text, bad_scans text)
LANGUAGE sql AS $$
  SELECT coalesce(l, labels[1]), string_agg(DISTINCT c.helios_rows::text, ','),
         coalesce(string_agg(DISTINCT c.scan, ', ') FILTER (WHERE NOT (c.plan_ok AND c.same_as_heap)), '')
  FROM unnest(labels, ids) u(l, i), LATERAL fw_check(h, p, i) c
  GROUP BY 1 ORDER BY 1
$$;

-- rows in one table and not in the other (EXCEPT ALL both ways), through a
-- sequential scan, the primary key and a bitmap scan
CREATE FUNCTION fw_diff(h regclass, p regclass)
RETURNS TABLE (path text, diff bigint)
LANGUAGE plpgsql AS $$
DECLARE
  s record;
  g text;
BEGIN
  FOR s IN SELECT * FROM (VALUES
      ('seq', 'enable_indexscan enable_indexonlyscan enable_bitmapscan'),
      ('index', 'enable_seqscan enable_indexonlyscan enable_bitmapscan'),
      ('bitmap', 'enable_seqscan enable_indexscan enable_indexonlyscan')) x(path, off)
  LOOP
    FOREACH g IN ARRAY string_to_array(s.off, ' ') LOOP
      PERFORM set_config(g, 'off', true);
    END LOOP;
    path := s.path;
    EXECUTE format($q$SELECT count(*) FROM (
        (SELECT id, k, v, tags, pad FROM %1$s WHERE id > -1 EXCEPT ALL SELECT id, k, v, tags, pad FROM %2$s WHERE id > -1)
        UNION ALL
        (SELECT id, k, v, tags, pad FROM %2$s WHERE id > -1 EXCEPT ALL SELECT id, k, v, tags, pad FROM %1$s WHERE id > -1)) d$q$,
      h, p) INTO diff;
    FOREACH g IN ARRAY string_to_array(s.off, ' ') LOOP
      PERFORM set_config(g, 'on', true);
    END LOOP;
    RETURN NEXT;
  END LOOP;
END $$;

-- VACUUM below must find the dead versions dead to everyone: wait (up to
-- 60 s) until no other session of this database holds a snapshot, e.g. an
-- autovacuum worker analyzing some other table
CREATE FUNCTION fw_wait_horizon() RETURNS bool
LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1 .. 600 LOOP
    PERFORM pg_stat_clear_snapshot();
    IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
                   WHERE pid <> pg_backend_pid() AND datname = current_database()
                     AND backend_xmin IS NOT NULL) THEN
      RETURN true;
    END IF;
    PERFORM pg_sleep(0.1);
  END LOOP;
  RETURN false;
END $$;

-- Full pages (fillfactor 100, ~500-byte rows); autovacuum off so that only
-- the statements below change the pages.
CREATE TABLE fw (id int PRIMARY KEY, k int, v int, tags int[], pad text)
  USING helios WITH (fillfactor = 100, autovacuum_enabled = false);
CREATE INDEX fw_k ON fw (k);
CREATE TABLE fw_heap (id int PRIMARY KEY, k int, v int, tags int[], pad text)
  USING heap WITH (fillfactor = 100, autovacuum_enabled = false);
CREATE INDEX fw_heap_k ON fw_heap (k);
INSERT INTO fw SELECT g, g, g, '{1,2}', repeat('p', 500)
  FROM generate_series(1, 260) g;
INSERT INTO fw_heap SELECT * FROM fw ORDER BY id;
SELECT pg_relation_size('fw') / 8192 >= 15 AS enough_pages;
-- the rows used below: the third row of each of the first pages, all full
SELECT max(id) FILTER (WHERE ctid = '(0,3)') AS r1,
       max(id) FILTER (WHERE ctid = '(1,3)') AS r2,
       max(id) FILTER (WHERE ctid = '(2,3)') AS r3,
       max(id) FILTER (WHERE ctid = '(3,3)') AS r4,
       max(id) FILTER (WHERE ctid = '(4,3)') AS r5,
       max(id) FILTER (WHERE ctid = '(5,3)') AS r6,
       max(id) FILTER (WHERE ctid = '(6,3)') AS r7,
       string_agg(id::text, ',') FILTER (WHERE ctid = ANY ('{"(7,5)","(8,5)","(9,5)","(10,5)","(11,5)","(12,5)"}'::tid[])) AS bulk
  FROM fw \gset
SELECT bool_and(lower + 600 > upper) AS first_pages_full
  FROM generate_series(0, 12) b, page_header(get_raw_page('fw', b::int));

-- 1. A forwarding UPDATE keeps the TID; the new version is on another page
SELECT ctid AS c1 FROM fw WHERE id = :r1 \gset
UPDATE fw SET v = v + 100000, tags = tags || 99, pad = repeat('F', 1500) WHERE id = :r1;
UPDATE fw_heap SET v = v + 100000, tags = tags || 99, pad = repeat('F', 1500) WHERE id = :r1;
SELECT ctid = :'c1' AS same_ctid, fw_link('fw', ctid) IS NOT NULL AS forwarded
  FROM fw WHERE id = :r1;
-- old version: HEAP_HOT_UPDATED; new version: HELIOS_FORWARDED | HEAP_ONLY_TUPLE
SELECT coalesce(fw_infomask2('fw', :'c1') & x'4000'::int <> 0, false) AS old_hot_updated,
       coalesce(fw_infomask2('fw', fw_link('fw', :'c1')) & x'8800'::int = x'8800'::int, false)
         AS new_forwarded_heap_only;
-- (where the new version is; (0,0) if there is none, so that what follows runs)
SELECT coalesce(fw_link('fw', :'c1'), '(0,0)') AS t1 \gset
SELECT format('(%s,0)', (:'t1'::tid::text::point)[0]) AS t1_lo,
       format('(%s,0)', (:'t1'::tid::text::point)[0] + 1) AS t1_hi \gset
-- the plans used by fw_scans below, once (fw_scans checks each plan)
SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off; SET enable_tidscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM fw WHERE id = 1;
RESET ALL;
SET helios.btree_routing = off;
SET enable_seqscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM fw WHERE id = 1;
RESET ALL;
SET helios.btree_routing = off;
SET enable_seqscan = off; SET enable_indexscan = off; SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fw WHERE id = 1;
RESET ALL;
SET helios.btree_routing = off;
SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM fw WHERE id = 1;
RESET ALL;
SET helios.btree_routing = off;
EXPLAIN (COSTS OFF) SELECT * FROM fw WHERE ctid = '(0,3)';
EXPLAIN (COSTS OFF) SELECT * FROM fw WHERE ctid >= '(0,0)' AND ctid < '(1,0)' AND id = 1;
EXPLAIN (COSTS OFF) SELECT * FROM fw TABLESAMPLE SYSTEM (100) WHERE id = 1;
-- every scan returns the row once, with its new value
SELECT * FROM fw_check('fw', 'fw_heap', :r1);
-- the place of the new version is not a row: neither a TID scan nor a TID
-- range scan of the other page returns the row there
SELECT count(*) AS at_new_version FROM fw WHERE ctid = :'t1';
SELECT count(*) AS in_range_of_new_page FROM fw WHERE ctid >= :'t1_lo' AND ctid < :'t1_hi' AND id = :r1;
SELECT count(*), count(DISTINCT id) FROM fw;

-- 2. a second UPDATE that fits on the new page chains there: same TID
UPDATE fw SET v = v + 1, pad = repeat('G', 1400) WHERE id = :r1;
UPDATE fw_heap SET v = v + 1, pad = repeat('G', 1400) WHERE id = :r1;
SELECT ctid = :'c1' AS same_ctid,
       (fw_link('fw', ctid)::text::point)[0] = (:'t1'::tid::text::point)[0] AS same_new_page
  FROM fw WHERE id = :r1;
SELECT * FROM fw_check('fw', 'fw_heap', :r1);

-- 3. UPDATE of an indexed column of a forwarded row: new TID
SELECT ctid AS c2 FROM fw WHERE id = :r2 \gset
UPDATE fw SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r2;
UPDATE fw_heap SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r2;
SELECT ctid = :'c2' AS same_ctid, fw_link('fw', ctid) IS NOT NULL AS forwarded FROM fw WHERE id = :r2;
UPDATE fw SET k = k + 100000 WHERE id = :r2;
UPDATE fw_heap SET k = k + 100000 WHERE id = :r2;
SELECT ctid <> :'c2' AS new_ctid FROM fw WHERE id = :r2;
SELECT count(*) AS at_old_ctid FROM fw WHERE ctid = :'c2';
SET enable_seqscan = off; SET enable_bitmapscan = off;
SELECT (SELECT count(*) FROM fw WHERE k = :r2) AS old_k_helios,
       (SELECT count(*) FROM fw_heap WHERE k = :r2) AS old_k_heap,
       (SELECT count(*) FROM fw WHERE k = :r2 + 100000) AS new_k_helios,
       (SELECT count(*) FROM fw_heap WHERE k = :r2 + 100000) AS new_k_heap;
RESET ALL;
SET helios.btree_routing = off;
SELECT * FROM fw_check('fw', 'fw_heap', :r2);

-- 4. DELETE of a forwarded row
SELECT ctid AS c3 FROM fw WHERE id = :r3 \gset
SELECT ctid AS c3h FROM fw_heap WHERE id = :r3 \gset
UPDATE fw SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r3;
UPDATE fw_heap SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r3;
SELECT ctid = :'c3' AS same_ctid, fw_link('fw', ctid) IS NOT NULL AS forwarded FROM fw WHERE id = :r3;
DELETE FROM fw WHERE id = :r3 RETURNING k - id AS k, v - id AS v, length(pad);
DELETE FROM fw_heap WHERE id = :r3 RETURNING k - id AS k, v - id AS v, length(pad);
SELECT * FROM fw_check('fw', 'fw_heap', :r3, :'c3', :'c3h');

-- 5. row locks on a forwarded row, then an UPDATE under the lock
SELECT ctid AS c4 FROM fw WHERE id = :r4 \gset
UPDATE fw SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r4;
UPDATE fw_heap SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r4;
BEGIN;
SELECT v - id AS v FROM fw WHERE id = :r4 FOR UPDATE;
SELECT v - id AS v FROM fw_heap WHERE id = :r4 FOR UPDATE;
SELECT v - id AS v FROM fw WHERE id = :r4 FOR NO KEY UPDATE;
SELECT v - id AS v FROM fw WHERE id = :r4 FOR SHARE;
SELECT v - id AS v FROM fw WHERE id = :r4 FOR KEY SHARE;
UPDATE fw SET v = v + 1 WHERE id = :r4;
UPDATE fw_heap SET v = v + 1 WHERE id = :r4;
SELECT v - id AS v, ctid = :'c4' AS same_ctid FROM fw WHERE id = :r4;
COMMIT;
BEGIN;
SELECT v - id AS v FROM fw WHERE id = :r4 FOR SHARE;
SELECT v - id AS v FROM fw_heap WHERE id = :r4 FOR SHARE;
SELECT v - id AS v FROM fw WHERE id = :r4 FOR KEY SHARE;
SELECT xmax <> 0 AS locked FROM fw WHERE id = :r4;
COMMIT;
-- a lock taken through a sequential scan locks the same row
BEGIN;
SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;
SELECT v - id AS v FROM fw WHERE v > 100000 AND id = :r4 FOR UPDATE;
UPDATE fw SET v = v + 1 WHERE id = :r4;
UPDATE fw_heap SET v = v + 1 WHERE id = :r4;
COMMIT;
SELECT ctid = :'c4' AS same_ctid FROM fw WHERE id = :r4;
SELECT * FROM fw_check('fw', 'fw_heap', :r4);

-- 6. a forwarding UPDATE that is rolled back
SELECT ctid AS c5 FROM fw WHERE id = :r5 \gset
BEGIN;
UPDATE fw SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r5;
SELECT ctid = :'c5' AS same_ctid, v - id AS v, fw_link('fw', ctid) IS NOT NULL AS forwarded
  FROM fw WHERE id = :r5;
ROLLBACK;
SELECT ctid = :'c5' AS same_ctid, v - id AS v, length(pad) FROM fw WHERE id = :r5;
SELECT * FROM fw_check('fw', 'fw_heap', :r5);

-- 7. a forwarding UPDATE in a subtransaction that is rolled back
SELECT ctid AS c6 FROM fw WHERE id = :r6 \gset
BEGIN;
SAVEPOINT a;
UPDATE fw SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r6;
UPDATE fw_heap SET v = v + 100000, pad = repeat('F', 1500) WHERE id = :r6;
SELECT ctid = :'c6' AS same_ctid, v - id AS v FROM fw WHERE id = :r6;
ROLLBACK TO SAVEPOINT a;
SELECT ctid = :'c6' AS same_ctid, v - id AS v, length(pad) FROM fw WHERE id = :r6;
UPDATE fw SET v = v + 7 WHERE id = :r6;
UPDATE fw_heap SET v = v + 7 WHERE id = :r6;
SAVEPOINT b;
UPDATE fw SET v = v + 100000, pad = repeat('S', 1500) WHERE id = :r6;
UPDATE fw_heap SET v = v + 100000, pad = repeat('S', 1500) WHERE id = :r6;
RELEASE SAVEPOINT b;
COMMIT;
SELECT ctid = :'c6' AS same_ctid, v - id AS v, length(pad) FROM fw WHERE id = :r6;
SELECT * FROM fw_check('fw', 'fw_heap', :r6);

-- 8. INSERT ... ON CONFLICT DO UPDATE that forwards
SELECT ctid AS c7 FROM fw WHERE id = :r7 \gset
INSERT INTO fw VALUES (:r7, 0, 0, '{}', 'new') ON CONFLICT (id)
  DO UPDATE SET v = fw.v + 100000, tags = fw.tags || 99, pad = repeat('U', 1500)
  RETURNING v - id AS v, length(pad);
INSERT INTO fw_heap VALUES (:r7, 0, 0, '{}', 'new') ON CONFLICT (id)
  DO UPDATE SET v = fw_heap.v + 100000, tags = fw_heap.tags || 99, pad = repeat('U', 1500)
  RETURNING v - id AS v, length(pad);
SELECT ctid = :'c7' AS same_ctid, fw_link('fw', ctid) IS NOT NULL AS forwarded FROM fw WHERE id = :r7;
SELECT * FROM fw_check('fw', 'fw_heap', :r7);

-- 9. one statement forwarding rows of several pages
CREATE TEMP TABLE bulk_before AS SELECT id, ctid AS c FROM fw WHERE id IN (:bulk);
UPDATE fw SET v = v + 100000, tags = tags || 99, pad = repeat('B', 1500) WHERE id IN (:bulk);
UPDATE fw_heap SET v = v + 100000, tags = tags || 99, pad = repeat('B', 1500) WHERE id IN (:bulk);
SELECT count(*) AS rows, bool_and(fw.ctid = b.c) AS same_ctids,
       bool_and(fw_link('fw', fw.ctid) IS NOT NULL) AS forwarded
  FROM fw JOIN bulk_before b USING (id);

-- every row above, and the whole tables
\set labels '''{r1,r2,r3,r4,r5,r6,r7}'''
\set ids ARRAY[ :r1 , :r2 , :r3 , :r4 , :r5 , :r6 , :r7 ]
SELECT * FROM fw_summary('fw', 'fw_heap', :labels, :ids);
SELECT * FROM fw_summary('fw', 'fw_heap', '{bulk}', ARRAY[:bulk]);
SELECT * FROM fw_diff('fw', 'fw_heap');

-- 10. repeated updates of a forwarded row, growing and shrinking: when the
-- new version fits on neither page the row may get a new TID (one hop)
DO $$
DECLARE i int;
BEGIN
  FOR i IN 1 .. 12 LOOP
    UPDATE fw SET v = v + 1, pad = repeat(chr(65 + i), 300 + (i % 4) * 500)
      WHERE id = (SELECT id FROM bulk_before ORDER BY id LIMIT 1);
    UPDATE fw_heap SET v = v + 1, pad = repeat(chr(65 + i), 300 + (i % 4) * 500)
      WHERE id = (SELECT id FROM bulk_before ORDER BY id LIMIT 1);
  END LOOP;
END $$;
SELECT * FROM fw_summary('fw', 'fw_heap', '{bulk1}', ARRAY(SELECT id FROM bulk_before ORDER BY id LIMIT 1));
SELECT * FROM fw_diff('fw', 'fw_heap');

-- 11. indexes built after the rows were forwarded index the new values
-- under the row's TID.  BRIN summarizes the block range of the ROOT TID:
-- the new values (v > 100000) lie outside the range of the root's page.
CREATE INDEX fw_v_brin ON fw USING brin (v) WITH (pages_per_range = 1);
CREATE INDEX fw_heap_v_brin ON fw_heap USING brin (v) WITH (pages_per_range = 1);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fw WHERE v > 100000;
SELECT (SELECT count(*) FROM fw WHERE v > 100000) AS helios,
       (SELECT count(*) FROM fw_heap WHERE v > 100000) AS heap,
       (SELECT array_agg(id ORDER BY id) FROM fw WHERE v > 100000) =
       (SELECT array_agg(id ORDER BY id) FROM fw_heap WHERE v > 100000) AS same_rows,
       (SELECT count(*) FROM fw WHERE v = :r1 + 100001) AS r1_new_value,
       (SELECT count(*) FROM fw WHERE v = :r1) AS r1_old_value;
RESET ALL;
SET helios.btree_routing = off;
CREATE INDEX fw_v_hash ON fw USING hash (v);
CREATE INDEX fw_heap_v_hash ON fw_heap USING hash (v);
SET enable_seqscan = off; SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fw WHERE v = 1;
SELECT (SELECT count(*) FROM fw WHERE v = :r1 + 100001) AS r1_new_value,
       (SELECT count(*) FROM fw WHERE v = :r1) AS r1_old_value,
       (SELECT count(*) FROM fw WHERE v = :r7 + 100000) AS r7_new_value,
       (SELECT count(*) FROM fw WHERE v = :r7) AS r7_old_value,
       (SELECT count(*) FROM fw_heap WHERE v = :r7 + 100000) AS r7_new_value_heap;
RESET ALL;
SET helios.btree_routing = off;
CREATE INDEX CONCURRENTLY fw_v ON fw (v);
CREATE INDEX CONCURRENTLY fw_heap_v ON fw_heap (v);
SELECT indisvalid FROM pg_index WHERE indexrelid = 'fw_v'::regclass;
SET enable_seqscan = off; SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fw WHERE v > 100000;
EXPLAIN (COSTS OFF) SELECT v FROM fw WHERE v > 100000;
SELECT (SELECT array_agg(id ORDER BY v) FROM fw WHERE v > 100000) =
       (SELECT array_agg(id ORDER BY v) FROM fw_heap WHERE v > 100000) AS same_rows,
       (SELECT count(*) FROM (SELECT v FROM fw WHERE v > 100000) x) AS index_only,
       (SELECT count(*) FROM fw WHERE v = :r1) AS r1_old_value;
SET enable_indexonlyscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fw WHERE v > 100000;
SELECT count(*) AS index_scan FROM fw WHERE v > 100000;
RESET ALL;
SET helios.btree_routing = off;
CREATE INDEX fw_tags ON fw USING gin (tags);
CREATE INDEX fw_heap_tags ON fw_heap USING gin (tags);
CREATE INDEX fw_pad ON fw (md5(pad));
CREATE INDEX fw_heap_pad ON fw_heap (md5(pad));
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fw WHERE tags @> '{99}';
SELECT (SELECT count(*) FROM fw WHERE tags @> '{99}') AS helios,
       (SELECT count(*) FROM fw_heap WHERE tags @> '{99}') AS heap,
       (SELECT array_agg(id ORDER BY id) FROM fw WHERE tags @> '{99}') =
       (SELECT array_agg(id ORDER BY id) FROM fw_heap WHERE tags @> '{99}') AS same_rows;
EXPLAIN (COSTS OFF) SELECT id FROM fw WHERE md5(pad) = md5(repeat('F', 1500));
SELECT (SELECT count(*) FROM fw WHERE md5(pad) = md5(repeat('F', 1500))) AS helios,
       (SELECT count(*) FROM fw_heap WHERE md5(pad) = md5(repeat('F', 1500))) AS heap,
       (SELECT count(*) FROM fw WHERE md5(pad) = md5(repeat('p', 500)) AND id = :r1) AS r1_old_pad;
RESET ALL;
SET helios.btree_routing = off;
SELECT bt_index_check(i, true) FROM unnest('{fw_pkey,fw_k,fw_v,fw_pad}'::regclass[]) i;

-- 12. VACUUM, then VACUUM FREEZE: the rows keep their TIDs, the dead
-- forwarding versions become stubs that keep the link
SELECT fw_wait_horizon() AS no_older_snapshots;
VACUUM fw;
VACUUM fw_heap;
SELECT ctid = :'c1' AS same_ctid, fw_link('fw', ctid) IS NOT NULL AS forwarded,
       coalesce(fw_infomask2('fw', ctid) & x'1000'::int <> 0, false) AS root_is_stub
  FROM fw WHERE id = :r1;
SELECT * FROM fw_summary('fw', 'fw_heap', :labels, :ids);
SELECT * FROM fw_summary('fw', 'fw_heap', '{bulk}', ARRAY[:bulk]);
SELECT * FROM fw_diff('fw', 'fw_heap');
VACUUM FREEZE fw;
VACUUM FREEZE fw_heap;
SELECT ctid = :'c1' AS same_ctid, fw_link('fw', ctid) IS NOT NULL AS forwarded FROM fw WHERE id = :r1;
SELECT * FROM fw_summary('fw', 'fw_heap', :labels, :ids);
SELECT * FROM fw_diff('fw', 'fw_heap');
-- all-visible pages: index-only scans answer from the index
SET enable_seqscan = off; SET enable_bitmapscan = off;
SELECT (SELECT count(*) FROM (SELECT v FROM fw WHERE v > 100000) x) AS helios,
       (SELECT count(*) FROM (SELECT v FROM fw_heap WHERE v > 100000) x) AS heap,
       (SELECT count(*) FROM (SELECT id FROM fw WHERE id > 0) x) AS helios_pk,
       (SELECT count(*) FROM (SELECT id FROM fw_heap WHERE id > 0) x) AS heap_pk;
RESET ALL;
SET helios.btree_routing = off;
SELECT bt_index_check(i, true) FROM unnest('{fw_pkey,fw_k,fw_v,fw_pad}'::regclass[]) i;
-- updates after VACUUM FREEZE (the pages are all-visible and frozen)
UPDATE fw SET v = v + 1, pad = repeat('V', 1500) WHERE id = :r1;
UPDATE fw_heap SET v = v + 1, pad = repeat('V', 1500) WHERE id = :r1;
SELECT * FROM fw_summary('fw', 'fw_heap', '{r1}', ARRAY[:r1]);

-- 13. ANALYZE counts each row once
ANALYZE fw;
ANALYZE fw_heap;
SELECT relname, reltuples = (SELECT count(*) FROM fw) AS reltuples_ok
  FROM pg_class WHERE relname IN ('fw', 'fw_heap') ORDER BY relname;

-- 14. CLUSTER and VACUUM FULL keep exactly the rows
CLUSTER fw USING fw_pkey;
CLUSTER fw_heap USING fw_heap_pkey;
SELECT * FROM fw_diff('fw', 'fw_heap');
SELECT * FROM fw_summary('fw', 'fw_heap', :labels, :ids);
UPDATE fw SET v = v + 1, pad = repeat('C', 1500) WHERE id IN (:bulk);
UPDATE fw_heap SET v = v + 1, pad = repeat('C', 1500) WHERE id IN (:bulk);
VACUUM FULL fw;
VACUUM FULL fw_heap;
SELECT * FROM fw_diff('fw', 'fw_heap');
SELECT * FROM fw_summary('fw', 'fw_heap', '{bulk}', ARRAY[:bulk]);
SELECT bt_index_check(i, true) FROM unnest('{fw_pkey,fw_k,fw_v,fw_pad}'::regclass[]) i;

-- 15. a forwarded row that is deleted and vacuumed leaves no index entry,
-- no root and no forwarded version behind
CREATE TABLE fd (id int PRIMARY KEY, k int, v int, tags int[], pad text)
  USING helios WITH (fillfactor = 100, autovacuum_enabled = false);
CREATE TABLE fd_heap (id int PRIMARY KEY, k int, v int, tags int[], pad text)
  USING heap WITH (fillfactor = 100, autovacuum_enabled = false);
INSERT INTO fd SELECT g, g, g, '{1}', repeat('d', 500) FROM generate_series(1, 100) g;
INSERT INTO fd_heap SELECT * FROM fd ORDER BY id;
CREATE TEMP TABLE fd_gone AS
  SELECT id, ctid AS c FROM fd WHERE ctid = ANY ('{"(0,2)","(1,2)","(2,2)","(3,4)"}'::tid[]);
UPDATE fd SET v = v + 1000, pad = repeat('D', 1500) WHERE id IN (SELECT id FROM fd_gone);
UPDATE fd_heap SET v = v + 1000, pad = repeat('D', 1500) WHERE id IN (SELECT id FROM fd_gone);
SELECT count(*) AS rows, bool_and(fd.ctid = g.c) AS same_ctids,
       bool_and(fw_link('fd', fd.ctid) IS NOT NULL) AS forwarded
  FROM fd JOIN fd_gone g USING (id);
VACUUM fd;
DELETE FROM fd WHERE id IN (SELECT id FROM fd_gone);
DELETE FROM fd_heap WHERE id IN (SELECT id FROM fd_gone);
SELECT fw_wait_horizon() AS no_older_snapshots;
VACUUM fd;
VACUUM fd_heap;
SET enable_seqscan = off; SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM fd WHERE id > 0;
SELECT (SELECT count(*) FROM fd WHERE id > 0) AS helios_index_only,
       (SELECT count(*) FROM fd_heap WHERE id > 0) AS heap_index_only;
RESET ALL;
SET helios.btree_routing = off;
SELECT count(*) AS index_entries_for_gone_rows
  FROM generate_series(1, pg_relation_size('fd_pkey') / 8192 - 1) b,
       LATERAL bt_page_items('fd_pkey', b::int) i
  WHERE i.htid IN (SELECT c FROM fd_gone);
SELECT bool_and(lp_flags = 0) AS roots_unused
  FROM fd_gone g, LATERAL heap_page_items(get_raw_page('fd', (g.c::text::point)[0]::int)) i
  WHERE i.lp = (g.c::text::point)[1];
SELECT count(*) AS forwarded_versions_left
  FROM generate_series(0, pg_relation_size('fd') / 8192 - 1) b,
       LATERAL heap_page_items(get_raw_page('fd', b::int)) i
  WHERE i.t_infomask2 & x'0800'::int <> 0;
SELECT * FROM fw_diff('fd', 'fd_heap');
SELECT bt_index_check('fd_pkey', true);

-- 16. a row forwarded again and again keeps its TID: each time the page
-- holding its newest version is full, the next version goes to yet another
-- page.  VACUUM collapses the links (the root then links straight to the
-- live version's page) and frees the dead segments the links skip.
CREATE TABLE mh (id int PRIMARY KEY, k int, v int, tags int[], pad text)
  USING helios WITH (fillfactor = 100, autovacuum_enabled = false);
CREATE TABLE mh_heap (id int PRIMARY KEY, k int, v int, tags int[], pad text)
  USING heap WITH (fillfactor = 100, autovacuum_enabled = false);
ALTER TABLE mh ALTER pad SET STORAGE plain;
ALTER TABLE mh_heap ALTER pad SET STORAGE plain;
CREATE INDEX mh_k ON mh (k);
CREATE INDEX mh_heap_k ON mh_heap (k);
INSERT INTO mh SELECT g, g, g, '{1}', repeat('a', 1000) FROM generate_series(1, 28) g;
INSERT INTO mh_heap SELECT * FROM mh ORDER BY id;

-- the pages a row's chain visits (its root's page included), and the block
-- its chain ends on
CREATE FUNCTION fw_walk(rel regclass, root tid, OUT pages int, OUT last_block int)
LANGUAGE plpgsql AS $$
DECLARE
  blk int := (root::text::point)[0];
  off int := (root::text::point)[1];
  it record;
BEGIN
  pages := 1;
  FOR step IN 1 .. 1000 LOOP
    last_block := blk;
    SELECT lp_flags, lp_off, t_ctid, t_infomask2 INTO it
      FROM heap_page_items(get_raw_page(rel::text, blk)) WHERE lp = off;
    IF NOT FOUND OR it.lp_flags IN (0, 3) THEN
      RETURN;
    ELSIF it.lp_flags = 2 THEN
      off := it.lp_off;
      CONTINUE;
    ELSIF it.t_infomask2 & x'4000'::int = 0 THEN
      RETURN;
    END IF;
    IF (it.t_ctid::text::point)[0] <> blk THEN
      pages := pages + 1;
    END IF;
    blk := (it.t_ctid::text::point)[0];
    off := (it.t_ctid::text::point)[1];
  END LOOP;
  pages := NULL;
END $$;

-- items of rel with a flag of t_infomask2 set
CREATE FUNCTION fw_flagged(rel regclass, flag int) RETURNS bigint
LANGUAGE sql AS $$
  SELECT count(*) FROM generate_series(0, pg_relation_size(rel) / 8192 - 1) b,
         LATERAL heap_page_items(get_raw_page(rel::text, b::int)) i
  WHERE i.t_infomask2 & flag <> 0
$$;

SELECT ctid AS mh_root FROM mh WHERE id = 1 \gset
CREATE TEMP TABLE mh_ends (i int, blk int);
-- grow row 1 (to a page past the one its version is on), then fill the
-- page it went to with other rows
CREATE FUNCTION mh_grow(i int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mh SET v = v + 1, pad = repeat(chr(97 + i), 1000 + 200 * i) WHERE id = 1;
  UPDATE mh_heap SET v = v + 1, pad = repeat(chr(97 + i), 1000 + 200 * i) WHERE id = 1;
  INSERT INTO mh_ends SELECT i, w.last_block
    FROM mh, LATERAL fw_walk('mh', mh.ctid) w WHERE mh.id = 1;
  INSERT INTO mh SELECT 100 * i + g, g, g, '{2}', repeat('x', 1000) FROM generate_series(1, 6) g;
  INSERT INTO mh_heap SELECT 100 * i + g, g, g, '{2}', repeat('x', 1000) FROM generate_series(1, 6) g;
END $$;
-- a version two links from the root is forwarded again only after VACUUM
-- collapsed the links (HELIOS_FORWARD_HOPS), so VACUUM runs in between
SELECT mh_grow(1);
SELECT mh_grow(2);
SELECT fw_wait_horizon() AS no_older_snapshots;
VACUUM mh;
SELECT mh_grow(3);
SELECT fw_wait_horizon() AS no_older_snapshots;
VACUUM mh;
SELECT mh_grow(4);
-- four UPDATEs put the newest version on several pages, none of
-- them the root's, and the row kept its TID
SELECT ctid = :'mh_root' AS same_ctid,
       (SELECT count(DISTINCT blk) >= 3 FROM mh_ends) AS several_pages,
       (SELECT bool_and(blk <> (:'mh_root'::tid::text::point)[0]) FROM mh_ends) AS off_root_page
  FROM mh WHERE id = 1;
SELECT * FROM fw_check('mh', 'mh_heap', 1);

-- row locks and an UPDATE under them follow the links
SELECT fw_wait_horizon() AS no_older_snapshots;
VACUUM mh;
BEGIN;
SELECT id, v FROM mh WHERE id = 1 FOR UPDATE;
UPDATE mh SET v = v + 10, pad = repeat('f', 2100) WHERE id = 1 RETURNING id, v, length(pad);
UPDATE mh_heap SET v = v + 10, pad = repeat('f', 2100) WHERE id = 1;
COMMIT;
SELECT ctid = :'mh_root' AS same_ctid FROM mh WHERE id = 1;

-- VACUUM: the root's link goes straight to the page of the live version;
-- the root is the only stub left, the live version the only forwarded one
SELECT fw_wait_horizon() AS no_older_snapshots;
VACUUM mh;
SELECT (fw_walk('mh', :'mh_root')).pages AS pages_after_vacuum,
       fw_flagged('mh', x'1000'::int) AS stubs,
       fw_flagged('mh', x'0800'::int) AS forwarded_items;
SELECT * FROM fw_check('mh', 'mh_heap', 1);
SELECT * FROM fw_diff('mh', 'mh_heap');
SELECT bt_index_check('mh_pkey', true), bt_index_check('mh_k', true);

-- the row deleted and vacuumed: nothing of it is left
DELETE FROM mh WHERE id = 1;
DELETE FROM mh_heap WHERE id = 1;
SELECT fw_wait_horizon() AS no_older_snapshots;
VACUUM mh;
SELECT fw_flagged('mh', x'1000'::int) AS stubs,
       fw_flagged('mh', x'0800'::int) AS forwarded_items,
       (SELECT lp_flags FROM heap_page_items(get_raw_page('mh', (:'mh_root'::tid::text::point)[0]::int))
         WHERE lp = (:'mh_root'::tid::text::point)[1]) AS root_lp_flags;
SELECT * FROM fw_diff('mh', 'mh_heap');

DROP TABLE fw, fw_heap, fd, fd_heap, mh, mh_heap, mh_ends;
DROP FUNCTION fw_summary, fw_check, fw_scans, fw_diff, fw_link, fw_infomask2,
  fw_wait_horizon, fw_walk, fw_flagged, mh_grow;
