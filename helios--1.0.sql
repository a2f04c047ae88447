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
