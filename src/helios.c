/*-------------------------------------------------------------------------
 *
 * helios.c
 *	  Module entry point: GUCs, WAL resource manager registration.
 *
 * Everything that must happen at postmaster start lives here and nothing
 * else; the access methods themselves are in src/table, src/btree, ...
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "btree/hbt_routing.h"
#include "helios.h"
#include "scan/helios_ioscan.h"
#include "wal/helios_xlog.h"

PG_MODULE_MAGIC;

static bool helios_loaded_at_startup = false;

void		_PG_init(void);

void
_PG_init(void)
{
	/*
	 * Loaded by CREATE EXTENSION or LOAD in a backend: register nothing, the
	 * install script reports the missing shared_preload_libraries entry.
	 */
	if (!process_shared_preload_libraries_in_progress)
		return;

	helios_xlog_register();
	hbt_routing_init();
	helios_ioscan_init();
	helios_loaded_at_startup = true;
}

PG_FUNCTION_INFO_V1(helios_preloaded);
Datum
helios_preloaded(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(helios_loaded_at_startup);
}

/*
 * Raise the user-facing error for any helios entry point reached when the
 * library was not preloaded (e.g. a table created before a restart that
 * dropped helios from shared_preload_libraries).
 */
void
helios_check_preloaded(void)
{
	if (!helios_loaded_at_startup)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("helios must be loaded via shared_preload_libraries"),
				 errhint("Add 'helios' to shared_preload_libraries in postgresql.conf and restart the server.")));
}
