/*-------------------------------------------------------------------------
 *
 * convert.c
 *	  Rebuild a helios_btree index as btree, keeping its name, OID,
 *	  constraint and dependencies.
 *
 * helios_btree's operator classes mirror btree's default ones and carry
 * their names, so an index changes access method by pointing pg_class.relam
 * and pg_index.indclass at btree's classes of the same names (with the
 * pg_depend entries that record them) and being rebuilt by reindex_index.
 * Its constraint (PRIMARY KEY, UNIQUE) and everything that depends on it
 * (foreign keys, partitioned parents) name the index by OID and stay.
 *
 * The caller holds AccessExclusiveLock on the index's table: nobody reads
 * the index between the catalog change and the rebuild, which happen in one
 * command of one transaction.  The backend's own relcache entry is rebuilt
 * from the changed catalogs before the index is (relcache_rebuild_index).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_opclass.h"
#include "commands/defrem.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "ddl/ddl.h"

/* btree's operator class of the same name as opclass */
static Oid
btree_counterpart(Oid opclass, Oid indexoid)
{
	HeapTuple	tup = SearchSysCache1(CLAOID, ObjectIdGetDatum(opclass));
	char	   *name;
	Oid			res;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator class %u", opclass);
	name = pstrdup(NameStr(((Form_pg_opclass) GETSTRUCT(tup))->opcname));
	ReleaseSysCache(tup);
	res = get_opclass_oid(BTREE_AM_OID,
						  list_make2(makeString("pg_catalog"), makeString(name)),
						  true);
	if (!OidIsValid(res))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("index \"%s\" cannot be rebuilt as btree: btree has no operator class \"%s\"",
						get_rel_name(indexoid), name)));
	return res;
}

/*
 * Make the index's relcache entry follow the catalog change.  An
 * invalidation rebuilds an index entry only partly when the index is open
 * or new in this transaction (RelationReloadIndexInfo: pg_class and
 * pg_index flags, not the access method routine or the operator families),
 * since PostgreSQL never changes an index's access method.  So the entry of
 * an index created in this transaction is dropped and built again from the
 * catalogs, keeping the subtransaction ids that mark it new (they decide
 * what an abort removes, and whether its changes skip WAL).
 */
static void
relcache_rebuild_index(Oid indexoid)
{
	Relation	rel = RelationIdGetRelation(indexoid);
	SubTransactionId create = rel->rd_createSubid;
	SubTransactionId newnode = rel->rd_newRelfilenodeSubid;
	SubTransactionId firstnode = rel->rd_firstRelfilenodeSubid;

	Assert(rel->rd_refcnt == 1);
	rel->rd_createSubid = InvalidSubTransactionId;
	rel->rd_newRelfilenodeSubid = InvalidSubTransactionId;
	rel->rd_firstRelfilenodeSubid = InvalidSubTransactionId;
	RelationClose(rel);

	/* not open, not new: the invalidation drops the entry */
	CacheInvalidateRelcacheByRelid(indexoid);
	CommandCounterIncrement();

	rel = RelationIdGetRelation(indexoid);
	rel->rd_createSubid = create;
	rel->rd_newRelfilenodeSubid = newnode;
	rel->rd_firstRelfilenodeSubid = firstnode;
	RelationClose(rel);
}

void
helios_ddl_index_to_btree(Oid indexoid)
{
	Relation	pg_index = table_open(IndexRelationId, RowExclusiveLock);
	Relation	pg_class = table_open(RelationRelationId, RowExclusiveLock);
	HeapTuple	tup;
	HeapTuple	newtup;
	oidvector  *oldclass;
	oidvector  *newclass;
	Datum		values[Natts_pg_index] = {0};
	bool		nulls[Natts_pg_index] = {0};
	bool		replace[Natts_pg_index] = {0};
	bool		isnull;
	ReindexParams params = {0};
	char		persistence;

	tup = SearchSysCacheCopy1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", indexoid);
	oldclass = (oidvector *) DatumGetPointer(SysCacheGetAttr(INDEXRELID, tup,
															 Anum_pg_index_indclass,
															 &isnull));
	Assert(!isnull);
	newclass = buildoidvector(oldclass->values, oldclass->dim1);
	for (int i = 0; i < oldclass->dim1; i++)
	{
		bool		seen = false;

		newclass->values[i] = btree_counterpart(oldclass->values[i], indexoid);
		/* one change per operator class: its pg_depend rows change at once */
		for (int j = 0; j < i; j++)
			seen |= oldclass->values[j] == oldclass->values[i];
		if (!seen)
			changeDependencyFor(RelationRelationId, indexoid,
								OperatorClassRelationId, oldclass->values[i],
								newclass->values[i]);
	}
	values[Anum_pg_index_indclass - 1] = PointerGetDatum(newclass);
	replace[Anum_pg_index_indclass - 1] = true;
	newtup = heap_modify_tuple(tup, RelationGetDescr(pg_index), values, nulls,
							   replace);
	CatalogTupleUpdate(pg_index, &newtup->t_self, newtup);

	tup = SearchSysCacheCopy1(RELOID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", indexoid);
	((Form_pg_class) GETSTRUCT(tup))->relam = BTREE_AM_OID;
	persistence = ((Form_pg_class) GETSTRUCT(tup))->relpersistence;
	CatalogTupleUpdate(pg_class, &tup->t_self, tup);

	table_close(pg_class, RowExclusiveLock);
	table_close(pg_index, RowExclusiveLock);
	relcache_rebuild_index(indexoid);

	/* new storage, built by btree */
	reindex_index(indexoid, false, persistence, &params);
	CommandCounterIncrement();
}
