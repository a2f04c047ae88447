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
