-- A row lock marks the caller's TID as naming the version it locked
-- (HELIOS_LOCKED_TID, src/table/helios_am.h).  These are the statements
-- that lock a row and then act on it by the same TID; each runs on a heap
-- table and on a helios table, with the same results.
CREATE FUNCTION lt_bump() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN
  EXECUTE format('UPDATE %I SET n = n + 1 WHERE id = $1', TG_TABLE_NAME) USING OLD.id;
  RETURN OLD;
END $$;

DO $$
DECLARE
  am text;
BEGIN
  FOREACH am IN ARRAY ARRAY['heap', 'helios'] LOOP
    EXECUTE format('CREATE TABLE lt_%s (id int, n int) USING %s', am, am);
    EXECUTE format('INSERT INTO lt_%s VALUES (1, 0), (2, 0)', am);
    -- a BEFORE ROW trigger that updates its own row
    EXECUTE format('CREATE TRIGGER lt_bd BEFORE DELETE ON lt_%s FOR EACH ROW EXECUTE FUNCTION lt_bump()', am);
    EXECUTE format('CREATE TRIGGER lt_bu BEFORE UPDATE ON lt_%s FOR EACH ROW WHEN (NEW.n = OLD.n) EXECUTE FUNCTION lt_bump()', am);
    EXECUTE format('CREATE TABLE up_%s (k int UNIQUE, v text) USING %s', am, am);
    EXECUTE format('INSERT INTO up_%s VALUES (2, ''a'')', am);
    EXECUTE format('CREATE TABLE cur_%s (id int, v text) USING %s', am, am);
    EXECUTE format('INSERT INTO cur_%s VALUES (1, ''one''), (2, ''two'')', am);
  END LOOP;
END $$;

-- heap: "already modified by an operation triggered by the current command"
DELETE FROM lt_heap WHERE id = 1;
DELETE FROM lt_helios WHERE id = 1;
UPDATE lt_heap SET id = 1 WHERE id = 1;
UPDATE lt_helios SET id = 1 WHERE id = 1;
SELECT * FROM lt_heap ORDER BY id;
SELECT * FROM lt_helios ORDER BY id;

-- two ON CONFLICT DO UPDATE of one row in one statement: the outer one
-- finds its locked version updated by this command and does nothing
WITH simpletup AS (SELECT 2 k, 'Green' v),
upsert_cte AS (INSERT INTO up_heap VALUES (2, 'Blue') ON CONFLICT (k) DO
  UPDATE SET (k, v) = (SELECT k, v FROM simpletup WHERE simpletup.k = up_heap.k) RETURNING k, v)
INSERT INTO up_heap VALUES (2, 'Red') ON CONFLICT (k) DO
UPDATE SET (k, v) = (SELECT k, v FROM upsert_cte WHERE upsert_cte.k = up_heap.k) RETURNING k, v;
WITH simpletup AS (SELECT 2 k, 'Green' v),
upsert_cte AS (INSERT INTO up_helios VALUES (2, 'Blue') ON CONFLICT (k) DO
  UPDATE SET (k, v) = (SELECT k, v FROM simpletup WHERE simpletup.k = up_helios.k) RETURNING k, v)
INSERT INTO up_helios VALUES (2, 'Red') ON CONFLICT (k) DO
UPDATE SET (k, v) = (SELECT k, v FROM upsert_cte WHERE upsert_cte.k = up_helios.k) RETURNING k, v;
SELECT * FROM up_heap;
SELECT * FROM up_helios;

-- WHERE CURRENT OF a FOR UPDATE cursor, twice on one row, and on a row
-- this transaction inserted
BEGIN;
INSERT INTO cur_helios VALUES (3, 'three');
DECLARE c CURSOR FOR SELECT id, v FROM cur_helios ORDER BY id FOR UPDATE;
FETCH 2 FROM c;
UPDATE cur_helios SET v = v || '+' WHERE CURRENT OF c RETURNING id, v;
UPDATE cur_helios SET v = v || '+' WHERE CURRENT OF c RETURNING id, v;
FETCH 1 FROM c;
UPDATE cur_helios SET v = v || '!' WHERE CURRENT OF c RETURNING id, v;
DELETE FROM cur_helios WHERE CURRENT OF c RETURNING id, v;
COMMIT;
SELECT * FROM cur_helios ORDER BY id;

-- a TID with the mark's bit typed by a user names nothing, as with heap
SELECT count(*) FROM cur_heap WHERE ctid = '(0,16385)';
SELECT count(*) FROM cur_helios WHERE ctid = '(0,16385)';
BEGIN;
SELECT id FROM cur_helios WHERE id = 1 FOR UPDATE;
SELECT count(*) FROM cur_helios WHERE ctid = '(0,16385)';
ROLLBACK;

DROP TABLE lt_heap, lt_helios, up_heap, up_helios, cur_heap, cur_helios;
DROP FUNCTION lt_bump();
