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
 * command of one transaction.
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
		newclass->values[i] = btree_counterpart(oldclass->values[i], indexoid);
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
	CacheInvalidateRelcacheByRelid(indexoid);
	CommandCounterIncrement();

	/* new storage, built by btree */
	reindex_index(indexoid, false, persistence, &params);
	CommandCounterIncrement();
}
