-- helios.btree_routing: btree indexes and constraints on helios tables are
-- built as helios_btree; ON CONFLICT, foreign keys and ADD CONSTRAINT ...
-- USING INDEX on helios_btree indexes (docs/btree-routing.md).
SHOW helios.btree_routing;

-- every index of the rt_* tables and its access method, from the catalog
CREATE VIEW rt_index_am AS
  SELECT t.relname AS tab, c.relname AS index, a.amname AS am,
         i.indisunique AS uniq, i.indisprimary AS pk
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_am a ON a.oid = c.relam
  WHERE t.relname LIKE 'rt\_%'
  ORDER BY 1, 2;

-- CREATE INDEX: no USING, USING btree, USING BTREE (HammerDB), unique,
-- expression, multi-column, DESC, INCLUDE, and other access methods
CREATE TABLE rt_ci (id int, v int8, t text) USING helios;
CREATE INDEX rt_ci_plain ON rt_ci (id);
CREATE INDEX rt_ci_using ON rt_ci USING btree (v);
CREATE UNIQUE INDEX rt_ci_upper ON rt_ci USING BTREE (t, id);
CREATE INDEX rt_ci_expr ON rt_ci (lower(t));
CREATE INDEX rt_ci_desc ON rt_ci (v DESC NULLS LAST, id);
CREATE INDEX rt_ci_incl ON rt_ci (id) INCLUDE (t);
CREATE INDEX rt_ci_ff ON rt_ci (id) WITH (fillfactor = 70);
CREATE INDEX rt_ci_hash ON rt_ci USING hash (t);
CREATE INDEX rt_ci_brin ON rt_ci USING brin (id);
-- nbtree's own storage parameter: stays btree
CREATE INDEX rt_ci_dedup ON rt_ci (v) WITH (deduplicate_items = off);
-- CONCURRENTLY stays btree (helios_btree does not build concurrently yet)
CREATE INDEX CONCURRENTLY rt_ci_conc ON rt_ci (id);
CREATE UNIQUE INDEX CONCURRENTLY rt_ci_conc_u ON rt_ci (v);
SELECT * FROM rt_index_am WHERE tab = 'rt_ci';

-- routing off: btree
SET helios.btree_routing = off;
CREATE INDEX rt_ci_off ON rt_ci (id);
RESET helios.btree_routing;
SELECT * FROM rt_index_am WHERE index = 'rt_ci_off';

-- heap tables are left alone
CREATE TABLE rt_heap (id int PRIMARY KEY, v int8 UNIQUE, t text) USING heap;
CREATE INDEX rt_heap_t ON rt_heap (t);
ALTER TABLE rt_heap ADD CONSTRAINT rt_heap_t_key UNIQUE (t, id);
SELECT * FROM rt_index_am WHERE tab = 'rt_heap';

-- CREATE TABLE: column and table constraints, USING helios and the default
-- table access method
CREATE TABLE rt_ct (id int PRIMARY KEY, v int8 UNIQUE, t text,
                    UNIQUE (t, v) INCLUDE (id)) USING helios;
SET default_table_access_method = helios;
CREATE TABLE rt_ct_default (a int, b int8, c text, PRIMARY KEY (a, b),
                            CONSTRAINT rt_ct_default_c UNIQUE (c));
RESET default_table_access_method;
CREATE TABLE rt_ct_heap_default (a int PRIMARY KEY);
SELECT * FROM rt_index_am WHERE tab LIKE 'rt\_ct%';

-- CREATE TABLE ... LIKE ... INCLUDING INDEXES builds the copies as a
-- CREATE INDEX would
CREATE TABLE rt_like (LIKE rt_heap INCLUDING INDEXES) USING helios;
SELECT * FROM rt_index_am WHERE tab = 'rt_like';

-- ALTER TABLE, HammerDB's TPC-C key DDL (bench/tpcc/keys.sql)
CREATE TABLE rt_warehouse (w_id int, w_name text) USING helios;
CREATE TABLE rt_customer (c_id int, c_d_id int, c_w_id int, c_last text,
                          c_first text) USING helios;
INSERT INTO rt_warehouse SELECT g, 'w' || g FROM generate_series(1, 5) g;
INSERT INTO rt_customer SELECT g % 10, g % 3, g % 5, 'last' || g, 'first'
  FROM generate_series(1, 30) g;
