-- ALTER TABLE paths: ADD/DROP COLUMN without rewrite, defaults, type
-- changes (rewrite), SET ACCESS METHOD in both directions.
CREATE TABLE ha (a int, b text) USING helios;
INSERT INTO ha SELECT g, 'row ' || g FROM generate_series(1, 5) g;
SELECT relfilenode AS fn FROM pg_class WHERE relname = 'ha' \gset
ALTER TABLE ha ADD COLUMN c int;
ALTER TABLE ha ADD COLUMN d text DEFAULT 'dflt';
ALTER TABLE ha ADD COLUMN e timestamptz DEFAULT '2020-01-01 00:00+00';
SELECT relfilenode = :fn AS not_rewritten FROM pg_class WHERE relname = 'ha';
INSERT INTO ha VALUES (6, 'row 6', 60, 'given', NULL);
SELECT * FROM ha ORDER BY a;
UPDATE ha SET c = a * 10 WHERE a <= 2;
SELECT a, c, d FROM ha ORDER BY a;
ALTER TABLE ha DROP COLUMN b;
SELECT * FROM ha ORDER BY a;
ALTER TABLE ha ADD COLUMN b2 int DEFAULT 42;
SELECT a, b2 FROM ha ORDER BY a;
ALTER TABLE ha ALTER COLUMN c TYPE bigint;
SELECT a, c, pg_typeof(c) FROM ha ORDER BY a;
SELECT relfilenode <> :fn AS rewritten_by_type_change FROM pg_class WHERE relname = 'ha';

-- heap -> helios -> heap, data kept
CREATE TABLE hs (id int PRIMARY KEY, v text);
INSERT INTO hs SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
CREATE TABLE hs_copy AS SELECT * FROM hs;
ALTER TABLE hs SET ACCESS METHOD helios;
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'hs';
SELECT count(*) FROM (SELECT * FROM hs EXCEPT SELECT * FROM hs_copy) x;
SELECT count(*) FROM hs;
UPDATE hs SET v = 'x' WHERE id % 10 = 0;
ALTER TABLE hs SET ACCESS METHOD heap;
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'hs';
SELECT count(*) FILTER (WHERE v = 'x') AS xs, count(*) FROM hs;

-- default_table_access_method
SET default_table_access_method = helios;
CREATE TABLE hd (a int);
CREATE TABLE hd2 AS SELECT 1 AS x;
SELECT relname, amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam
  WHERE relname IN ('hd', 'hd2') ORDER BY relname;
RESET default_table_access_method;

-- materialized views
CREATE MATERIALIZED VIEW hmv USING helios AS SELECT g AS a FROM generate_series(1, 10) g;
REFRESH MATERIALIZED VIEW hmv;
SELECT sum(a) FROM hmv;

DROP TABLE ha, hs, hs_copy, hd, hd2;
DROP MATERIALIZED VIEW hmv;
