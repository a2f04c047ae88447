-- Behaviour of helios tables asserted against heap twins.
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS helios;
BEGIN;
SELECT plan(16);

CREATE TABLE tap_h (id int PRIMARY KEY, v text, n numeric) USING helios WITH (fillfactor = 30);
CREATE TABLE tap_p (id int PRIMARY KEY, v text, n numeric) USING heap;
INSERT INTO tap_h SELECT g, md5(g::text), g / 3.0 FROM generate_series(1, 2000) g;
INSERT INTO tap_p SELECT * FROM tap_h;

SELECT has_table('tap_h');
SELECT is((SELECT amname::text FROM pg_class c JOIN pg_am a ON a.oid = c.relam
           WHERE c.oid = 'tap_h'::regclass), 'helios', 'table uses helios');
SELECT is((SELECT amtype::text FROM pg_am WHERE amname = 'helios'), 't', 'helios is a table AM');
SELECT has_function('helios', 'helios_tableam_handler', ARRAY['internal'], 'handler exists');
SELECT results_eq('SELECT * FROM tap_h ORDER BY id', 'SELECT * FROM tap_p ORDER BY id',
                  'helios returns what heap returns');

UPDATE tap_h SET v = 'u' WHERE id % 5 = 0;
UPDATE tap_p SET v = 'u' WHERE id % 5 = 0;
DELETE FROM tap_h WHERE id % 9 = 0;
DELETE FROM tap_p WHERE id % 9 = 0;
SELECT results_eq('SELECT * FROM tap_h ORDER BY id', 'SELECT * FROM tap_p ORDER BY id',
                  'same rows after update and delete');
SELECT results_eq('SELECT count(*)::int FROM tap_h', ARRAY[1778], 'row count');

SELECT throws_ok('INSERT INTO tap_h VALUES (1, ''dup'', 0)', '23505', NULL,
                 'unique violation on helios table');
SELECT lives_ok('INSERT INTO tap_h VALUES (1, ''dup'', 0) ON CONFLICT DO NOTHING',
                'ON CONFLICT DO NOTHING');
SELECT is((SELECT v FROM tap_h WHERE id = 1), md5('1'), 'conflicting row untouched');

-- stable row identity for non-indexed updates (room left by fillfactor)
CREATE TEMP TABLE tids AS SELECT id, ctid AS c FROM tap_h WHERE id <= 100;
UPDATE tap_h SET n = n + 1 WHERE id <= 100;
SELECT is((SELECT count(*)::int FROM tap_h h JOIN tids t USING (id) WHERE h.ctid = t.c),
          (SELECT count(*)::int FROM tids), 'non-indexed UPDATE keeps every TID');
UPDATE tap_h SET id = id + 100000 WHERE id <= 10;
SELECT is((SELECT count(*)::int FROM tap_h WHERE id > 100000), 9, 'key update keeps the rows (id 9 was deleted)');

-- ALTER TABLE ADD COLUMN without rewrite, with a missing value
SELECT lives_ok('ALTER TABLE tap_h ADD COLUMN extra int DEFAULT 7', 'add column');
SELECT is((SELECT min(extra) FROM tap_h), 7, 'old rows read the missing value');

-- errors name the relation; TIDs that name no row find nothing
SELECT throws_like('INSERT INTO tap_h (id) VALUES (NULL)',
                   '%"id" of relation "tap_h"%', 'NOT NULL violation names the table');
SELECT is((SELECT count(*)::int FROM tap_h WHERE ctid = '(0,0)'::tid), 0,
          'invalid TID finds no row');

SELECT * FROM finish();
ROLLBACK;
