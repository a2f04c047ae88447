/* helios--1.0.sql */

\echo Use "CREATE EXTENSION helios" to load this file. \quit

-- The WAL resource manager can only be registered at postmaster start, so
-- refuse to install unless the library was preloaded.
CREATE FUNCTION helios_preloaded()
RETURNS boolean
AS 'MODULE_PATHNAME', 'helios_preloaded'
LANGUAGE C STRICT;

DO $$
BEGIN
  IF NOT @extschema@.helios_preloaded() THEN
    RAISE EXCEPTION 'helios must be loaded via shared_preload_libraries'
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Add ''helios'' to shared_preload_libraries in postgresql.conf and restart the server.';
  END IF;
END
$$;

CREATE FUNCTION helios_tableam_handler(internal)
RETURNS table_am_handler
AS 'MODULE_PATHNAME', 'helios_tableam_handler'
LANGUAGE C STRICT;

CREATE ACCESS METHOD helios TYPE TABLE HANDLER helios_tableam_handler;
COMMENT ON ACCESS METHOD helios IS 'helios: fixed-offset rows, stable row identity, own WAL';

-- helios_btree: a B-link tree whose entries carry their own MVCC lifetime
-- (src/btree/README).  Its operator classes follow at the end of this file.
CREATE FUNCTION helios_btree_handler(internal)
RETURNS index_am_handler
AS 'MODULE_PATHNAME', 'helios_btree_handler'
LANGUAGE C STRICT;

CREATE ACCESS METHOD helios_btree TYPE INDEX HANDLER helios_btree_handler;
COMMENT ON ACCESS METHOD helios_btree IS 'helios_btree: B-link tree with version-aware entries';