ALTER TABLE rt_warehouse ADD CONSTRAINT rt_warehouse_i1 PRIMARY KEY (w_id);
ALTER TABLE rt_customer ADD CONSTRAINT rt_customer_i1 PRIMARY KEY (c_w_id, c_d_id, c_id);
CREATE UNIQUE INDEX rt_customer_i2 ON rt_customer USING BTREE (c_w_id, c_d_id, c_last, c_first, c_id);
-- ADD COLUMN ... PRIMARY KEY / UNIQUE, ADD CONSTRAINT UNIQUE, several at once
CREATE TABLE rt_at (a int) USING helios;
ALTER TABLE rt_at ADD COLUMN id int8 PRIMARY KEY, ADD COLUMN t text UNIQUE;
ALTER TABLE rt_at ADD CONSTRAINT rt_at_a_t UNIQUE (a, t), ADD COLUMN b int,
  ADD CONSTRAINT rt_at_b UNIQUE (b);
SELECT * FROM rt_index_am
  WHERE tab IN ('rt_warehouse', 'rt_customer', 'rt_at');
SELECT attname, attnotnull FROM pg_attribute
  WHERE attrelid = 'rt_warehouse'::regclass AND attnum > 0 ORDER BY attnum;
-- the keys work
INSERT INTO rt_warehouse VALUES (1, 'dup');
SET enable_seqscan = off;
SELECT w_name FROM rt_warehouse WHERE w_id = 3;
SELECT count(*) FROM rt_customer WHERE c_w_id = 1 AND c_d_id = 1;
RESET enable_seqscan;
-- routing off: btree
SET helios.btree_routing = off;
ALTER TABLE rt_at ADD CONSTRAINT rt_at_off UNIQUE (a, b);
RESET helios.btree_routing;
SELECT * FROM rt_index_am WHERE index = 'rt_at_off';

-- a statement kept in a cached plan is routed by the setting at each run
CREATE TABLE rt_fn (id int) USING helios;
CREATE FUNCTION rt_fn_index_am() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  am text;
BEGIN
  CREATE INDEX rt_fn_i ON rt_fn (id);
  SELECT a.amname INTO am FROM pg_class c JOIN pg_am a ON a.oid = c.relam
    WHERE c.relname = 'rt_fn_i';
  DROP INDEX rt_fn_i;
  RETURN am;
END
$$;
SELECT rt_fn_index_am();
SET helios.btree_routing = off;
SELECT rt_fn_index_am();
RESET helios.btree_routing;
SELECT rt_fn_index_am();

-- partitioned tables and their partitions stay btree
CREATE TABLE rt_part (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);
CREATE TABLE rt_part_1 PARTITION OF rt_part FOR VALUES FROM (0) TO (100) USING helios;
CREATE TABLE rt_part_2 PARTITION OF rt_part (UNIQUE (v, id))
  FOR VALUES FROM (100) TO (200) USING helios;
CREATE INDEX rt_part_v ON rt_part (v);
CREATE INDEX rt_part_1_v ON rt_part_1 (v, id);
SELECT * FROM rt_index_am WHERE tab LIKE 'rt\_part%';
INSERT INTO rt_part VALUES (1, 'a'), (150, 'b');
INSERT INTO rt_part VALUES (1, 'x'), (2, 'y') ON CONFLICT (id) DO UPDATE SET v = excluded.v;
SELECT * FROM rt_part ORDER BY id;

-- INSERT ... ON CONFLICT on helios_btree unique indexes
CREATE TABLE rt_oc (id int PRIMARY KEY, u int8 UNIQUE, n int DEFAULT 0, t text)
  USING helios;
SELECT * FROM rt_index_am WHERE tab = 'rt_oc';
INSERT INTO rt_oc VALUES (1, 10, 0, 'a'), (2, 20, 0, 'b');
-- DO NOTHING without a target: conflicts on either key
INSERT INTO rt_oc VALUES (1, 11, 0, 'x'), (3, 20, 0, 'y'), (4, 40, 0, 'd')
  ON CONFLICT DO NOTHING;
-- DO NOTHING with a target
INSERT INTO rt_oc VALUES (2, 22, 0, 'x'), (5, 50, 0, 'e') ON CONFLICT (id) DO NOTHING;
SELECT * FROM rt_oc ORDER BY id;
-- DO UPDATE with a target, with a WHERE, and ON CONSTRAINT
INSERT INTO rt_oc VALUES (1, 10, 0, 'one'), (6, 60, 0, 'f')
  ON CONFLICT (id) DO UPDATE SET n = rt_oc.n + 1, t = excluded.t;
INSERT INTO rt_oc VALUES (7, 20, 0, 'two')
  ON CONFLICT (u) DO UPDATE SET n = rt_oc.n + 10 WHERE rt_oc.t = 'b';
