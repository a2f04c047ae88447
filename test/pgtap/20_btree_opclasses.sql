-- helios_btree operator classes: they mirror btree's (catalog comparison),
-- pass amvalidate, and indexes built with them on helios tables answer
-- equality, cross-type and ORDER BY queries with the rows a scan without
-- indexes returns.
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS helios;
BEGIN;
SELECT plan(216);

-- The types under test: how to generate a column of each (from g, about 1 in
-- 23 rows NULL, with duplicates and the type's special values), and the
-- helios_btree opclass an index on such a column gets by default.  ORDER BY
-- results are compared through "canon", which is the same for equal values
-- (equal intervals can print differently, and the order among equal keys is
-- unspecified).
CREATE TEMP TABLE hbt_types (ord int, label text, typ text, gen text, opclass text,
                             canon text DEFAULT 'v', eqconst text);
INSERT INTO hbt_types (ord, label, typ, gen, opclass) VALUES
    (1, 'int2', 'int2', '(g % 97 - 40)::int2', 'int2_ops'),
    (2, 'int4', 'int4', 'g * 37 % 211 - 100', 'int4_ops'),
    (3, 'int8', 'int8', 'g::int8 * 1000003 % 10007 - 5000', 'int8_ops'),
    (4, 'float4', 'float4',
     'CASE g WHEN 1 THEN ''NaN'' WHEN 2 THEN ''-Infinity'' ELSE ((g % 89) / 8.0 - 3)::float4 END',
     'float4_ops'),
    (5, 'float8', 'float8',
     'CASE g WHEN 1 THEN ''NaN'' WHEN 2 THEN ''Infinity'' ELSE ((g * 13 % 101) / 16.0 - 2.5)::float8 END',
     'float8_ops'),
    (6, 'numeric', 'numeric', 'CASE g WHEN 1 THEN ''NaN'' ELSE round((g * 31 % 113) / 7.0 - 5, 3) END',
     'numeric_ops'),
    (7, 'text', 'text', 'md5((g % 150)::text) || repeat(''x'', g % 4)', 'text_ops'),
    (8, 'varchar', 'varchar(20)', '''v'' || (g % 120)', 'text_ops'),
    (9, 'bpchar', 'char(6)', '''c'' || (g % 90)', 'bpchar_ops'),
    (10, 'name', 'name', '''n'' || (g * 7 % 130)', 'name_ops'),
    (11, 'char', '"char"', 'chr(65 + g % 26)', 'char_ops'),
    (12, 'date', 'date', 'date ''2020-01-01'' + g * 11 % 400', 'date_ops'),
    (13, 'time', 'time', 'time ''00:00'' + (g * 97 % 1440) * interval ''1 minute''', 'time_ops'),
    (14, 'timetz', 'timetz',
     '((time ''00:00'' + (g * 97 % 1440) * interval ''1 minute'')::text || ''+0'' || (g % 3))::timetz',
     'timetz_ops'),
    (15, 'timestamp', 'timestamp',
     'CASE g WHEN 1 THEN ''infinity'' ELSE timestamp ''2020-01-01'' + (g * 7919 % 10000) * interval ''1 hour'' END',
     'timestamp_ops'),
    (16, 'timestamptz', 'timestamptz',
     'timestamptz ''2020-01-01 00:00+00'' + (g * 7919 % 10000) * interval ''37 minutes''',
     'timestamptz_ops'),
    -- '1 day' and '24 hours' compare equal
    (17, 'interval', 'interval',
     '(g % 50) * interval ''1 hour'' + CASE WHEN g % 3 = 0 THEN interval ''1 day'' ELSE interval ''24 hours'' END',
     'interval_ops'),
    (18, 'uuid', 'uuid', 'md5((g % 170)::text)::uuid', 'uuid_ops'),
    (19, 'bool', 'bool', 'g % 3 = 0', 'bool_ops'),
    (20, 'oid', 'oid', '(g::int8 * 100000007 % 4294967291)::oid', 'oid_ops'),
    (21, 'bytea', 'bytea', 'substr(decode(md5((g % 140)::text), ''hex''), 1, g % 16 + 1)', 'bytea_ops');
UPDATE hbt_types SET canon = 'extract(epoch FROM v)' WHERE label = 'interval';

-- EXPLAIN (COSTS OFF) of a query with sequential scans off, as one text
CREATE FUNCTION pg_temp.hbt_plan(q text) RETURNS text
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    line text;
    result text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        result := result || line || E'\n';
    END LOOP;
    RETURN result;
END
$$;

-- the rows of a query in the order it returns them, each as text
CREATE FUNCTION pg_temp.hbt_rows(q text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    result text[] := '{}';
BEGIN
    FOR r IN EXECUTE q LOOP
        result := result || r::text;
    END LOOP;
    RETURN result;
END
$$;

CREATE FUNCTION pg_temp.hbt_rows_index(q text) RETURNS text[]
LANGUAGE sql SET enable_seqscan = off
AS $$ SELECT pg_temp.hbt_rows(q) $$;

CREATE FUNCTION pg_temp.hbt_rows_noindex(q text) RETURNS text[]
LANGUAGE sql SET enable_indexscan = off SET enable_indexonlyscan = off SET enable_bitmapscan = off
AS $$ SELECT pg_temp.hbt_rows(q) $$;

-- btree opclasses the helios_btree ones mirror
CREATE TEMP VIEW hbt_mirrored AS
SELECT b.oid, b.opcname, b.opcintype, b.opcdefault, b.opcfamily
FROM pg_opclass b
WHERE b.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'btree')
  AND ((b.opcdefault AND b.opcintype IN (SELECT typ::regtype FROM hbt_types))
       OR b.opcname IN ('text_pattern_ops', 'bpchar_pattern_ops'));

-- each one with its helios_btree counterpart: same input type, and the
-- default one or, for a non-default class, the one of the same name
CREATE TEMP VIEW hbt_pairs AS
SELECT b.opcname, b.opcintype, b.opcfamily AS bfam, h.opcfamily AS hfam
FROM hbt_mirrored b
LEFT JOIN pg_opclass h
  ON h.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'helios_btree')
 AND h.opcintype = b.opcintype AND h.opcdefault = b.opcdefault
 AND (b.opcdefault OR h.opcname = b.opcname);

--
-- Catalog: the same classes and families as btree, with the same members
--
SELECT set_eq(
    $$SELECT c.opcname::text, c.opcintype::regtype::text, c.opcdefault, f.opfname::text
      FROM pg_opclass c JOIN pg_opfamily f ON f.oid = c.opcfamily
      WHERE c.opcmethod = (SELECT oid FROM pg_am WHERE amname = 'helios_btree')$$,
    $$SELECT c.opcname::text, c.opcintype::regtype::text, c.opcdefault, f.opfname::text
      FROM pg_opclass c JOIN pg_opfamily f ON f.oid = c.opcfamily
      WHERE f.oid IN (SELECT opcfamily FROM hbt_mirrored)$$,
    'helios_btree has the opclasses and opfamilies of btree''s mirrored ones');

-- operators, including the family's cross-type ones for this input type
SELECT set_eq(
    format($$SELECT amoplefttype::regtype::text, amoprighttype::regtype::text, amopstrategy,
                    amopopr::regoperator::text, amoppurpose::text
             FROM pg_amop WHERE amopfamily = %s AND %s IN (amoplefttype, amoprighttype)$$,
           coalesce(p.hfam, 0), p.opcintype),
    format($$SELECT amoplefttype::regtype::text, amoprighttype::regtype::text, amopstrategy,
                    amopopr::regoperator::text, amoppurpose::text
             FROM pg_amop WHERE amopfamily = %s AND %s IN (amoplefttype, amoprighttype)$$,
           p.bfam, p.opcintype),
    p.opcname || ': same operators at each strategy as btree')
FROM hbt_pairs p ORDER BY p.opcname;

-- support functions: btree's comparison and sortsupport functions only
SELECT set_eq(
    format($$SELECT amproclefttype::regtype::text, amprocrighttype::regtype::text, amprocnum,
                    amproc::regprocedure::text
             FROM pg_amproc WHERE amprocfamily = %s AND %s IN (amproclefttype, amprocrighttype)$$,
           coalesce(p.hfam, 0), p.opcintype),
    format($$SELECT amproclefttype::regtype::text, amprocrighttype::regtype::text, amprocnum,
                    amproc::regprocedure::text
             FROM pg_amproc WHERE amprocfamily = %s AND %s IN (amproclefttype, amprocrighttype)
               AND amprocnum IN (1, 2)$$,
           p.bfam, p.opcintype),
    p.opcname || ': same support functions 1 and 2 as btree')
FROM hbt_pairs p ORDER BY p.opcname;

SELECT is_empty(
    $$SELECT f.opfname, p.amprocnum, p.amproc::regprocedure
      FROM pg_amproc p JOIN pg_opfamily f ON f.oid = p.amprocfamily
      JOIN pg_am a ON a.oid = f.opfmethod
      WHERE a.amname = 'helios_btree' AND p.amprocnum NOT IN (1, 2)$$,
    'helios_btree families have no support functions but 1 and 2');

SELECT is_empty(
    $$SELECT c.opcname FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
      WHERE a.amname = 'helios_btree' AND NOT amvalidate(c.oid)$$,
    'amvalidate() is true for every helios_btree opclass');

--
-- Indexes: each type's default class, equality, ascending and descending
-- order
--

-- a helios table per type with a helios_btree index on the column, built
-- over the first half of the rows and maintained by the inserts of the
-- second half; the equality constant is the value of row 10
DO $$
DECLARE
    r record;
    lit text;
BEGIN
    FOR r IN SELECT * FROM hbt_types ORDER BY ord LOOP
        EXECUTE format('CREATE TABLE hbt_t_%s (id int, v %s) USING helios', r.label, r.typ);
        EXECUTE format('INSERT INTO hbt_t_%s SELECT g, CASE WHEN g %% 23 = 0 THEN NULL ELSE %s END '
                       'FROM generate_series(1, 150) g', r.label, r.gen);
        EXECUTE format('CREATE INDEX hbt_i_%s ON hbt_t_%s USING helios_btree (v)', r.label, r.label);
        EXECUTE format('INSERT INTO hbt_t_%s SELECT g, CASE WHEN g %% 23 = 0 THEN NULL ELSE %s END '
                       'FROM generate_series(151, 300) g', r.label, r.gen);
        EXECUTE format('ANALYZE hbt_t_%s', r.label);
        EXECUTE format('SELECT quote_literal(v::text) FROM hbt_t_%s WHERE id = 10', r.label) INTO lit;
        UPDATE hbt_types SET eqconst = lit || '::' || r.typ WHERE ord = r.ord;
    END LOOP;
END
$$;
-- "b = false" is folded to "NOT b", which the planner (PostgreSQL 15) matches
-- to btree's own boolean family only; a parameter keeps it an index qual
UPDATE hbt_types SET eqconst = '(SELECT ' || eqconst || ')' WHERE label = 'bool';

-- the index got the type's default helios_btree class
SELECT is((SELECT c.opcname::text
           FROM pg_index i
           JOIN pg_opclass c ON c.oid = i.indclass[0]
           JOIN pg_am a ON a.oid = c.opcmethod
           WHERE i.indexrelid = ('hbt_i_' || t.label)::regclass
             AND a.amname = 'helios_btree' AND c.opcdefault),
          t.opclass, t.label || ': default helios_btree opclass is ' || t.opclass)
FROM hbt_types t ORDER BY t.ord;

SELECT matches(pg_temp.hbt_plan(format('SELECT id, v FROM hbt_t_%s WHERE v = %s ORDER BY id',
                                       label, eqconst)),
               'hbt_i_' || label || '\M', label || ': equality uses the index')
FROM hbt_types ORDER BY ord;

SELECT is(pg_temp.hbt_rows_index(q), pg_temp.hbt_rows_noindex(q),
          label || ': equality returns the rows of a scan without indexes')
FROM (SELECT ord, label, format('SELECT id, v FROM hbt_t_%s WHERE v = %s ORDER BY id', label, eqconst) AS q
      FROM hbt_types) s
ORDER BY ord;

SELECT matches(pg_temp.hbt_plan(format('SELECT v FROM hbt_t_%s ORDER BY v', label)),
               'hbt_i_' || label || '\M', label || ': ORDER BY uses the index')
FROM hbt_types ORDER BY ord;

SELECT is(pg_temp.hbt_rows_index(q), pg_temp.hbt_rows_noindex(q),
          label || ': ORDER BY returns the rows of a scan without indexes')
FROM (SELECT ord, label, format('SELECT %s FROM hbt_t_%s ORDER BY v', canon, label) AS q FROM hbt_types) s
ORDER BY ord;

SELECT matches(pg_temp.hbt_plan(format('SELECT v FROM hbt_t_%s ORDER BY v DESC', label)),
               'hbt_i_' || label || '\M', label || ': ORDER BY DESC uses the index')
FROM hbt_types ORDER BY ord;

SELECT is(pg_temp.hbt_rows_index(q), pg_temp.hbt_rows_noindex(q),
          label || ': ORDER BY DESC returns the rows of a scan without indexes')
FROM (SELECT ord, label, format('SELECT %s FROM hbt_t_%s ORDER BY v DESC', canon, label) AS q FROM hbt_types) s
ORDER BY ord;

--
-- Cross-type members of the families serve as index quals
--
CREATE TEMP TABLE hbt_cross (ord int, label text, qual text);
INSERT INTO hbt_cross VALUES
    (1, 'int2', 'v = 5'),
    (2, 'int2', 'v < 3::int8'),
    (3, 'int4', 'v > 90::int2'),
    (4, 'int8', 'v = 17::int4'),
    (5, 'float4', 'v = 0.5::float8'),
    (6, 'float8', 'v < 1.5::float4'),
    (7, 'date', 'v = timestamp ''2020-01-12'''),
    (8, 'timestamp', 'v >= date ''2020-12-01'''),
    (9, 'timestamptz', 'v < timestamp ''2020-03-01'''),
    (10, 'name', 'v = ''n70''::text'),
    (11, 'text', 'v = md5(''10'')::name');

SELECT matches(pg_temp.hbt_plan(format('SELECT id, v FROM hbt_t_%s WHERE %s ORDER BY id', label, qual)),
               'hbt_i_' || label || '\M', label || ' ' || qual || ': uses the index')
FROM hbt_cross ORDER BY ord;

SELECT is(pg_temp.hbt_rows_index(q), pg_temp.hbt_rows_noindex(q),
          label || ' ' || qual || ': returns the rows of a scan without indexes')
FROM (SELECT ord, label, qual, format('SELECT id, v FROM hbt_t_%s WHERE %s ORDER BY id', label, qual) AS q
      FROM hbt_cross) s
ORDER BY ord;

SELECT * FROM finish();
ROLLBACK;
