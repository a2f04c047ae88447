-- The timed queries of the analytic-scan benchmark (bench/scan/run.sh).
-- Each query starts with a line "-- query ID: LABEL" (LABEL names it in the
-- result table) and ends with the first line ending in ";".  :tbl stands
-- for the table (lineitem_heap, lineitem_helios); run.sh substitutes it,
-- and psql does the same with -v tbl=...  Every query scans the whole table
-- (no indexes); grouped output is ordered, so that heap's and helios's
-- results can be compared as text.  Selectivities are those of the rows of
-- generate.sql.

-- query q1: TPC-H Q1 pricing summary
-- numeric sums and averages in 4 groups over ~98.6% of the rows
SELECT l_returnflag, l_linestatus,
	sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,
	sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
	sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
	avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price,
	avg(l_discount) AS avg_disc, count(*) AS count_order
FROM :tbl
WHERE l_shipdate <= date '1998-12-01' - interval '90 day'
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus;

-- query q6: TPC-H Q6 revenue change
-- date range, numeric BETWEEN and < on three columns; ~1.9% of the rows
SELECT sum(l_extendedprice * l_discount) AS revenue
FROM :tbl
WHERE l_shipdate >= date '1994-01-01' AND l_shipdate < date '1995-01-01'
	AND l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 AND l_quantity < 24;

-- query sel: int filter, 0.1% of rows
SELECT count(*), sum(l_quantity), min(l_orderkey), max(l_orderkey)
FROM :tbl WHERE l_partkey <= 200;

-- query unsel: int filter, 90% of rows, count
SELECT count(*) FROM :tbl WHERE l_suppkey > 1000;

-- query float8: float8 count/sum/avg/min/max
-- (l_weight, the 17th column: deforms the whole row)
SELECT count(*) FILTER (WHERE l_weight < 256), sum(l_weight), avg(l_weight),
	min(l_weight), max(l_weight)
FROM :tbl;

-- query mode: group by text (l_shipmode)
-- 7 groups, count and numeric avg
SELECT l_shipmode, count(*), avg(l_quantity)
FROM :tbl GROUP BY l_shipmode ORDER BY l_shipmode;

-- query nulls: NULLs, int column 15% NULL
SELECT count(*) FILTER (WHERE l_rating IS NULL) AS nulls, count(l_rating),
	sum(l_rating), avg(l_rating)
FROM :tbl;

-- query dates: date range count, 15% of rows
-- one year of receipt dates
SELECT count(*) FROM :tbl
WHERE l_receiptdate BETWEEN date '1996-01-01' AND date '1996-12-31';

-- query like: LIKE on l_comment, 0.4% of rows
SELECT count(*) FROM :tbl WHERE l_comment LIKE '%special%requests%';

-- query count: count(*), no filter
-- the scan and the visibility checks alone, no column deformed
SELECT count(*) FROM :tbl;
