-- helios_btree_verify: who may run it (EXECUTE is not granted to PUBLIC,
-- and only the table's owner may verify its indexes: checked, with the
-- relation's kind, before any lock is taken) and as whom index expressions
-- run (the table's owner, in a security-restricted operation), as amcheck.
SET search_path = public, helios;
CREATE ROLE regress_hv_owner;
CREATE ROLE regress_hv_other;
GRANT USAGE ON SCHEMA helios TO regress_hv_owner, regress_hv_other;
GRANT CREATE ON SCHEMA public TO regress_hv_owner;

-- EXECUTE is not granted to PUBLIC
SELECT has_function_privilege('regress_hv_other', 'helios.helios_btree_verify(regclass, boolean)', 'EXECUTE') AS other_may_run;
SELECT p.proacl IS NOT NULL AS has_acl FROM pg_proc p WHERE p.proname = 'helios_btree_verify';

SET ROLE regress_hv_owner;
CREATE FUNCTION hv_who(i int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF i = 1 THEN
    RAISE NOTICE 'index expression runs as %', current_user;
  END IF;
  RETURN i;
END $$;
CREATE TABLE hv_t (id int, v int) USING helios;
CREATE INDEX hv_t_id ON hv_t USING helios_btree (id);
CREATE INDEX hv_t_expr ON hv_t USING helios_btree (hv_who(v));
INSERT INTO hv_t SELECT g, g FROM generate_series(1, 20) g;
CREATE TABLE hv_heap (id int) USING heap;
CREATE INDEX hv_heap_id ON hv_heap (id);
RESET ROLE;

-- a role without EXECUTE is refused by the function's ACL
SET ROLE regress_hv_other;
SELECT helios_btree_verify('hv_t_id');
RESET ROLE;

-- with EXECUTE, only the owner of the table may verify its indexes
GRANT EXECUTE ON FUNCTION helios_btree_verify(regclass, boolean) TO regress_hv_other, regress_hv_owner;
SET ROLE regress_hv_other;
SELECT helios_btree_verify('hv_t_id');
RESET ROLE;
SET ROLE regress_hv_owner;
SELECT helios_btree_verify('hv_t_id', true);
RESET ROLE;

-- a superuser verifying runs the owner's index expression as the owner
SELECT helios_btree_verify('hv_t_expr', true);
SELECT current_user = 'regress_hv_owner' AS still_owner;

-- wrong kinds of relations
SELECT helios_btree_verify('hv_t');
SELECT helios_btree_verify('hv_heap_id');

DROP TABLE hv_t, hv_heap;
DROP FUNCTION hv_who(int);
REVOKE ALL ON FUNCTION helios_btree_verify(regclass, boolean) FROM regress_hv_other, regress_hv_owner;
REVOKE CREATE ON SCHEMA public FROM regress_hv_owner;
REVOKE USAGE ON SCHEMA helios FROM regress_hv_owner, regress_hv_other;
DROP ROLE regress_hv_owner;
DROP ROLE regress_hv_other;
