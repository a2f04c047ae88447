/*-------------------------------------------------------------------------
 *
 * alter_table.c
 *	  ALTER TABLE commands that must not meet helios_btree indexes.
 *
 * - SET ACCESS METHOD to anything but helios: helios_btree indexes only
 *   index helios tables, so the table's helios_btree indexes are rebuilt
 *   as btree first (the rewrite then rebuilds them on the new table).
 * - ATTACH PARTITION (ALTER TABLE parent ATTACH PARTITION part, ALTER INDEX
 *   parent_index ATTACH PARTITION part_index): a partitioned table's
 *   indexes are btree, and PostgreSQL attaches only partition indexes of
 *   the same access method, or else builds a second index (a second
 *   primary key fails).  A table created on its own with
 *   helios.btree_routing on has helios_btree keys: they are rebuilt as
 *   btree before it becomes a partition, as partitions' keys are.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/tablecmds.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "btree/hbt.h"
#include "ddl/ddl.h"

/* Rebuild every helios_btree index of table relid (locked) as btree. */
static void
table_keys_to_btree(Oid relid, Oid amoid)
{
	Relation	rel = table_open(relid, NoLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	table_close(rel, NoLock);
	foreach(lc, indexes)
		if (hbt_relam(lfirst_oid(lc)) == amoid)
			helios_ddl_index_to_btree(lfirst_oid(lc));
	list_free(indexes);
}

void
helios_ddl_before_alter_table(AlterTableStmt *stmt)
{
	Oid			amoid = hbt_am_oid();
	ListCell   *lc;

	if (!OidIsValid(amoid))
		return;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
		Oid			relid;

		if (cmd->subtype == AT_SetAccessMethod && stmt->objtype == OBJECT_TABLE &&
			cmd->name != NULL && strcmp(cmd->name, "helios") != 0)
		{
			/* the owner check comes before the lock, as PostgreSQL's */
			relid = RangeVarGetRelidExtended(stmt->relation, AccessExclusiveLock,
											 stmt->missing_ok ? RVR_MISSING_OK : 0,
											 RangeVarCallbackOwnsTable, NULL);
			if (OidIsValid(relid))
				table_keys_to_btree(relid, amoid);
		}
		else if (cmd->subtype == AT_AttachPartition &&
				 stmt->objtype == OBJECT_TABLE)
		{
			PartitionCmd *pcmd = (PartitionCmd *) cmd->def;
			Oid			parent;

			/* the parent first, with ATTACH's own lock, then the partition */
			parent = RangeVarGetRelidExtended(stmt->relation, ShareUpdateExclusiveLock,
											  stmt->missing_ok ? RVR_MISSING_OK : 0,
											  RangeVarCallbackOwnsTable, NULL);
			if (!OidIsValid(parent) ||
				get_rel_relkind(parent) != RELKIND_PARTITIONED_TABLE)
				continue;
			relid = RangeVarGetRelidExtended(pcmd->name, AccessExclusiveLock,
											 RVR_MISSING_OK,
											 RangeVarCallbackOwnsTable, NULL);
			if (OidIsValid(relid) && get_rel_relkind(relid) == RELKIND_RELATION)
				table_keys_to_btree(relid, amoid);
		}
		else if (cmd->subtype == AT_AttachPartition &&
				 stmt->objtype == OBJECT_INDEX)
		{
			PartitionCmd *pcmd = (PartitionCmd *) cmd->def;
			Oid			index = RangeVarGetRelid(pcmd->name, NoLock, true);
			Oid			table;

			if (!OidIsValid(index) || hbt_relam(index) != amoid)
				continue;
			table = IndexGetRelation(index, false);
			if (!pg_class_ownercheck(table, GetUserId()))
				continue;		/* PostgreSQL refuses the command */
			LockRelationOid(table, AccessExclusiveLock);
			helios_ddl_index_to_btree(index);
		}
	}
}
