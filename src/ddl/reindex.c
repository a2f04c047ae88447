/*-------------------------------------------------------------------------
 *
 * reindex.c
 *	  REINDEX ... CONCURRENTLY and helios_btree.
 *
 * helios_btree has no concurrent build yet.  REINDEX CONCURRENTLY creates
 * and commits the new copies of the indexes (the "_ccnew" indexes) before
 * it builds them, so an error raised by the build leaves them behind as
 * invalid indexes that every later write must maintain.  The command is
 * therefore refused before PostgreSQL starts it, whenever it would
 * reindex a helios_btree index: by name, through its table (or a
 * partitioned table's partitions), or in a schema or database.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "btree/hbt.h"
#include "ddl/ddl.h"

static void
refuse(Oid indexoid)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("helios_btree index \"%s\" cannot be reindexed concurrently",
					get_rel_name(indexoid)),
			 errhint("REINDEX it without CONCURRENTLY, which blocks writes to its table meanwhile, and the other indexes one by one.")));
}

/* Refuse if table relid (or a partition of it) has a helios_btree index. */
static void
check_table(Oid relid, Oid amoid)
{
	List	   *rels = find_all_inheritors(relid, NoLock, NULL);
	ListCell   *lc;

	foreach(lc, rels)
	{
		Relation	rel = try_table_open(lfirst_oid(lc), AccessShareLock);
		List	   *indexes;
		ListCell   *ic;

		if (rel == NULL)
			continue;
		indexes = RelationGetIndexList(rel);
		table_close(rel, AccessShareLock);
		foreach(ic, indexes)
			if (hbt_relam(lfirst_oid(ic)) == amoid)
				refuse(lfirst_oid(ic));
		list_free(indexes);
	}
	list_free(rels);
}

/* Refuse if the schema (or, with nspid invalid, the database) has one. */
static void
check_catalog(Oid nspid, Oid amoid)
{
	Relation	pg_class = table_open(RelationRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(pg_class, InvalidOid, false,
										  NULL, 0, NULL);
	HeapTuple	tup;
	Oid			found = InvalidOid;

	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tup);

		/* the oldest one, so that the error does not depend on scan order */
		if (form->relkind == RELKIND_INDEX && form->relam == amoid &&
			(!OidIsValid(nspid) || form->relnamespace == nspid) &&
			(!OidIsValid(found) || form->oid < found))
			found = form->oid;
	}
	systable_endscan(scan);
	table_close(pg_class, AccessShareLock);
	if (OidIsValid(found))
		refuse(found);
}

void
helios_ddl_check_reindex(ReindexStmt *stmt)
{
	bool		concurrently = false;
	Oid			amoid = hbt_am_oid();
	ListCell   *lc;
	Oid			relid;

	foreach(lc, stmt->params)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);

		if (strcmp(opt->defname, "concurrently") == 0)
			concurrently = defGetBoolean(opt);
	}
	if (!concurrently || !OidIsValid(amoid))
		return;

	switch (stmt->kind)
	{
		case REINDEX_OBJECT_INDEX:
			relid = RangeVarGetRelid(stmt->relation, NoLock, true);
			if (OidIsValid(relid) && hbt_relam(relid) == amoid)
				refuse(relid);
			break;
		case REINDEX_OBJECT_TABLE:
			relid = RangeVarGetRelid(stmt->relation, NoLock, true);
			if (OidIsValid(relid))
				check_table(relid, amoid);
			break;
		case REINDEX_OBJECT_SCHEMA:
			check_catalog(get_namespace_oid(stmt->name, false), amoid);
			break;
		case REINDEX_OBJECT_SYSTEM:
		case REINDEX_OBJECT_DATABASE:
			check_catalog(InvalidOid, amoid);
			break;
	}
}
