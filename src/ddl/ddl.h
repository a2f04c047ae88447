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

/*
 * alter_table.c: before ALTER TABLE ... SET ACCESS METHOD (away from
 * helios) and ATTACH PARTITION, rebuild the helios_btree indexes involved
 * as btree
 */
extern void helios_ddl_before_alter_table(AlterTableStmt *stmt);

/* convert.c: rebuild a helios_btree index as btree (table locked) */
extern void helios_ddl_index_to_btree(Oid indexoid);

#endif							/* HELIOS_DDL_H */