INSERT INTO rt_oc VALUES (8, 20, 0, 'skipped')
  ON CONFLICT (u) DO UPDATE SET n = rt_oc.n + 10 WHERE rt_oc.t = 'zzz';
INSERT INTO rt_oc VALUES (4, 0, 0, 'four')
  ON CONFLICT ON CONSTRAINT rt_oc_pkey DO UPDATE SET t = excluded.t, n = 4
  RETURNING id, u, n, t;
SELECT * FROM rt_oc ORDER BY id;
-- a conflict on a unique index that is not the arbiter is an error
INSERT INTO rt_oc VALUES (1, 50, 0, 'x') ON CONFLICT (id) DO NOTHING;
INSERT INTO rt_oc VALUES (9, 50, 0, 'x') ON CONFLICT (id) DO NOTHING;
-- the same row twice
INSERT INTO rt_oc VALUES (9, 90, 0, 'x'), (9, 91, 0, 'y')
  ON CONFLICT (id) DO UPDATE SET n = 99;
-- the planner infers the helios_btree arbiters
EXPLAIN (COSTS OFF) INSERT INTO rt_oc VALUES (1, 10) ON CONFLICT (id) DO NOTHING;
EXPLAIN (COSTS OFF) INSERT INTO rt_oc VALUES (1, 10) ON CONFLICT DO NOTHING;
-- in a WITH, prepared, in a function, and with routing off
WITH ins AS (
  INSERT INTO rt_oc VALUES (2, 20, 0, 'cte') ON CONFLICT (id)
    DO UPDATE SET t = excluded.t RETURNING id, t)
SELECT * FROM ins;
PREPARE rt_oc_upsert(int, int8, text) AS
  INSERT INTO rt_oc VALUES ($1, $2, 0, $3)
  ON CONFLICT (id) DO UPDATE SET n = rt_oc.n + 1, t = excluded.t;
