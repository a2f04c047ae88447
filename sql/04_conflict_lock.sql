-- INSERT ... ON CONFLICT, row locks, constraints, triggers, foreign keys.
-- The table AM with btree keys (helios_btree keys: 10_btree_routing, 12_helios_btree).
SET helios.btree_routing = off;
CREATE TABLE hu (k int PRIMARY KEY, v text, n int DEFAULT 0) USING helios;
INSERT INTO hu VALUES (1, 'a'), (2, 'b');
INSERT INTO hu VALUES (1, 'dup');
INSERT INTO hu VALUES (1, 'x') ON CONFLICT DO NOTHING;
INSERT INTO hu VALUES (1, 'x'), (3, 'c') ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = hu.n + 1;
SELECT * FROM hu ORDER BY k;
INSERT INTO hu SELECT g % 5, 'loop', 0 FROM generate_series(1, 20) g
  ON CONFLICT (k) DO UPDATE SET n = hu.n + 1 WHERE hu.k > 0;
INSERT INTO hu SELECT g, 'once', 0 FROM generate_series(10, 12) g
  ON CONFLICT (k) DO UPDATE SET n = hu.n + 1;
INSERT INTO hu VALUES (10, 'twice'), (10, 'twice') ON CONFLICT (k) DO UPDATE SET n = 99;
SELECT * FROM hu ORDER BY k;

-- row locks in every mode
BEGIN;
SELECT k FROM hu WHERE k = 1 FOR UPDATE;
SELECT k FROM hu WHERE k = 2 FOR NO KEY UPDATE;
SELECT k FROM hu WHERE k = 3 FOR SHARE;
SELECT k FROM hu WHERE k = 4 FOR KEY SHARE;
SELECT k FROM hu WHERE k = 4 FOR UPDATE;
SELECT k FROM hu ORDER BY k FOR UPDATE SKIP LOCKED;
SELECT k FROM hu WHERE k = 1 FOR UPDATE NOWAIT;
UPDATE hu SET v = 'locked then updated' WHERE k = 1;
SELECT k, v FROM hu WHERE k = 1;
COMMIT;
SELECT k, v FROM hu WHERE k = 1;
BEGIN;
SELECT k FROM hu WHERE k = 2 FOR SHARE;
SAVEPOINT s;
SELECT k FROM hu WHERE k = 2 FOR UPDATE;
ROLLBACK TO s;
DELETE FROM hu WHERE k = 2;
COMMIT;
SELECT k FROM hu ORDER BY k;

-- foreign keys between helios tables (key-share locks)
CREATE TABLE hparent (id int PRIMARY KEY, name text) USING helios;
CREATE TABLE hchild (id int PRIMARY KEY, pid int REFERENCES hparent ON DELETE CASCADE, x int) USING helios;
INSERT INTO hparent VALUES (1, 'one'), (2, 'two');
INSERT INTO hchild VALUES (10, 1, 0), (11, 1, 0), (20, 2, 0);
INSERT INTO hchild VALUES (30, 3, 0);
UPDATE hparent SET name = 'uno' WHERE id = 1;
UPDATE hchild SET x = x + 1;
DELETE FROM hparent WHERE id = 2;
SELECT * FROM hchild ORDER BY id;
UPDATE hparent SET id = 5 WHERE id = 1;
-- the referencing column is not indexed: the update stays in the row's
-- chain, and the foreign key is still checked against the new value
UPDATE hchild SET pid = 3 WHERE id = 10;
UPDATE hchild SET pid = 1, x = 5 WHERE id = 10;
SELECT * FROM hchild ORDER BY id;

-- CHECK, NOT NULL, unique violations report the helios table
CREATE TABLE hk (a int NOT NULL CHECK (a > 0), b int UNIQUE) USING helios;
INSERT INTO hk VALUES (0, 1);
INSERT INTO hk VALUES (NULL, 1);
INSERT INTO hk VALUES (1, 1);
INSERT INTO hk VALUES (2, 1);
UPDATE hk SET a = -1;

-- triggers see old and new rows
CREATE TABLE hlog (op text, old_v text, new_v text);
CREATE FUNCTION hlog_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO hlog VALUES (TG_OP,
    CASE WHEN TG_OP <> 'INSERT' THEN OLD.v END,
    CASE WHEN TG_OP <> 'DELETE' THEN NEW.v END);
  RETURN COALESCE(NEW, OLD);
END $$;
CREATE TRIGGER hu_log AFTER INSERT OR UPDATE OR DELETE ON hu
  FOR EACH ROW EXECUTE FUNCTION hlog_trg();
CREATE TRIGGER hu_before BEFORE UPDATE ON hu
  FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
INSERT INTO hu VALUES (100, 'new');
UPDATE hu SET v = 'newer' WHERE k = 100;
UPDATE hu SET v = 'newer' WHERE k = 100;
DELETE FROM hu WHERE k = 100;
-- OLD and NEW of AFTER triggers, in a transaction updating a row twice
BEGIN;
UPDATE hu SET v = 'v1' WHERE k = 1;
UPDATE hu SET v = 'v2' WHERE k = 1;
COMMIT;
SELECT * FROM hlog;

-- MERGE
CREATE TABLE hm (k int PRIMARY KEY, v int) USING helios;
INSERT INTO hm VALUES (1, 1), (2, 2);
MERGE INTO hm USING (VALUES (2, 20), (3, 30)) s(k, v) ON hm.k = s.k
  WHEN MATCHED THEN UPDATE SET v = s.v
  WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.v);
SELECT * FROM hm ORDER BY k;

DROP TABLE hu, hchild, hparent, hk, hlog, hm;
DROP FUNCTION hlog_trg();
