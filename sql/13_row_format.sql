-- Row format: values past 64 kB before TOAST (wide rows), heap's varlena
-- packing rules for PLAIN-storage types, the row size limit, and the
-- system columns that INSERT / UPDATE ... RETURNING report.
SET default_table_access_method = helios;

-- A value past 64 kB, and the column after it, read back intact (the row
-- is formed with 4-byte offsets before TOAST shrinks it).
CREATE TABLE big_tail (id int, big text, tail text);
INSERT INTO big_tail SELECT n, repeat('abcdefghij', n), 'tail-ok'
  FROM (VALUES (6500), (6560), (20000)) v(n);
SELECT id, tail, length(big), md5(big) = md5(repeat('abcdefghij', id)) AS big_ok
  FROM big_tail ORDER BY id;
CREATE TABLE t2 (f1 text, f2 text);
INSERT INTO t2 VALUES (repeat('1234567890', 30000) || '-', 'a');
SELECT length(f1), right(f1, 3), f2 FROM t2;
-- incompressible values past 64 kB in several columns, then an UPDATE of
-- the last one (in-chain) and of all of them
CREATE TABLE wide (id int PRIMARY KEY, a text, b bytea, c text, d int);
INSERT INTO wide SELECT 1,
  (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 2500) g),
  (SELECT string_agg(decode(md5(g::text), 'hex'), '') FROM generate_series(1, 5000) g),
  'c-tail', 42;
SELECT length(a), length(b), c, d FROM wide;
UPDATE wide SET c = repeat('z', 70000) || 'end' RETURNING length(a), length(b), right(c, 3), d;
UPDATE wide SET a = a || 'x', b = b || '\x00'::bytea, c = 'short', d = d + 1;
SELECT length(a), right(a, 2), length(b), c, d FROM wide;
-- the same through COPY
CREATE TABLE wide_copy (LIKE wide);
\getenv abs_builddir PG_ABS_BUILDDIR
\set copyfile :abs_builddir '/results/13_row_format.dat'
COPY wide TO :'copyfile';
COPY wide_copy FROM :'copyfile';
SELECT w.id, w.a = c.a AND w.b = c.b AND w.c = c.c AND w.d = c.d AS same
  FROM wide w JOIN wide_copy c USING (id);
-- an expanded array of more than 64 kB (PL/pgSQL arrays are expanded)
CREATE TABLE arr (id int, a int[], tail text);
DO $$
DECLARE
  v int[] := '{}';
BEGIN
  FOR i IN 1..20000 LOOP
    v[i] := i;
  END LOOP;
  INSERT INTO arr VALUES (1, v, 'arr-tail');
END $$;
SELECT id, array_length(a, 1), a[20000], tail FROM arr;
-- a row that stays wide with PLAIN storage and no TOAST table is refused
CREATE TABLE plainwide (id int, v text);
ALTER TABLE plainwide ALTER COLUMN v SET STORAGE plain;
\set VERBOSITY terse
INSERT INTO plainwide VALUES (1, repeat('p', 70000));
\set VERBOSITY default

-- PLAIN-storage varlena types keep their 4-byte headers, as in heap
CREATE TABLE pv (v int2vector, o oidvector, q tsquery);
INSERT INTO pv VALUES ('1 2 3', '10 20', 'a & b');
SELECT v::text, o::text, q @> 'a'::tsquery AS contains, numnode(q) FROM pv;
CREATE TABLE tq (keyword tsquery);
INSERT INTO tq VALUES (to_tsquery('english', '''New York''')),
  (to_tsquery('english', 'Moscow'));
SELECT keyword FROM tq WHERE keyword @> 'new';
-- a text column switched to PLAIN: new values unpacked, old ones readable
CREATE TABLE sp (id int, t text);
INSERT INTO sp VALUES (1, 'packed');
ALTER TABLE sp ALTER COLUMN t SET STORAGE plain;
INSERT INTO sp VALUES (2, 'unpacked');
SELECT id, t, length(t) FROM sp ORDER BY id;

-- row size limit: what heap just fits, and helios's largest row
CREATE TABLE lim_heap (a int, b text) USING heap;
CREATE TABLE lim (a int, b text);
ALTER TABLE lim_heap ALTER COLUMN b SET STORAGE plain;
ALTER TABLE lim ALTER COLUMN b SET STORAGE plain;
INSERT INTO lim_heap VALUES (1, repeat('x', 8128));
SELECT pg_column_size(lim_heap.*) FROM lim_heap;
INSERT INTO lim VALUES (1, repeat('x', 8128));
INSERT INTO lim VALUES (1, repeat('x', 8116));
SELECT length(b), pg_column_size(lim.*) FROM lim;
\set VERBOSITY terse
INSERT INTO lim VALUES (1, repeat('x', 8117));
\set VERBOSITY default

-- RETURNING reports the new version's xmin and xmax, as heap does
CREATE TABLE rx (id int PRIMARY KEY, v text, w int);
INSERT INTO rx VALUES (1, 'a', 1)
  RETURNING xmin = pg_current_xact_id()::xid AS xmin_is_ours, xmax;
BEGIN;
UPDATE rx SET v = 'b'
  RETURNING xmin = pg_current_xact_id()::xid AS xmin_is_ours, xmax, v;
UPDATE rx SET id = 2
  RETURNING xmin = pg_current_xact_id()::xid AS xmin_is_ours, xmax, id;
COMMIT;
UPDATE rx SET v = repeat('x', 100000)
  RETURNING xmin = pg_current_xact_id()::xid AS xmin_is_ours, xmax, length(v);
INSERT INTO rx VALUES (2, 'c', 2) ON CONFLICT (id) DO UPDATE SET w = rx.w + 10
  RETURNING xmin = pg_current_xact_id()::xid AS xmin_is_ours, w;
SELECT id, length(v), w FROM rx;

DROP TABLE big_tail, t2, wide, wide_copy, arr, plainwide, pv, tq, sp,
  lim_heap, lim, rx;
