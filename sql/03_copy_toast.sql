-- COPY (multi-insert), large loads, TOAST.
CREATE TABLE hc (a int, b float8, c text, d date) USING helios;
CREATE TABLE hc_heap (a int, b float8, c text, d date) USING heap;
COPY hc FROM stdin;
1	1.5	one	2020-01-01
2	\N	two	\N
3	3.25	\N	2020-03-03
\.
SELECT * FROM hc ORDER BY a;
INSERT INTO hc SELECT g, g / 7.0, 'v' || g, date '2020-01-01' + g FROM generate_series(4, 100000) g;
INSERT INTO hc_heap SELECT * FROM hc;
COPY (SELECT * FROM hc WHERE a <= 20000) TO '/dev/null';
-- COPY through a file round trip uses multi_insert
CREATE TEMP TABLE hc_src AS SELECT * FROM hc WHERE a > 50000;
CREATE TABLE hc2 (LIKE hc) USING helios;
\getenv abs_builddir PG_ABS_BUILDDIR
\set copyfile :abs_builddir '/results/03_copy_toast.dat'
COPY hc_src TO :'copyfile';
COPY hc2 FROM :'copyfile';
SELECT count(*), sum(a), sum(b)::numeric(20,3) FROM hc2;
SELECT count(*) FROM (SELECT * FROM hc2 EXCEPT SELECT * FROM hc WHERE a > 50000) x;
SELECT count(*), sum(a), sum(b)::numeric(20,3), count(c), count(d) FROM hc;
SELECT count(*) FROM (SELECT * FROM hc EXCEPT SELECT * FROM hc_heap) x;
SELECT pg_relation_size('hc') > 0 AS has_size;

-- TOAST: compressible and incompressible values, up to many MB
CREATE TABLE ht (id int, big text, raw bytea) USING helios;
SELECT reltoastrelid <> 0 AS has_toast FROM pg_class WHERE relname = 'ht';
INSERT INTO ht VALUES (1, repeat('abc', 100000), NULL);
INSERT INTO ht SELECT 2, string_agg(md5(g::text), ''), NULL FROM generate_series(1, 20000) g;
INSERT INTO ht VALUES (3, NULL, decode(repeat('ff', 300000), 'hex'));
INSERT INTO ht SELECT 4, repeat(string_agg(md5(g::text), ''), 20), NULL FROM generate_series(1, 20000) g;
SELECT id, length(big), md5(big), length(raw) FROM ht ORDER BY id;
SELECT pg_column_size(big) < length(big) AS compressed FROM ht WHERE id = 1;
-- updating another column keeps the toasted value
UPDATE ht SET raw = '\x01' WHERE id = 2;
SELECT id, md5(big), raw FROM ht WHERE id = 2;
UPDATE ht SET big = big || 'tail' WHERE id = 1;
SELECT length(big), right(big, 7) FROM ht WHERE id = 1;
DELETE FROM ht WHERE id = 4;
SELECT id FROM ht ORDER BY id;
VACUUM ht;
SELECT id, length(big) FROM ht ORDER BY id;

-- COPY FREEZE into a table created in the same transaction: every page is
-- all-visible and all-frozen afterwards, also pages that one batch of rows
-- started and the next one filled up, so VACUUM has nothing to do
CREATE EXTENSION IF NOT EXISTS pg_visibility;
BEGIN;
CREATE TABLE hfz (LIKE hc) USING helios;
COPY hfz FROM :'copyfile' WITH (FREEZE);
COMMIT;
SELECT count(*), sum(a) FROM hfz;
SELECT all_visible = pg_relation_size('hfz') / 8192 AS all_pages_visible,
       all_frozen = pg_relation_size('hfz') / 8192 AS all_pages_frozen
  FROM pg_visibility_map_summary('hfz');

DROP TABLE hc, hc_heap, hc2, ht, hfz;
