/*-------------------------------------------------------------------------
 *
 * ddl.h
 *	  Checks of DDL commands against what helios's access methods support,
 *	  run from helios's ProcessUtility hook before PostgreSQL executes the
 *	  command.  One file per kind of command.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_DDL_H
#define HELIOS_DDL_H

#include "nodes/parsenodes.h"

/* reindex.c: refuse REINDEX CONCURRENTLY of helios_btree indexes up front */
extern void helios_ddl_check_reindex(ReindexStmt *stmt);

#endif							/* HELIOS_DDL_H */
