-- Partitioned tables with helios partitions; every index AM on helios.
CREATE TABLE hp (k int, v text) PARTITION BY RANGE (k);
CREATE TABLE hp1 PARTITION OF hp FOR VALUES FROM (0) TO (100) USING helios;
CREATE TABLE hp2 PARTITION OF hp FOR VALUES FROM (100) TO (200) USING helios;
CREATE TABLE hp3 PARTITION OF hp FOR VALUES FROM (200) TO (300);
INSERT INTO hp SELECT g, 'v' || g FROM generate_series(0, 299) g;
SELECT tableoid::regclass, count(*) FROM hp GROUP BY 1 ORDER BY 1;
UPDATE hp SET k = k + 100 WHERE k BETWEEN 90 AND 109;
SELECT tableoid::regclass, count(*) FROM hp GROUP BY 1 ORDER BY 1;
DELETE FROM hp WHERE k > 250;
SELECT count(*), sum(k) FROM hp;

-- every index AM
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE hix (id int, t text, arr int[], r int4range, p point) USING helios;
INSERT INTO hix SELECT g, 'w' || (g % 50), ARRAY[g % 10, g % 7], int4range(g, g + 10),
  point(g % 100, g / 100) FROM generate_series(1, 5000) g;
CREATE INDEX hix_hash ON hix USING hash (t);
CREATE INDEX hix_gin ON hix USING gin (arr);
CREATE INDEX hix_gist ON hix USING gist (r);
CREATE INDEX hix_spgist ON hix USING spgist (p);
CREATE INDEX hix_brin ON hix USING brin (id);
UPDATE hix SET t = 'w1' WHERE id % 100 = 0;
SET enable_seqscan = off;
SELECT count(*) FROM hix WHERE t = 'w1';
SELECT count(*) FROM hix WHERE arr @> ARRAY[3];
SELECT count(*) FROM hix WHERE r @> 2500;
SELECT count(*) FROM hix WHERE p <@ box '((0,0),(10,10))';
SELECT count(*) FROM hix WHERE id BETWEEN 100 AND 200;
RESET enable_seqscan;
SELECT count(*) FROM hix WHERE t = 'w1';
SELECT count(*) FROM hix WHERE arr @> ARRAY[3];
SELECT count(*) FROM hix WHERE r @> 2500;
SELECT count(*) FROM hix WHERE p <@ box '((0,0),(10,10))';
SELECT count(*) FROM hix WHERE id BETWEEN 100 AND 200;
-- exclusion constraint through GiST
CREATE TABLE hex (r int4range, EXCLUDE USING gist (r WITH &&)) USING helios;
INSERT INTO hex VALUES ('[1,5)'), ('[5,10)');
INSERT INTO hex VALUES ('[3,7)');

DROP TABLE hp, hix, hex;
