-- A key that no longer computes to what was stored (an index expression
-- labelled IMMUTABLE that reads a setting; a collation library change)
-- must not make its row impossible to DELETE or UPDATE: helios_btree then
-- finds the row's entry by its TID, ends it, and warns.
SET search_path = public, helios;
CREATE FUNCTION kd_key(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS
$$ BEGIN RETURN $1 + current_setting('kd.shift')::int; END $$;
SET kd.shift = 0;
CREATE TABLE kd (id int PRIMARY KEY, v int) USING helios;
CREATE UNIQUE INDEX kd_k ON kd USING helios_btree (kd_key(v));
INSERT INTO kd SELECT g, g FROM generate_series(1, 300) g;
SET kd.shift = 1000;
DELETE FROM kd WHERE id = 7;
UPDATE kd SET v = 5000 WHERE id = 8;
SELECT count(*), sum(v) FROM kd;
-- the ended entries no longer hold their keys: the old values insert again
SET kd.shift = 0;
INSERT INTO kd VALUES (7, 7);
INSERT INTO kd VALUES (1008, 8);
SELECT id, v FROM kd WHERE kd_key(v) IN (7, 8) ORDER BY id;
-- the row updated under the other setting was indexed under it: REINDEX
-- puts every entry under what the definition computes now
REINDEX INDEX kd_k;
SELECT helios_btree_verify('kd_k', true);
SELECT helios_btree_verify('kd_pkey', true);
DROP TABLE kd;
DROP FUNCTION kd_key(int);
RESET kd.shift;
