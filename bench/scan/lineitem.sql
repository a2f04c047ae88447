-- The table of the analytic-scan benchmark (bench/scan/run.sh): TPC-H's
-- lineitem, column for column, plus two columns TPC-H lacks so that the
-- scans also deform a float8 and a column with NULLs:
--   l_weight  float8, never NULL (dyadic values, see generate.sql)
--   l_rating  int, NULL in about 15% of the rows
-- psql variables: tbl (table name), am (table access method).
-- No autovacuum: run.sh vacuums the table itself once it is loaded; a
-- worker analyzing it meanwhile (its snapshot holding back the horizon)
-- could leave one access method's table less all-visible than the other's.
DROP TABLE IF EXISTS :"tbl";
CREATE TABLE :"tbl" (
	l_orderkey      bigint         NOT NULL,
	l_partkey       int            NOT NULL,
	l_suppkey       int            NOT NULL,
	l_linenumber    int            NOT NULL,
	l_quantity      numeric(15,2)  NOT NULL,
	l_extendedprice numeric(15,2)  NOT NULL,
	l_discount      numeric(15,2)  NOT NULL,
	l_tax           numeric(15,2)  NOT NULL,
	l_returnflag    char(1)        NOT NULL,
	l_linestatus    char(1)        NOT NULL,
	l_shipdate      date           NOT NULL,
	l_commitdate    date           NOT NULL,
	l_receiptdate   date           NOT NULL,
	l_shipinstruct  varchar(25)    NOT NULL,
	l_shipmode      varchar(10)    NOT NULL,
	l_comment       varchar(44)    NOT NULL,
	l_weight        float8         NOT NULL,
	l_rating        int
) USING :"am" WITH (autovacuum_enabled = off);
