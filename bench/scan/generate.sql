-- The rows of the analytic-scan benchmark: n rows (psql variables: tbl,
-- n) of the table in lineitem.sql, after TPC-H's dbgen rules for lineitem
-- (4 lines per order, 200000 parts, 10000 suppliers, dates from
-- 1992-01-01, "current date" 1995-06-17 for returnflag and linestatus).
-- Deterministic, so heap and helios get the same rows: every value is a
-- function of the row number g, "random" choices come from hashint8 of g
-- (or of the order key), which depends on nothing but its argument.
-- l_weight is a multiple of 1/1024 below 1024, so that sums of it are
-- exact in float8 whatever order a scan returns the rows in.
INSERT INTO :"tbl"
SELECT l_orderkey, l_partkey, l_suppkey, l_linenumber, l_quantity,
	-- TPC-H: quantity * the part's retail price
	l_quantity * (90000 + (l_partkey / 10) % 20001 + 100 * (l_partkey % 1000)) / 100,
	(h4 % 11) / 100.0,
	(h5 % 9) / 100.0,
	CASE WHEN l_receiptdate > date '1995-06-17' THEN 'N'
		WHEN h7 % 2 = 0 THEN 'R' ELSE 'A' END,
	CASE WHEN l_shipdate > date '1995-06-17' THEN 'O' ELSE 'F' END,
	l_shipdate,
	o_orderdate + (30 + (h6 / 128) % 61)::int,
	l_receiptdate,
	(ARRAY['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'])[1 + h8 % 4],
	(ARRAY['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'])[1 + (h8 / 4) % 7],
	-- 4 words, 20 to 42 characters
	(ARRAY['carefully', 'quickly', 'slyly', 'furiously', 'blithely', 'boldly',
		'evenly', 'finally', 'ironically', 'quietly', 'regularly', 'always',
		'never', 'busily', 'fluffily', 'daringly'])[1 + h9 % 16] || ' ' ||
	(ARRAY['special', 'final', 'pending', 'express', 'regular', 'ironic',
		'even', 'bold', 'silent', 'unusual', 'careful', 'quick', 'idle',
		'ruthless', 'close', 'thin'])[1 + (h9 / 16) % 16] || ' ' ||
	(ARRAY['requests', 'packages', 'accounts', 'deposits', 'foxes', 'ideas',
		'theodolites', 'pinto beans', 'instructions', 'dependencies',
		'excuses', 'platelets', 'asymptotes', 'courts', 'dolphins',
		'warhorses'])[1 + (h9 / 256) % 16] || ' ' ||
	(ARRAY['sleep', 'wake', 'nag', 'haggle', 'boost', 'cajole', 'detect',
		'integrate', 'use', 'affix', 'engage', 'doze', 'x-ray', 'print',
		'grow', 'hang'])[1 + (h9 / 4096) % 16],
	(h10 % 1048576)::float8 / 1024,
	CASE WHEN (h5 / 16) % 100 < 15 THEN NULL
		ELSE 1 + (h5 / 1600) % 5 END
FROM (
	SELECT s.*,
		(1 + h1 % 200000)::int AS l_partkey,
		(1 + h2 % 10000)::int AS l_suppkey,
		(1 + h3 % 50)::numeric(15,2) AS l_quantity,
		o_orderdate + (1 + h6 % 121)::int AS l_shipdate,
		o_orderdate + (1 + h6 % 121 + 1 + (h7 / 2) % 30)::int AS l_receiptdate
	FROM (
		SELECT g,
			(g - 1) / 4 + 1 AS l_orderkey,
			((g - 1) % 4 + 1)::int AS l_linenumber,
			-- the order's date: the same for its 4 lines
			date '1992-01-01' + ((hashint8(-((g - 1) / 4 + 1))::bigint + 2147483648) % 2406)::int AS o_orderdate,
			-- h1..h10: independent hashes of g in [0, 2^32)
			hashint8(g * 16 + 1)::bigint + 2147483648 AS h1,
			hashint8(g * 16 + 2)::bigint + 2147483648 AS h2,
			hashint8(g * 16 + 3)::bigint + 2147483648 AS h3,
			hashint8(g * 16 + 4)::bigint + 2147483648 AS h4,
			hashint8(g * 16 + 5)::bigint + 2147483648 AS h5,
			hashint8(g * 16 + 6)::bigint + 2147483648 AS h6,
			hashint8(g * 16 + 7)::bigint + 2147483648 AS h7,
			hashint8(g * 16 + 8)::bigint + 2147483648 AS h8,
			hashint8(g * 16 + 9)::bigint + 2147483648 AS h9,
			hashint8(g * 16 + 10)::bigint + 2147483648 AS h10
		FROM generate_series(1::bigint, :n) AS g
	) s
) t;