-- Checks a helios_btree index's structure and, with heapallindexed, that
-- every row of its table has its entry; raises an error on the first
-- violation.
CREATE FUNCTION helios_btree_verify(index regclass, heapallindexed boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'helios_btree_verify'
LANGUAGE C STRICT;
-- as amcheck's functions: granted by the superuser, and then only to the
-- owner of the index's table
REVOKE ALL ON FUNCTION helios_btree_verify(regclass, boolean) FROM PUBLIC;

-- Operator families and classes of helios_btree.  They mirror btree's
-- default operator classes (and the pattern_ops ones): the same operators at
-- strategies 1-5 (<, <=, =, >=, >), support function 1 the btree comparison
-- function and support function 2 its sortsupport function where btree has
-- one, and the same cross-type members in the multi-type families.
-- varchar_ops and varchar_pattern_ops are, as in btree, non-default classes
-- on text that hold no members of their own.  One difference: btree's name_ops
-- stores its keys as cstring, which CREATE OPERATOR CLASS cannot express for
-- an access method without amstorage, so here name keys are stored as name.
-- The classes live in schema helios: a non-default one is named there, e.g.
-- (col helios.text_pattern_ops).  PostgreSQL 15's planner recognizes btree's
-- own text, pattern and bool families by OID, so with these classes
-- "col LIKE 'abc%'" is no index qual (write col ~>=~ 'abc' AND col ~<~ 'abd')
-- and neither is a bare boolean column or "b = true".

-- int2, int4 and int8, with every cross-type comparison
CREATE OPERATOR FAMILY integer_ops USING helios_btree;

CREATE OPERATOR CLASS int2_ops
    DEFAULT FOR TYPE int2 USING helios_btree FAMILY integer_ops AS
    OPERATOR 1 < (int2, int2),
    OPERATOR 2 <= (int2, int2),
    OPERATOR 3 = (int2, int2),
    OPERATOR 4 >= (int2, int2),
    OPERATOR 5 > (int2, int2),
    FUNCTION 1 (int2, int2) btint2cmp(int2, int2),
    FUNCTION 2 (int2, int2) btint2sortsupport(internal);

CREATE OPERATOR CLASS int4_ops
    DEFAULT FOR TYPE int4 USING helios_btree FAMILY integer_ops AS
    OPERATOR 1 < (int4, int4),
    OPERATOR 2 <= (int4, int4),
    OPERATOR 3 = (int4, int4),
    OPERATOR 4 >= (int4, int4),
    OPERATOR 5 > (int4, int4),
    FUNCTION 1 (int4, int4) btint4cmp(int4, int4),
    FUNCTION 2 (int4, int4) btint4sortsupport(internal);

CREATE OPERATOR CLASS int8_ops
    DEFAULT FOR TYPE int8 USING helios_btree FAMILY integer_ops AS
    OPERATOR 1 < (int8, int8),
    OPERATOR 2 <= (int8, int8),
    OPERATOR 3 = (int8, int8),
    OPERATOR 4 >= (int8, int8),
    OPERATOR 5 > (int8, int8),
    FUNCTION 1 (int8, int8) btint8cmp(int8, int8),
    FUNCTION 2 (int8, int8) btint8sortsupport(internal);

ALTER OPERATOR FAMILY integer_ops USING helios_btree ADD
    OPERATOR 1 < (int2, int4),
    OPERATOR 2 <= (int2, int4),
    OPERATOR 3 = (int2, int4),
    OPERATOR 4 >= (int2, int4),
    OPERATOR 5 > (int2, int4),
    FUNCTION 1 (int2, int4) btint24cmp(int2, int4),
    OPERATOR 1 < (int2, int8),
    OPERATOR 2 <= (int2, int8),
    OPERATOR 3 = (int2, int8),
    OPERATOR 4 >= (int2, int8),
    OPERATOR 5 > (int2, int8),
    FUNCTION 1 (int2, int8) btint28cmp(int2, int8),
    OPERATOR 1 < (int4, int2),
    OPERATOR 2 <= (int4, int2),
    OPERATOR 3 = (int4, int2),
    OPERATOR 4 >= (int4, int2),
    OPERATOR 5 > (int4, int2),
    FUNCTION 1 (int4, int2) btint42cmp(int4, int2),
    OPERATOR 1 < (int4, int8),
    OPERATOR 2 <= (int4, int8),
    OPERATOR 3 = (int4, int8),
    OPERATOR 4 >= (int4, int8),
    OPERATOR 5 > (int4, int8),
    FUNCTION 1 (int4, int8) btint48cmp(int4, int8),
    OPERATOR 1 < (int8, int2),
    OPERATOR 2 <= (int8, int2),
    OPERATOR 3 = (int8, int2),
    OPERATOR 4 >= (int8, int2),
    OPERATOR 5 > (int8, int2),
    FUNCTION 1 (int8, int2) btint82cmp(int8, int2),
    OPERATOR 1 < (int8, int4),
    OPERATOR 2 <= (int8, int4),
    OPERATOR 3 = (int8, int4),
    OPERATOR 4 >= (int8, int4),
    OPERATOR 5 > (int8, int4),
    FUNCTION 1 (int8, int4) btint84cmp(int8, int4);

-- float4 and float8, with the cross-type comparisons
CREATE OPERATOR FAMILY float_ops USING helios_btree;

CREATE OPERATOR CLASS float4_ops
    DEFAULT FOR TYPE float4 USING helios_btree FAMILY float_ops AS
    OPERATOR 1 < (float4, float4),
    OPERATOR 2 <= (float4, float4),
    OPERATOR 3 = (float4, float4),
    OPERATOR 4 >= (float4, float4),
    OPERATOR 5 > (float4, float4),
    FUNCTION 1 (float4, float4) btfloat4cmp(float4, float4),
    FUNCTION 2 (float4, float4) btfloat4sortsupport(internal);

CREATE OPERATOR CLASS float8_ops
    DEFAULT FOR TYPE float8 USING helios_btree FAMILY float_ops AS
    OPERATOR 1 < (float8, float8),
    OPERATOR 2 <= (float8, float8),
    OPERATOR 3 = (float8, float8),
    OPERATOR 4 >= (float8, float8),
    OPERATOR 5 > (float8, float8),
    FUNCTION 1 (float8, float8) btfloat8cmp(float8, float8),
    FUNCTION 2 (float8, float8) btfloat8sortsupport(internal);

ALTER OPERATOR FAMILY float_ops USING helios_btree ADD
    OPERATOR 1 < (float4, float8),
    OPERATOR 2 <= (float4, float8),
    OPERATOR 3 = (float4, float8),
    OPERATOR 4 >= (float4, float8),
    OPERATOR 5 > (float4, float8),
    FUNCTION 1 (float4, float8) btfloat48cmp(float4, float8),
    OPERATOR 1 < (float8, float4),
    OPERATOR 2 <= (float8, float4),
    OPERATOR 3 = (float8, float4),
    OPERATOR 4 >= (float8, float4),
    OPERATOR 5 > (float8, float4),
    FUNCTION 1 (float8, float4) btfloat84cmp(float8, float4);

-- numeric
CREATE OPERATOR FAMILY numeric_ops USING helios_btree;

CREATE OPERATOR CLASS numeric_ops
    DEFAULT FOR TYPE numeric USING helios_btree FAMILY numeric_ops AS
    OPERATOR 1 < (numeric, numeric),
    OPERATOR 2 <= (numeric, numeric),
    OPERATOR 3 = (numeric, numeric),
    OPERATOR 4 >= (numeric, numeric),
    OPERATOR 5 > (numeric, numeric),
    FUNCTION 1 (numeric, numeric) numeric_cmp(numeric, numeric),
    FUNCTION 2 (numeric, numeric) numeric_sortsupport(internal);

-- text (also for varchar, as btree has it) and name, with the text/name cross-type comparisons
CREATE OPERATOR FAMILY text_ops USING helios_btree;

CREATE OPERATOR CLASS text_ops
    DEFAULT FOR TYPE text USING helios_btree FAMILY text_ops AS
    OPERATOR 1 < (text, text),
    OPERATOR 2 <= (text, text),
    OPERATOR 3 = (text, text),
    OPERATOR 4 >= (text, text),
    OPERATOR 5 > (text, text),
    FUNCTION 1 (text, text) bttextcmp(text, text),
    FUNCTION 2 (text, text) bttextsortsupport(internal);

CREATE OPERATOR CLASS name_ops
    DEFAULT FOR TYPE name USING helios_btree FAMILY text_ops AS
    OPERATOR 1 < (name, name),
    OPERATOR 2 <= (name, name),
    OPERATOR 3 = (name, name),
    OPERATOR 4 >= (name, name),
    OPERATOR 5 > (name, name),
    FUNCTION 1 (name, name) btnamecmp(name, name),
    FUNCTION 2 (name, name) btnamesortsupport(internal);

CREATE OPERATOR CLASS varchar_ops
    FOR TYPE text USING helios_btree FAMILY text_ops AS
    STORAGE text;

ALTER OPERATOR FAMILY text_ops USING helios_btree ADD
    OPERATOR 1 < (text, name),
    OPERATOR 2 <= (text, name),
    OPERATOR 3 = (text, name),
    OPERATOR 4 >= (text, name),
    OPERATOR 5 > (text, name),
    FUNCTION 1 (text, name) bttextnamecmp(text, name),
    OPERATOR 1 < (name, text),
    OPERATOR 2 <= (name, text),
    OPERATOR 3 = (name, text),
    OPERATOR 4 >= (name, text),
    OPERATOR 5 > (name, text),
    FUNCTION 1 (name, text) btnametextcmp(name, text);

-- bpchar
CREATE OPERATOR FAMILY bpchar_ops USING helios_btree;

CREATE OPERATOR CLASS bpchar_ops
    DEFAULT FOR TYPE bpchar USING helios_btree FAMILY bpchar_ops AS
    OPERATOR 1 < (bpchar, bpchar),
    OPERATOR 2 <= (bpchar, bpchar),
    OPERATOR 3 = (bpchar, bpchar),
    OPERATOR 4 >= (bpchar, bpchar),
    OPERATOR 5 > (bpchar, bpchar),
    FUNCTION 1 (bpchar, bpchar) bpcharcmp(bpchar, bpchar),
    FUNCTION 2 (bpchar, bpchar) bpchar_sortsupport(internal);

-- "char"
CREATE OPERATOR FAMILY char_ops USING helios_btree;

CREATE OPERATOR CLASS char_ops
    DEFAULT FOR TYPE "char" USING helios_btree FAMILY char_ops AS
    OPERATOR 1 < ("char", "char"),
    OPERATOR 2 <= ("char", "char"),
    OPERATOR 3 = ("char", "char"),
    OPERATOR 4 >= ("char", "char"),
    OPERATOR 5 > ("char", "char"),
    FUNCTION 1 ("char", "char") btcharcmp("char", "char");

-- date, timestamp and timestamptz, with every cross-type comparison
CREATE OPERATOR FAMILY datetime_ops USING helios_btree;

CREATE OPERATOR CLASS date_ops
    DEFAULT FOR TYPE date USING helios_btree FAMILY datetime_ops AS
    OPERATOR 1 < (date, date),
    OPERATOR 2 <= (date, date),
    OPERATOR 3 = (date, date),
    OPERATOR 4 >= (date, date),
    OPERATOR 5 > (date, date),
    FUNCTION 1 (date, date) date_cmp(date, date),
    FUNCTION 2 (date, date) date_sortsupport(internal);

CREATE OPERATOR CLASS timestamp_ops
    DEFAULT FOR TYPE timestamp USING helios_btree FAMILY datetime_ops AS
    OPERATOR 1 < (timestamp, timestamp),
    OPERATOR 2 <= (timestamp, timestamp),
    OPERATOR 3 = (timestamp, timestamp),
    OPERATOR 4 >= (timestamp, timestamp),
    OPERATOR 5 > (timestamp, timestamp),
    FUNCTION 1 (timestamp, timestamp) timestamp_cmp(timestamp, timestamp),
    FUNCTION 2 (timestamp, timestamp) timestamp_sortsupport(internal);

CREATE OPERATOR CLASS timestamptz_ops
    DEFAULT FOR TYPE timestamptz USING helios_btree FAMILY datetime_ops AS
    OPERATOR 1 < (timestamptz, timestamptz),
    OPERATOR 2 <= (timestamptz, timestamptz),
    OPERATOR 3 = (timestamptz, timestamptz),
    OPERATOR 4 >= (timestamptz, timestamptz),
    OPERATOR 5 > (timestamptz, timestamptz),
    FUNCTION 1 (timestamptz, timestamptz) timestamptz_cmp(timestamptz, timestamptz),
    FUNCTION 2 (timestamptz, timestamptz) timestamp_sortsupport(internal);

ALTER OPERATOR FAMILY datetime_ops USING helios_btree ADD
    OPERATOR 1 < (date, timestamp),
    OPERATOR 2 <= (date, timestamp),
    OPERATOR 3 = (date, timestamp),
    OPERATOR 4 >= (date, timestamp),
    OPERATOR 5 > (date, timestamp),
    FUNCTION 1 (date, timestamp) date_cmp_timestamp(date, timestamp),
    OPERATOR 1 < (date, timestamptz),
    OPERATOR 2 <= (date, timestamptz),
    OPERATOR 3 = (date, timestamptz),
    OPERATOR 4 >= (date, timestamptz),
    OPERATOR 5 > (date, timestamptz),
    FUNCTION 1 (date, timestamptz) date_cmp_timestamptz(date, timestamptz),
    OPERATOR 1 < (timestamp, date),
    OPERATOR 2 <= (timestamp, date),
    OPERATOR 3 = (timestamp, date),
    OPERATOR 4 >= (timestamp, date),
    OPERATOR 5 > (timestamp, date),
    FUNCTION 1 (timestamp, date) timestamp_cmp_date(timestamp, date),
    OPERATOR 1 < (timestamp, timestamptz),
    OPERATOR 2 <= (timestamp, timestamptz),
    OPERATOR 3 = (timestamp, timestamptz),
    OPERATOR 4 >= (timestamp, timestamptz),
    OPERATOR 5 > (timestamp, timestamptz),
    FUNCTION 1 (timestamp, timestamptz) timestamp_cmp_timestamptz(timestamp, timestamptz),
    OPERATOR 1 < (timestamptz, date),
    OPERATOR 2 <= (timestamptz, date),
    OPERATOR 3 = (timestamptz, date),
    OPERATOR 4 >= (timestamptz, date),
    OPERATOR 5 > (timestamptz, date),
    FUNCTION 1 (timestamptz, date) timestamptz_cmp_date(timestamptz, date),
    OPERATOR 1 < (timestamptz, timestamp),
    OPERATOR 2 <= (timestamptz, timestamp),
    OPERATOR 3 = (timestamptz, timestamp),
    OPERATOR 4 >= (timestamptz, timestamp),
    OPERATOR 5 > (timestamptz, timestamp),
    FUNCTION 1 (timestamptz, timestamp) timestamptz_cmp_timestamp(timestamptz, timestamp);

-- time
CREATE OPERATOR FAMILY time_ops USING helios_btree;

CREATE OPERATOR CLASS time_ops
    DEFAULT FOR TYPE time USING helios_btree FAMILY time_ops AS
    OPERATOR 1 < (time, time),
    OPERATOR 2 <= (time, time),
    OPERATOR 3 = (time, time),
    OPERATOR 4 >= (time, time),
    OPERATOR 5 > (time, time),
    FUNCTION 1 (time, time) time_cmp(time, time);

-- timetz
CREATE OPERATOR FAMILY timetz_ops USING helios_btree;

CREATE OPERATOR CLASS timetz_ops
    DEFAULT FOR TYPE timetz USING helios_btree FAMILY timetz_ops AS
    OPERATOR 1 < (timetz, timetz),
    OPERATOR 2 <= (timetz, timetz),
    OPERATOR 3 = (timetz, timetz),
    OPERATOR 4 >= (timetz, timetz),
    OPERATOR 5 > (timetz, timetz),
    FUNCTION 1 (timetz, timetz) timetz_cmp(timetz, timetz);

-- interval
CREATE OPERATOR FAMILY interval_ops USING helios_btree;

CREATE OPERATOR CLASS interval_ops
    DEFAULT FOR TYPE interval USING helios_btree FAMILY interval_ops AS
    OPERATOR 1 < (interval, interval),
    OPERATOR 2 <= (interval, interval),
    OPERATOR 3 = (interval, interval),
    OPERATOR 4 >= (interval, interval),
    OPERATOR 5 > (interval, interval),
    FUNCTION 1 (interval, interval) interval_cmp(interval, interval);

-- uuid
CREATE OPERATOR FAMILY uuid_ops USING helios_btree;

CREATE OPERATOR CLASS uuid_ops
    DEFAULT FOR TYPE uuid USING helios_btree FAMILY uuid_ops AS
    OPERATOR 1 < (uuid, uuid),
    OPERATOR 2 <= (uuid, uuid),
    OPERATOR 3 = (uuid, uuid),
    OPERATOR 4 >= (uuid, uuid),
    OPERATOR 5 > (uuid, uuid),
    FUNCTION 1 (uuid, uuid) uuid_cmp(uuid, uuid),
    FUNCTION 2 (uuid, uuid) uuid_sortsupport(internal);

-- bool
CREATE OPERATOR FAMILY bool_ops USING helios_btree;

CREATE OPERATOR CLASS bool_ops
    DEFAULT FOR TYPE bool USING helios_btree FAMILY bool_ops AS
    OPERATOR 1 < (bool, bool),
    OPERATOR 2 <= (bool, bool),
    OPERATOR 3 = (bool, bool),
    OPERATOR 4 >= (bool, bool),
    OPERATOR 5 > (bool, bool),
    FUNCTION 1 (bool, bool) btboolcmp(bool, bool);

-- oid
CREATE OPERATOR FAMILY oid_ops USING helios_btree;

CREATE OPERATOR CLASS oid_ops
    DEFAULT FOR TYPE oid USING helios_btree FAMILY oid_ops AS
    OPERATOR 1 < (oid, oid),
    OPERATOR 2 <= (oid, oid),
    OPERATOR 3 = (oid, oid),
    OPERATOR 4 >= (oid, oid),
    OPERATOR 5 > (oid, oid),
    FUNCTION 1 (oid, oid) btoidcmp(oid, oid),
    FUNCTION 2 (oid, oid) btoidsortsupport(internal);

-- bytea
CREATE OPERATOR FAMILY bytea_ops USING helios_btree;

CREATE OPERATOR CLASS bytea_ops
    DEFAULT FOR TYPE bytea USING helios_btree FAMILY bytea_ops AS
    OPERATOR 1 < (bytea, bytea),
    OPERATOR 2 <= (bytea, bytea),
    OPERATOR 3 = (bytea, bytea),
    OPERATOR 4 >= (bytea, bytea),
    OPERATOR 5 > (bytea, bytea),
    FUNCTION 1 (bytea, bytea) byteacmp(bytea, bytea),
    FUNCTION 2 (bytea, bytea) bytea_sortsupport(internal);

-- text (and varchar) compared character by character, for LIKE prefixes
CREATE OPERATOR FAMILY text_pattern_ops USING helios_btree;

CREATE OPERATOR CLASS text_pattern_ops
    FOR TYPE text USING helios_btree FAMILY text_pattern_ops AS
    OPERATOR 1 ~<~ (text, text),
    OPERATOR 2 ~<=~ (text, text),
    OPERATOR 3 = (text, text),
    OPERATOR 4 ~>=~ (text, text),
    OPERATOR 5 ~>~ (text, text),
    FUNCTION 1 (text, text) bttext_pattern_cmp(text, text),
    FUNCTION 2 (text, text) bttext_pattern_sortsupport(internal);

CREATE OPERATOR CLASS varchar_pattern_ops
    FOR TYPE text USING helios_btree FAMILY text_pattern_ops AS
    STORAGE text;

-- bpchar compared character by character, for LIKE prefixes
CREATE OPERATOR FAMILY bpchar_pattern_ops USING helios_btree;

CREATE OPERATOR CLASS bpchar_pattern_ops
    FOR TYPE bpchar USING helios_btree FAMILY bpchar_pattern_ops AS
    OPERATOR 1 ~<~ (bpchar, bpchar),
    OPERATOR 2 ~<=~ (bpchar, bpchar),
    OPERATOR 3 = (bpchar, bpchar),
    OPERATOR 4 ~>=~ (bpchar, bpchar),
    OPERATOR 5 ~>~ (bpchar, bpchar),
    FUNCTION 1 (bpchar, bpchar) btbpchar_pattern_cmp(bpchar, bpchar),
    FUNCTION 2 (bpchar, bpchar) btbpchar_pattern_sortsupport(internal);
