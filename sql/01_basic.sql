-- Basic DML on helios tables, every common type, NULLs, system columns.
CREATE TABLE hb (id int, i2 int2, i8 int8, f4 float4, f8 float8, n numeric,
                 t text, vc varchar(20), bc char(5), b bool, d date,
                 ts timestamp, tz timestamptz, iv interval, u uuid, by bytea,
                 nm name, arr int[], js jsonb, pt point)
  USING helios;
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'hb';

INSERT INTO hb VALUES
  (1, 2, 3, 1.5, 2.25, 12345.678, 'hello', 'world', 'ab', true, '2024-01-02',
   '2024-01-02 03:04:05', '2024-01-02 03:04:05+00', '1 day 2 hours',
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\xdeadbeef', 'nm', '{1,2,3}',
   '{"a": [1, 2]}', '(1,2)'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, -32768, 9223372036854775807, 'NaN', '-Infinity', -0.5, repeat('x', 300),
   '', 'z', false, 'infinity', '-infinity', 'infinity', '-1 mon',
   '00000000-0000-0000-0000-000000000000', '\x', '', '{}', 'null', '(0,0)');
SELECT * FROM hb ORDER BY id;
SELECT id, t IS NULL AS tnull, length(t), vc, bc, arr[2], js->'a' FROM hb ORDER BY id;

-- every attribute individually (fixed-offset access)
SELECT id, i8, f8, u, nm, pt[0] FROM hb WHERE id = 3;

-- updates that change no indexed column keep the row's TID
SELECT ctid AS before FROM hb WHERE id = 1 \gset
UPDATE hb SET t = 'changed', i2 = 7 WHERE id = 1;
SELECT ctid = :'before' AS same_tid, t, i2 FROM hb WHERE id = 1;
UPDATE hb SET t = 'changed again' WHERE id = 1;
UPDATE hb SET n = n + 1 WHERE id = 1;
SELECT ctid = :'before' AS same_tid, t, n FROM hb WHERE id = 1;
SELECT xmin = xmax AS weird, cmin, cmax FROM hb WHERE id = 1;

DELETE FROM hb WHERE id = 2;
SELECT id FROM hb ORDER BY id;
SELECT count(*) FROM hb;

-- an indexed column update gets a new TID; a non-indexed one does not
CREATE INDEX hb_id ON hb (id);
SELECT ctid AS before FROM hb WHERE id = 3 \gset
UPDATE hb SET t = 'no index change' WHERE id = 3;
SELECT ctid = :'before' AS same_tid FROM hb WHERE id = 3;
UPDATE hb SET id = 30 WHERE id = 3;
SELECT ctid = :'before' AS same_tid FROM hb WHERE id = 30;
SET enable_seqscan = off;
SELECT id, t FROM hb WHERE id = 30;
SELECT id FROM hb WHERE id = 3;
RESET enable_seqscan;

-- RETURNING and system columns
INSERT INTO hb (id, t) VALUES (4, 'four') RETURNING id, t, tableoid::regclass;
UPDATE hb SET t = 'FOUR' WHERE id = 4 RETURNING id, t;
DELETE FROM hb WHERE id = 4 RETURNING id, t;

-- transactions, savepoints, aborts
BEGIN;
INSERT INTO hb (id) VALUES (5);
SAVEPOINT s1;
UPDATE hb SET t = 'in savepoint' WHERE id = 5;
ROLLBACK TO s1;
SELECT id, t FROM hb WHERE id = 5;
UPDATE hb SET t = 'after rollback to' WHERE id = 5;
COMMIT;
SELECT id, t FROM hb WHERE id = 5;
BEGIN;
DELETE FROM hb;
ROLLBACK;
SELECT count(*) FROM hb;

-- many updates of one row in one transaction (combo cids) and across
BEGIN;
INSERT INTO hb (id, n) VALUES (6, 0);
UPDATE hb SET n = n + 1 WHERE id = 6;
UPDATE hb SET n = n + 1 WHERE id = 6;
DECLARE c CURSOR FOR SELECT n FROM hb WHERE id = 6;
UPDATE hb SET n = n + 1 WHERE id = 6;
FETCH ALL FROM c;
SELECT n FROM hb WHERE id = 6;
COMMIT;
DO $$ BEGIN FOR i IN 1..500 LOOP UPDATE hb SET n = n + 1 WHERE id = 6; END LOOP; END $$;
SELECT n FROM hb WHERE id = 6;

-- a row that fills most of a page, then grows past the page by update
CREATE TABLE hwide (id int, pad text) USING helios;
ALTER TABLE hwide ALTER COLUMN pad SET STORAGE PLAIN;
INSERT INTO hwide SELECT g, repeat('p', 2000) FROM generate_series(1, 8) g;
UPDATE hwide SET pad = repeat('q', 2100);
SELECT count(*), min(length(pad)), max(length(pad)) FROM hwide;
INSERT INTO hwide VALUES (99, repeat('r', 9000));

DROP TABLE hb, hwide;
