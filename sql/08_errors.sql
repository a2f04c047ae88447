-- Errors a user can cause get a clear message.
CREATE TABLE he (a int, b text) USING helios;
INSERT INTO he VALUES (1, 'x');
-- TIDs that name no row
SELECT * FROM he WHERE ctid = '(0,0)';
SELECT * FROM he WHERE ctid = '(0,5000)';
SELECT * FROM he WHERE ctid = '(999,1)';
SELECT currtid2('he', '(0,1)');
-- a row larger than a page that cannot be toasted
CREATE TABLE he_plain (a int, b text) USING helios;
ALTER TABLE he_plain ALTER COLUMN b SET STORAGE PLAIN;
INSERT INTO he_plain VALUES (1, repeat('x', 10000));
-- too many columns for a row
DO $$ BEGIN EXECUTE 'CREATE TABLE he_wide (' ||
  (SELECT string_agg('c' || g || ' name', ', ') FROM generate_series(1, 130) g) ||
  ') USING helios'; END $$;
DROP TABLE he, he_plain;
