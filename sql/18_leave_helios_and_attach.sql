-- helios_btree keys where PostgreSQL needs btree ones: a table leaving
-- helios (SET ACCESS METHOD heap), and a table or index becoming a
-- partition (ATTACH PARTITION).  The helios_btree indexes are rebuilt as
-- btree first, keeping their names, constraints and dependent objects.
SET search_path = public, helios;
SET helios.btree_routing = on;
CREATE VIEW lh_ams AS
  SELECT c.relname, am.amname, i.indisvalid, i.indisprimary, i.indisunique
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_am am ON am.oid = c.relam;

-- leaving helios
CREATE TABLE lh (id int PRIMARY KEY, u int UNIQUE, v text) USING helios;
CREATE INDEX lh_v ON lh (v);
CREATE INDEX lh_pattern ON lh (v text_pattern_ops) WHERE id > 10;
CREATE INDEX lh_expr ON lh ((u * 2) DESC NULLS FIRST);
INSERT INTO lh SELECT g, -g, 'v' || g FROM generate_series(1, 1000) g;
SELECT * FROM lh_ams WHERE relname LIKE 'lh%' ORDER BY 1;
ALTER TABLE lh SET ACCESS METHOD heap;
SELECT amname FROM pg_am WHERE oid = (SELECT relam FROM pg_class WHERE relname = 'lh');
SELECT * FROM lh_ams WHERE relname LIKE 'lh%' ORDER BY 1;
SELECT conname, contype, conindid::regclass FROM pg_constraint
  WHERE conrelid = 'lh'::regclass ORDER BY 1;
SET enable_seqscan = off;
SELECT id, v FROM lh WHERE id BETWEEN 5 AND 7 ORDER BY id;
SELECT count(*) FROM lh WHERE v LIKE 'v99%' AND id > 10;
SELECT u FROM lh WHERE u * 2 = -20;
RESET enable_seqscan;
INSERT INTO lh VALUES (5, 0, 'dup');
INSERT INTO lh VALUES (5000, -5, 'dup');
-- a foreign key on the converted key works
CREATE TABLE lh_child (id int REFERENCES lh (id));
INSERT INTO lh_child VALUES (5);
INSERT INTO lh_child VALUES (0);
DROP TABLE lh_child, lh;

-- ATTACH PARTITION of a table whose primary key is helios_btree
CREATE TABLE pt (a int PRIMARY KEY, b text) PARTITION BY LIST (a);
CREATE TABLE pt1 (a int PRIMARY KEY, b text) USING helios;
INSERT INTO pt1 VALUES (1, 'one');
SELECT amname FROM lh_ams WHERE relname = 'pt1_pkey';
ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES IN (1);
SELECT * FROM lh_ams WHERE relname LIKE 'pt%' ORDER BY 1;
SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'pt_pkey'::regclass;
INSERT INTO pt VALUES (1, 'again');

-- keys of several columns of one operator class, in both orders
CREATE TABLE t2 (a integer, b integer) PARTITION BY HASH (a, b);
CREATE TABLE t2p (a integer, b integer, PRIMARY KEY (a, b), UNIQUE (b, a)) USING helios;
SELECT amname FROM lh_ams WHERE relname = 't2p_pkey';
ALTER TABLE t2 ATTACH PARTITION t2p FOR VALUES WITH (MODULUS 1, REMAINDER 0);
CREATE UNIQUE INDEX t2_a_idx ON t2 (a, b);
CREATE UNIQUE INDEX t2_b_idx ON t2 (b, a);
ALTER INDEX t2_a_idx ATTACH PARTITION t2p_pkey;
ALTER INDEX t2_b_idx ATTACH PARTITION t2p_b_a_key;
SELECT * FROM lh_ams WHERE relname LIKE 't2%' ORDER BY 1;
DROP TABLE t2;

-- a UNIQUE attached, then ON CONFLICT through the parent (as with heap, a
-- plain unique index does not stand for the parent's UNIQUE constraint:
-- the partition gets pc1_a_key besides pc1_a)
CREATE TABLE pc (a int UNIQUE, b text) PARTITION BY LIST (a);
CREATE TABLE pc1 (a int, b text) USING helios;
CREATE UNIQUE INDEX pc1_a ON pc1 (a);
ALTER TABLE pc ATTACH PARTITION pc1 FOR VALUES IN (3);
SELECT * FROM lh_ams WHERE relname LIKE 'pc%' ORDER BY 1;
INSERT INTO pc VALUES (3, 'a') ON CONFLICT (a) DO UPDATE SET b = excluded.b;
INSERT INTO pc VALUES (3, 'b') ON CONFLICT (a) DO UPDATE SET b = excluded.b;
SELECT * FROM pc;

-- ALTER INDEX ... ATTACH PARTITION of a helios_btree index
CREATE TABLE pi (a int, b int) PARTITION BY RANGE (a);
CREATE TABLE pi1 PARTITION OF pi FOR VALUES FROM (0) TO (10) USING helios;
CREATE INDEX pi_b ON ONLY pi (b);
CREATE INDEX pi1_b ON pi1 USING helios_btree (b);
ALTER INDEX pi_b ATTACH PARTITION pi1_b;
SELECT * FROM lh_ams WHERE relname LIKE 'pi%' ORDER BY 1;

-- only the owner gets that far: another role is refused before any lock
CREATE ROLE regress_lh_other;
CREATE TABLE own (a int PRIMARY KEY) USING helios;
CREATE TABLE own_parted (a int PRIMARY KEY) PARTITION BY LIST (a);
SET ROLE regress_lh_other;
ALTER TABLE own SET ACCESS METHOD heap;
ALTER TABLE own_parted ATTACH PARTITION own FOR VALUES IN (1);
RESET ROLE;
SELECT amname FROM lh_ams WHERE relname = 'own_pkey';
DROP TABLE own, own_parted;
DROP ROLE regress_lh_other;

-- all in one transaction with the tables' creation (a migration script)
BEGIN;
CREATE TABLE tx (key int PRIMARY KEY, b text) PARTITION BY LIST (key);
CREATE TABLE tx1 (key int PRIMARY KEY, b text) USING helios;
ALTER TABLE tx ATTACH PARTITION tx1 FOR VALUES IN (1);
INSERT INTO tx VALUES (1, 'a') ON CONFLICT (key) DO UPDATE SET b = 'b';
INSERT INTO tx VALUES (1, 'a') ON CONFLICT (key) DO UPDATE SET b = 'b';
CREATE TABLE tx_leave (id int PRIMARY KEY) USING helios;
INSERT INTO tx_leave SELECT generate_series(1, 100);
ALTER TABLE tx_leave SET ACCESS METHOD heap;
COMMIT;
SELECT * FROM tx;
SELECT * FROM lh_ams WHERE relname IN ('tx1_pkey', 'tx_leave_pkey') ORDER BY 1;
SELECT count(*) FROM tx_leave WHERE id < 50;

DROP TABLE pt, pc, pi, tx, tx_leave;
DROP VIEW lh_ams;
RESET helios.btree_routing;
