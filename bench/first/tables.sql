-- The table of the COPY, UPDATE and scan benchmarks (psql variables:
-- tbl, am).  Columns: a fixed-width prefix, a 32-byte text, then two more
-- fixed-width columns, so a filter on d has to get past the text column.
-- No autovacuum: the script vacuums the table itself once it is loaded, and
-- a worker vacuuming or analyzing it meanwhile (its snapshot holding back
-- the horizon) would leave one access method's table less all-visible than
-- the other's.
DROP TABLE IF EXISTS :"tbl";
CREATE TABLE :"tbl" (
	id int NOT NULL,
	v  int NOT NULL,
	t  text NOT NULL,
	f  float8 NOT NULL,
	d  date NOT NULL
) USING :"am" WITH (autovacuum_enabled = off);