EXECUTE rt_oc_upsert(10, 100, 'ten');
EXECUTE rt_oc_upsert(10, 100, 'ten again');
EXECUTE rt_oc_upsert(10, 100, 'ten thrice');
DEALLOCATE rt_oc_upsert;
CREATE FUNCTION rt_oc_bump(k int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  r int;
BEGIN
  INSERT INTO rt_oc VALUES (k, k * 10, 0, 'fn') ON CONFLICT (id)
    DO UPDATE SET n = rt_oc.n + 1 RETURNING n INTO r;
  RETURN r;
END
$$;
SELECT rt_oc_bump(11), rt_oc_bump(11), rt_oc_bump(1);
SET helios.btree_routing = off;
INSERT INTO rt_oc VALUES (12, 120, 0, 'off') ON CONFLICT DO NOTHING;
INSERT INTO rt_oc VALUES (12, 120, 0, 'off') ON CONFLICT (u) DO UPDATE SET n = -1;
RESET helios.btree_routing;
SELECT * FROM rt_oc ORDER BY id;
-- helios_btree indexes only helios tables
CREATE TABLE rt_oc_heap (id int, t text) USING heap;
CREATE UNIQUE INDEX rt_oc_heap_id ON rt_oc_heap USING helios_btree (id);

-- foreign keys cannot reference a helios_btree key
CREATE TABLE rt_fk_parent (id int PRIMARY KEY, code text UNIQUE) USING helios;
INSERT INTO rt_fk_parent VALUES (1, 'a'), (2, 'b');
CREATE TABLE rt_fk_child (id int, pid int REFERENCES rt_fk_parent) USING helios;
CREATE TABLE rt_fk_child (id int, pcode text REFERENCES rt_fk_parent (code));
CREATE TABLE rt_fk_child (id int, pid int, code text) USING helios;
ALTER TABLE rt_fk_child ADD CONSTRAINT rt_fk_child_pid FOREIGN KEY (pid)
  REFERENCES rt_fk_parent (id);
ALTER TABLE rt_fk_child ADD COLUMN pid2 int REFERENCES rt_fk_parent;
-- the referenced key built as btree: the foreign key works
SET helios.btree_routing = off;
CREATE TABLE rt_fk_parent_bt (id int PRIMARY KEY) USING helios;
RESET helios.btree_routing;
INSERT INTO rt_fk_parent_bt VALUES (1), (2);
ALTER TABLE rt_fk_child ADD CONSTRAINT rt_fk_child_bt FOREIGN KEY (pid)
  REFERENCES rt_fk_parent_bt;
INSERT INTO rt_fk_child VALUES (1, 1, 'a');
INSERT INTO rt_fk_child VALUES (2, 3, 'a');
-- a foreign key of a helios table to a heap table
CREATE TABLE rt_fk_to_heap (id int PRIMARY KEY, hid int REFERENCES rt_heap) USING helios;
-- a table referencing itself keeps the referenced key btree
CREATE TABLE rt_fk_self (id int PRIMARY KEY, boss int REFERENCES rt_fk_self,
                         code int8 UNIQUE, other int8 UNIQUE,
                         pcode int8 REFERENCES rt_fk_self (code)) USING helios;
CREATE TABLE rt_fk_self2 (id int, boss int) USING helios;
ALTER TABLE rt_fk_self2 ADD PRIMARY KEY (id), ADD FOREIGN KEY (boss) REFERENCES rt_fk_self2;
SELECT * FROM rt_index_am WHERE tab LIKE 'rt\_fk%';
INSERT INTO rt_fk_self VALUES (1, NULL, 10, 100, NULL), (2, 1, 20, 200, 10);
INSERT INTO rt_fk_self VALUES (3, 5, 30, 300, NULL);

-- ALTER TABLE ... ADD CONSTRAINT ... USING INDEX on a helios_btree index
CREATE TABLE rt_ui (id int, v int8, t text) USING helios;
INSERT INTO rt_ui VALUES (1, 10, 'a'), (2, 20, 'b');
CREATE UNIQUE INDEX rt_ui_id ON rt_ui (id);
CREATE UNIQUE INDEX rt_ui_v ON rt_ui (v) INCLUDE (t);
CREATE UNIQUE INDEX rt_ui_t ON rt_ui (t);
CREATE INDEX rt_ui_nonunique ON rt_ui (t, id);
CREATE UNIQUE INDEX rt_ui_partial ON rt_ui (t) WHERE id > 0;
CREATE UNIQUE INDEX rt_ui_desc ON rt_ui (id DESC);
CREATE UNIQUE INDEX CONCURRENTLY rt_ui_bt ON rt_ui (t, v);
ALTER TABLE rt_ui ADD CONSTRAINT rt_ui_pkey PRIMARY KEY USING INDEX rt_ui_id;
ALTER TABLE rt_ui ADD UNIQUE USING INDEX rt_ui_v;
ALTER TABLE rt_ui ADD CONSTRAINT rt_ui_bt_key UNIQUE USING INDEX rt_ui_bt;
SELECT * FROM rt_index_am WHERE tab = 'rt_ui';
SELECT conname, contype, conindid::regclass FROM pg_constraint
  WHERE conrelid = 'rt_ui'::regclass ORDER BY conname;
SELECT attname, attnotnull FROM pg_attribute
  WHERE attrelid = 'rt_ui'::regclass AND attnum > 0 ORDER BY attnum;
INSERT INTO rt_ui VALUES (1, 30, 'c');
INSERT INTO rt_ui VALUES (NULL, 30, 'c');
-- the checks PostgreSQL makes
ALTER TABLE rt_ui ADD CONSTRAINT rt_ui_again UNIQUE USING INDEX rt_ui_pkey;
ALTER TABLE rt_ui ADD UNIQUE USING INDEX rt_ui_nonunique;
ALTER TABLE rt_ui ADD UNIQUE USING INDEX rt_ui_partial;
ALTER TABLE rt_ui ADD UNIQUE USING INDEX rt_ui_desc;
-- what is not supported
ALTER TABLE rt_ui ADD UNIQUE USING INDEX rt_ui_t, ADD COLUMN w int;
SET helios.btree_routing = off;
ALTER TABLE rt_ui ADD UNIQUE USING INDEX rt_ui_t;
RESET helios.btree_routing;
ALTER TABLE rt_ui ADD UNIQUE USING INDEX rt_ui_t;
SELECT * FROM rt_index_am WHERE index = 'rt_ui_t';

-- ALTER COLUMN TYPE rebuilds constraint indexes as btree, with a warning
CREATE TABLE rt_type (id int PRIMARY KEY, v int) USING helios;
CREATE INDEX rt_type_v ON rt_type (v);
ALTER TABLE rt_type ALTER COLUMN id TYPE int8, ALTER COLUMN v TYPE int8;
SELECT * FROM rt_index_am WHERE tab = 'rt_type';

DROP TABLE rt_ci, rt_heap, rt_ct, rt_ct_default, rt_ct_heap_default, rt_like,
  rt_warehouse, rt_customer, rt_at, rt_fn, rt_part, rt_oc, rt_oc_heap,
  rt_fk_child, rt_fk_parent, rt_fk_parent_bt, rt_fk_to_heap, rt_fk_self,
  rt_fk_self2, rt_ui, rt_type;
DROP FUNCTION rt_fn_index_am(), rt_oc_bump(int);
DROP VIEW rt_index_am;
