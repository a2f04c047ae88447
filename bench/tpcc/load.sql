-- TPC-C initial population, set-based.  Run once with :w = 0 for the item
-- table, and once per warehouse with :w = that warehouse (the driver runs
-- warehouses in parallel sessions).  setseed makes every population of a
-- warehouse the same, whichever access method it is loaded into.
-- Cardinalities and value ranges follow TPC-C 4.3.3.1; random strings are
-- cut from md5 digests.
SELECT setseed(:w / 1000.0) \gset

\if :w_is_item
INSERT INTO item
SELECT i, 1 + (random() * 9999)::int,
	   substr(md5(random()::text), 1, 14 + (random() * 10)::int),
	   round((1 + random() * 99)::numeric, 2),
	   CASE WHEN random() < 0.1
		   THEN substr(md5(random()::text), 1, 10) || 'ORIGINAL' || substr(md5(random()::text), 1, 8 + (random() * 24)::int)
		   ELSE substr(md5(random()::text) || md5(random()::text), 1, 26 + (random() * 24)::int) END
FROM generate_series(1, 100000) i;
\else
INSERT INTO warehouse
SELECT :w, 300000.00, round((random() * 0.2)::numeric, 4), 'w' || :w,
	   substr(md5(random()::text), 1, 15), substr(md5(random()::text), 1, 15),
	   substr(md5(random()::text), 1, 15), 'NY', '123411111';

INSERT INTO district
SELECT d, :w, 30000.00, round((random() * 0.2)::numeric, 4), 3001, 'd' || d,
	   substr(md5(random()::text), 1, 15), substr(md5(random()::text), 1, 15),
	   substr(md5(random()::text), 1, 15), 'NY', '123411111'
FROM generate_series(1, 10) d;

INSERT INTO stock
SELECT i, :w, 10 + (random() * 90)::int,
	   substr(md5(random()::text), 1, 24), substr(md5(random()::text), 1, 24),
	   substr(md5(random()::text), 1, 24), substr(md5(random()::text), 1, 24),
	   substr(md5(random()::text), 1, 24), substr(md5(random()::text), 1, 24),
	   substr(md5(random()::text), 1, 24), substr(md5(random()::text), 1, 24),
	   substr(md5(random()::text), 1, 24), substr(md5(random()::text), 1, 24),
	   0, 0, 0,
	   CASE WHEN random() < 0.1
		   THEN substr(md5(random()::text), 1, 10) || 'ORIGINAL' || substr(md5(random()::text), 1, 8 + (random() * 24)::int)
		   ELSE substr(md5(random()::text) || md5(random()::text), 1, 26 + (random() * 24)::int) END
FROM generate_series(1, 100000) i;

-- the first 1000 customers of a district take the 1000 last names in turn,
-- the others a NURand(255, 0, 999) one (C = 157 at load time)
INSERT INTO customer
SELECT c, d, :w, substr(md5(random()::text), 1, 8 + (random() * 8)::int), 'OE',
	   tpcc_lastname(CASE WHEN c <= 1000 THEN c - 1
					 ELSE (((random() * 255)::int | (random() * 999)::int) + 157) % 1000 END),
	   substr(md5(random()::text), 1, 15), substr(md5(random()::text), 1, 15),
	   substr(md5(random()::text), 1, 15), 'NY', '123411111',
	   lpad((random() * 1e15)::bigint::text, 16, '0'), now(),
	   CASE WHEN random() < 0.1 THEN 'BC' ELSE 'GC' END, 50000.00,
	   round((random() * 0.5)::numeric, 4), -10.00, 10.00, 1, 0,
	   left(repeat(md5(random()::text), 16), 300 + (random() * 200)::int)
FROM generate_series(1, 10) d, generate_series(1, 3000) c;

INSERT INTO history
SELECT c, d, :w, d, :w, now(), 10.00, substr(md5(random()::text), 1, 12 + (random() * 12)::int)
FROM generate_series(1, 10) d, generate_series(1, 3000) c;

-- each district's 3000 orders go to a random permutation of its customers;
-- the last 900 are undelivered (no carrier, in new_order)
INSERT INTO orders
SELECT o, d, :w, c, now(), CASE WHEN o < 2101 THEN 1 + (random() * 9)::int END,
	   5 + (random() * 10)::int, 1
FROM (SELECT d, c, row_number() OVER (PARTITION BY d ORDER BY random()) AS o
	  FROM generate_series(1, 10) d, generate_series(1, 3000) c) p;

INSERT INTO order_line
SELECT o.o_id, o.o_d_id, :w, l, 1 + (random() * 99999)::int, :w,
	   CASE WHEN o.o_id < 2101 THEN o.o_entry_d END, 5,
	   CASE WHEN o.o_id < 2101 THEN 0 ELSE round((0.01 + random() * 9999.98)::numeric, 2) END,
	   substr(md5(random()::text), 1, 24)
FROM orders o, generate_series(1, o.o_ol_cnt) l
WHERE o.o_w_id = :w;

INSERT INTO new_order
SELECT o, d, :w FROM generate_series(1, 10) d, generate_series(2101, 3000) o;
\endif
