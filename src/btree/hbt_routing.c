/*-------------------------------------------------------------------------
 *
 * hbt_routing.c
 *	  helios.btree_routing: build btree indexes and constraints on helios
 *	  tables as helios_btree, and keep PostgreSQL's btree-only code paths
 *	  working (or failing clearly) on helios_btree indexes.
 *
 * PostgreSQL builds PRIMARY KEY and UNIQUE constraints with btree and
 * hard-wires btree in a few places.  This file holds both halves:
 *
 * Routing (utility hook, only while helios.btree_routing is on):
 *	- CREATE INDEX without USING or with USING btree on a helios table is
 *	  built USING helios_btree.  CREATE INDEX CONCURRENTLY stays btree.
 *	- PRIMARY KEY and UNIQUE constraints of CREATE TABLE reach us as the
 *	  IndexStmts that ProcessUtilitySlow executes as sub-commands once the
 *	  table exists, so they take the path above.
 *	- ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY/UNIQUE and ADD COLUMN
 *	  ... PRIMARY KEY/UNIQUE are transformed inside AlterTable, never as
 *	  separate statements; for them we set Constraint->access_method on a
 *	  copy of the statement, which transformIndexConstraint honours.
 *	- Partitioned tables and partitions are left alone: a partitioned
 *	  unique index must be btree, and partitions inherit their parent's.
 *
 * Hard-wired btree paths (always, whatever the setting):
 *	- INSERT ... ON CONFLICT: see hbt_open_speculative_indexes.
 *	- ADD CONSTRAINT ... USING INDEX: see hbt_using_index.
 *	- Foreign keys: see hbt_check_foreign_key.
 *	- ALTER COLUMN TYPE rebuilds constraint indexes as btree: we warn.
 *
 * Every statement we change is a copy: a utility statement may belong to a
 * cached plan and be executed again, under another setting.
 *
 * See docs/btree-routing.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/amapi.h"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/heap.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/tablecmds.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_coerce.h"
#include "parser/parse_node.h"
#include "parser/parse_type.h"
#include "parser/parse_utilcmd.h"
#include "tcop/utility.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "btree/hbt.h"
#include "ddl/ddl.h"
#include "btree/hbt_routing.h"
#include "helios.h"

bool		hbt_routing_enabled = true;

static ProcessUtility_hook_type prev_ProcessUtility = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;

/*
 * While a CREATE TABLE whose foreign keys reference the table itself runs,
 * the table's name and the keys those foreign keys reference (a list of
 * pk_attrs lists; NIL stands for the primary key).  Those keys stay btree,
 * so that the foreign keys can be built.
 */
static RangeVar *hbt_selfref_relation = NULL;
static List *hbt_selfref_keys = NIL;


/* ----------------------------------------------------------------
 *		catalog helpers
 * ----------------------------------------------------------------
 */

/*
 * Is relid a table routing applies to: an ordinary table (neither
 * partitioned nor a partition) using the helios table access method?
 */
static bool
hbt_table_routable(Oid relid)
{
	Oid			heliosam;
	HeapTuple	tup;
	Form_pg_class form;
	bool		result;

	if (!OidIsValid(relid))
		return false;
	heliosam = get_table_am_oid(HELIOS_TABLE_AM_NAME, true);
	if (!OidIsValid(heliosam))
		return false;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return false;
	form = (Form_pg_class) GETSTRUCT(tup);
	result = (form->relkind == RELKIND_RELATION &&
			  !form->relispartition &&
			  form->relam == heliosam);
	ReleaseSysCache(tup);

	return result;
}

/* Does relid have an index of access method amoid?  Catalog only, no lock. */
static bool
hbt_has_index_of_am(Oid relid, Oid amoid)
{
	Relation	indrel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	bool		found = false;

	indrel = table_open(IndexRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_index_indrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(indrel, IndexIndrelidIndexId, true, NULL,
							  1, &key);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index ind = (Form_pg_index) GETSTRUCT(tup);

		found = (hbt_relam(ind->indexrelid) == amoid);
	}
	systable_endscan(scan);
	table_close(indrel, AccessShareLock);

	return found;
}

/*
 * Are two RangeVars possibly the same table?  Names are compared as
 * written; a missing schema matches any schema.  Used only to keep keys
 * btree, so a false match costs nothing but the routing of that key.
 */
static bool
hbt_rangevar_may_equal(const RangeVar *a, const RangeVar *b)
{
	if (strcmp(a->relname, b->relname) != 0)
		return false;
	if (a->schemaname == NULL || b->schemaname == NULL)
		return true;
	return strcmp(a->schemaname, b->schemaname) == 0;
}

/*
 * Is a key (primary or not, with the given column names) one of "refs", the
 * keys some foreign key references (see hbt_selfref_keys)?
 */
static bool
hbt_key_referenced(List *refs, bool primary, List *keynames)
{
	ListCell   *lc;

	foreach(lc, refs)
	{
		List	   *pkattrs = (List *) lfirst(lc);
		ListCell   *lc2;
		bool		all = true;

		if (pkattrs == NIL)
		{
			if (primary)
				return true;
			continue;
		}
		if (list_length(pkattrs) != list_length(keynames))
			continue;
		foreach(lc2, pkattrs)
		{
			ListCell   *lc3;
			bool		found = false;

			foreach(lc3, keynames)
			{
				if (strcmp(strVal(lfirst(lc2)), strVal(lfirst(lc3))) == 0)
				{
					found = true;
					break;
				}
			}
			if (!found)
			{
				all = false;
				break;
			}
		}
		if (all)
			return true;
	}
	return false;
}


/* ----------------------------------------------------------------
 *		can helios_btree build this definition?
 * ----------------------------------------------------------------
 */

/*
 * A key column of type typid, with the operator class named "opclass" (NIL
 * for the type's default): does helios_btree have that operator class?
 */
static bool
hbt_key_routable(Oid amoid, Oid typid, List *opclass)
{
	if (!OidIsValid(typid))
		return false;
	if (opclass != NIL)
	{
		Oid			opcid = get_opclass_oid(amoid, opclass, true);

		return OidIsValid(opcid) &&
			IsBinaryCoercible(typid, get_opclass_input_type(opcid));
	}
	return OidIsValid(GetDefaultOpClass(typid, amoid));
}

/*
 * Does helios_btree support what the definition asks for?  Storage
 * parameters other than fillfactor (deduplicate_items) are nbtree's, so a
 * definition that sets them stays btree.
 */
static bool
hbt_shape_routable(Oid amoid, bool unique, int nkeys, bool has_include,
				   bool has_ordering, List *options)
{
	IndexAmRoutine *amroutine;
	ListCell   *lc;
	bool		result;

	foreach(lc, options)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		if (def->defnamespace != NULL ||
			strcmp(def->defname, "fillfactor") != 0)
			return false;
	}

	amroutine = GetIndexAmRoutineByAmId(amoid, true);
	if (amroutine == NULL)
		return false;
	result = !((unique && !amroutine->amcanunique) ||
			   (nkeys > 1 && !amroutine->amcanmulticol) ||
			   (has_include && !amroutine->amcaninclude) ||
			   (has_ordering && !amroutine->amcanorder));
	pfree(amroutine);

	return result;
}

/* the type a ColumnDef declares, serial types mapped as PostgreSQL does */
static Oid
hbt_columndef_type(ColumnDef *def)
{
	TypeName   *tn = def->typeName;

	if (tn == NULL)
		return InvalidOid;
	if (list_length(tn->names) == 1 && !tn->pct_type)
	{
		char	   *typname = strVal(linitial(tn->names));

		if (strcmp(typname, "smallserial") == 0 ||
			strcmp(typname, "serial2") == 0)
			return INT2OID;
		if (strcmp(typname, "serial") == 0 ||
			strcmp(typname, "serial4") == 0)
			return INT4OID;
		if (strcmp(typname, "bigserial") == 0 ||
			strcmp(typname, "serial8") == 0)
			return INT8OID;
	}
	return LookupTypeNameOid(NULL, tn, true);
}

/*
 * The type of column "colname" of the table an ALTER TABLE alters: one the
 * statement adds (addcols, ColumnDefs), else an existing one.
 */
static Oid
hbt_column_type(Oid relid, List *addcols, const char *colname)
{
	ListCell   *lc;
	AttrNumber	attnum;

	foreach(lc, addcols)
	{
		ColumnDef  *def = lfirst_node(ColumnDef, lc);

		if (strcmp(def->colname, colname) == 0)
			return hbt_columndef_type(def);
	}
	attnum = get_attnum(relid, colname);
	if (attnum == InvalidAttrNumber)
		return InvalidOid;
	return get_atttype(relid, attnum);
}


/* ----------------------------------------------------------------
 *		CREATE INDEX, and the constraints of CREATE TABLE
 * ----------------------------------------------------------------
 */

/*
 * Returns a copy of stmt that builds helios_btree, or NULL to run stmt as
 * it is.
 */
static IndexStmt *
hbt_route_index_stmt(IndexStmt *stmt, const char *queryString)
{
	Oid			amoid;
	Oid			relid;
	IndexStmt  *analysed;
	IndexStmt  *result;
	List	   *keynames = NIL;
	bool		plain_keys = true;
	bool		has_ordering = false;
	ListCell   *lc;

	if (!hbt_routing_enabled || stmt->concurrent ||
		OidIsValid(stmt->indexOid) ||
		stmt->accessMethod == NULL ||
		strcmp(stmt->accessMethod, DEFAULT_INDEX_TYPE) != 0)
		return NULL;
	amoid = hbt_am_oid();
	if (!OidIsValid(amoid))
		return NULL;

	/* a look without a lock first: most statements are on other tables */
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!hbt_table_routable(relid))
		return NULL;

	/*
	 * Take the lock and make the ownership check that ProcessUtilitySlow
	 * makes next for CREATE INDEX (not CONCURRENTLY), so that we analyse the
	 * definition as DefineIndex will see it.
	 */
	relid = RangeVarGetRelidExtended(stmt->relation, ShareLock, 0,
									 RangeVarCallbackOwnsRelation, NULL);
	if (!hbt_table_routable(relid))
		return NULL;

	/* transformIndexStmt works on a copy; we only read its result */
	analysed = transformIndexStmt(relid, stmt, queryString);
	foreach(lc, analysed->indexParams)
	{
		IndexElem  *elem = lfirst_node(IndexElem, lc);
		Oid			typid;

		if (elem->name != NULL)
		{
			AttrNumber	attnum = get_attnum(relid, elem->name);

			if (attnum == InvalidAttrNumber)
				return NULL;	/* DefineIndex reports it */
			typid = get_atttype(relid, attnum);
			keynames = lappend(keynames, makeString(elem->name));
		}
		else
		{
			typid = exprType(elem->expr);
			plain_keys = false;
		}
		if (!hbt_key_routable(amoid, typid, elem->opclass))
			return NULL;
		if (elem->ordering != SORTBY_DEFAULT ||
			elem->nulls_ordering != SORTBY_NULLS_DEFAULT)
			has_ordering = true;
	}
	if (!hbt_shape_routable(amoid, stmt->unique,
							list_length(stmt->indexParams),
							stmt->indexIncludingParams != NIL,
							has_ordering, stmt->options))
		return NULL;

	/* a key that a foreign key of the CREATE TABLE under way references */
	if (stmt->isconstraint && plain_keys &&
		hbt_selfref_relation != NULL &&
		hbt_rangevar_may_equal(stmt->relation, hbt_selfref_relation) &&
		hbt_key_referenced(hbt_selfref_keys, stmt->primary, keynames))
		return NULL;

	result = copyObject(stmt);
	result->accessMethod = pstrdup(HBT_AM_NAME);
	return result;
}

/*
 * The keys that foreign keys of a CREATE TABLE reference on the table being
 * created (see hbt_selfref_keys), or NIL.
 */
static List *
hbt_create_selfref_keys(CreateStmt *stmt)
{
	List	   *refs = NIL;
	ListCell   *lc;

	foreach(lc, stmt->tableElts)
	{
		Node	   *elt = (Node *) lfirst(lc);
		List	   *cons = NIL;
		ListCell   *lc2;

		if (IsA(elt, ColumnDef))
			cons = ((ColumnDef *) elt)->constraints;
		else if (IsA(elt, Constraint))
			cons = list_make1(elt);

		foreach(lc2, cons)
		{
			Constraint *con = lfirst_node(Constraint, lc2);

			if (con->contype == CONSTR_FOREIGN && con->pktable != NULL &&
				hbt_rangevar_may_equal(con->pktable, stmt->relation))
				refs = lappend(refs, con->pk_attrs);
		}
	}
	return refs;
}


/* ----------------------------------------------------------------
 *		ALTER TABLE ... ADD CONSTRAINT / ADD COLUMN
 * ----------------------------------------------------------------
 */

static bool
hbt_is_key_constraint(Constraint *con)
{
	return (con->contype == CONSTR_PRIMARY || con->contype == CONSTR_UNIQUE) &&
		con->access_method == NULL && con->indexname == NULL;
}

/*
 * Returns a copy of stmt whose PRIMARY KEY and UNIQUE constraints build
 * helios_btree, or NULL if none does.  relid is a routable table.
 */
static AlterTableStmt *
hbt_route_alter_table(AlterTableStmt *stmt, Oid relid, Oid amoid)
{
	AlterTableStmt *result = copyObject(stmt);
	List	   *addcols = NIL;
	List	   *refs = NIL;
	bool		changed = false;
	ListCell   *lc;

	/* columns the statement adds; keys it must leave btree for its FKs */
	foreach(lc, result->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype == AT_AddColumn && IsA(cmd->def, ColumnDef))
		{
			ColumnDef  *def = (ColumnDef *) cmd->def;
			ListCell   *lc2;

			addcols = lappend(addcols, def);
			foreach(lc2, def->constraints)
			{
				Constraint *con = lfirst_node(Constraint, lc2);

				if (con->contype == CONSTR_FOREIGN && con->pktable != NULL &&
					RangeVarGetRelid(con->pktable, NoLock, true) == relid)
					refs = lappend(refs, con->pk_attrs);
			}
		}
		else if (cmd->subtype == AT_AddConstraint && IsA(cmd->def, Constraint))
		{
			Constraint *con = (Constraint *) cmd->def;

			if (con->contype == CONSTR_FOREIGN && con->pktable != NULL &&
				RangeVarGetRelid(con->pktable, NoLock, true) == relid)
				refs = lappend(refs, con->pk_attrs);
		}
	}

	foreach(lc, result->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype == AT_AddConstraint && IsA(cmd->def, Constraint))
		{
			Constraint *con = (Constraint *) cmd->def;
			ListCell   *lc2;
			bool		ok = true;

			if (!hbt_is_key_constraint(con) ||
				hbt_key_referenced(refs, con->contype == CONSTR_PRIMARY,
								   con->keys))
				continue;
			foreach(lc2, con->keys)
			{
				Oid			typid = hbt_column_type(relid, addcols,
													strVal(lfirst(lc2)));

				if (!hbt_key_routable(amoid, typid, NIL))
				{
					ok = false;
					break;
				}
			}
			if (ok && hbt_shape_routable(amoid, true, list_length(con->keys),
										 con->including != NIL, false,
										 con->options))
			{
				con->access_method = pstrdup(HBT_AM_NAME);
				changed = true;
			}
		}
		else if (cmd->subtype == AT_AddColumn && IsA(cmd->def, ColumnDef))
		{
			ColumnDef  *def = (ColumnDef *) cmd->def;
			ListCell   *lc2;

			foreach(lc2, def->constraints)
			{
				Constraint *con = lfirst_node(Constraint, lc2);

				if (!hbt_is_key_constraint(con) ||
					hbt_key_referenced(refs, con->contype == CONSTR_PRIMARY,
									   list_make1(makeString(def->colname))))
					continue;
				if (hbt_key_routable(amoid, hbt_columndef_type(def), NIL) &&
					hbt_shape_routable(amoid, true, 1, false, false,
									   con->options))
				{
					con->access_method = pstrdup(HBT_AM_NAME);
					changed = true;
				}
			}
		}
	}

	return changed ? result : NULL;
}


/* ----------------------------------------------------------------
 *		ALTER TABLE ... ADD CONSTRAINT ... USING INDEX
 * ----------------------------------------------------------------
 */

/*
 * transformIndexConstraint refuses an index whose access method is not
 * btree ("index ... is not a btree"), so that a constraint made from an
 * existing index is exactly what plain ADD CONSTRAINT would have built (a
 * dump reloads it as plain ADD CONSTRAINT).  On a routed table plain ADD
 * CONSTRAINT builds helios_btree, so the same rule accepts a helios_btree
 * index there.  Presenting the index as btree to transformIndexConstraint
 * is not an option: its default-operator-class check would then compare
 * the index's helios_btree classes with btree's and fail.
 *
 * So, for an ALTER TABLE whose only subcommand is ADD CONSTRAINT ... USING
 * INDEX on a helios_btree index of a routed table, we do that transform
 * ourselves, with the same checks and messages as transformIndexConstraint
 * (helios_btree in place of btree), and hand PostgreSQL the result: the
 * AT_AddIndexConstraint subcommand (executed by ATExecAddIndexConstraint,
 * which does all the catalog work) and, for a primary key, the SET NOT
 * NULL subcommands, exactly as ATParseTransformCmd would have scheduled
 * them.  The table is locked first with the lock ALTER TABLE takes.
 *
 * Returns the transformed statement, or NULL to let PostgreSQL run stmt as
 * it is (the table or the index is not what it was a moment ago).
 */
static AlterTableStmt *
hbt_using_index(AlterTableStmt *stmt, Constraint *con, Oid amoid,
				const char *queryString)
{
	ParseState *pstate;
	Oid			relid;
	Relation	rel;
	Oid			index_oid;
	Relation	index_rel;
	Form_pg_index index_form;
	char	   *index_name = con->indexname;
	Datum		indclassDatum;
	oidvector  *indclass;
	bool		isnull;
	List	   *keys = NIL;
	List	   *including = NIL;
	List	   *params = NIL;
	List	   *inclparams = NIL;
	List	   *cmds = NIL;
	IndexStmt  *index;
	AlterTableCmd *newcmd;
	AlterTableStmt *result;
	ListCell   *lc;
	int			i;

	relid = AlterTableLookupRelation(stmt, AlterTableGetLockLevel(stmt->cmds));
	if (!OidIsValid(relid))
		return NULL;
	rel = relation_open(relid, NoLock);

	index_oid = get_relname_relid(index_name, RelationGetNamespace(rel));
	if (!OidIsValid(index_oid) || !hbt_table_routable(relid) ||
		hbt_relam(index_oid) != amoid)
	{
		relation_close(rel, NoLock);
		return NULL;
	}

	pstate = make_parsestate(NULL);
	pstate->p_sourcetext = queryString;

	index_rel = index_open(index_oid, AccessShareLock);
	index_form = index_rel->rd_index;

	if (OidIsValid(get_index_constraint(index_oid)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("index \"%s\" is already associated with a constraint",
						index_name),
				 parser_errposition(pstate, con->location)));
	if (index_form->indrelid != relid)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("index \"%s\" does not belong to table \"%s\"",
						index_name, RelationGetRelationName(rel)),
				 parser_errposition(pstate, con->location)));
	if (!index_form->indisvalid)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("index \"%s\" is not valid", index_name),
				 parser_errposition(pstate, con->location)));
	if (!index_form->indisunique)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a unique index", index_name),
				 errdetail("Cannot create a primary key or unique constraint using such an index."),
				 parser_errposition(pstate, con->location)));
	if (RelationGetIndexExpressions(index_rel) != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("index \"%s\" contains expressions", index_name),
				 errdetail("Cannot create a primary key or unique constraint using such an index."),
				 parser_errposition(pstate, con->location)));
	if (RelationGetIndexPredicate(index_rel) != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a partial index", index_name),
				 errdetail("Cannot create a primary key or unique constraint using such an index."),
				 parser_errposition(pstate, con->location)));
	if (!index_form->indimmediate && !con->deferrable)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a deferrable index", index_name),
				 errdetail("Cannot create a non-deferrable constraint using a deferrable index."),
				 parser_errposition(pstate, con->location)));

	/* default operator class, collation and sort options, as for btree */
	indclassDatum = SysCacheGetAttr(INDEXRELID, index_rel->rd_indextuple,
									Anum_pg_index_indclass, &isnull);
	Assert(!isnull);
	indclass = (oidvector *) DatumGetPointer(indclassDatum);

	for (i = 0; i < index_form->indnatts; i++)
	{
		int16		attnum = index_form->indkey.values[i];
		const FormData_pg_attribute *attform;
		char	   *attname;

		if (attnum > 0)
			attform = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
		else
			attform = SystemAttributeDefinition(attnum);
		attname = pstrdup(NameStr(attform->attname));

		if (i < index_form->indnkeyatts)
		{
			Datum		attoptions = get_attoptions(index_oid, i + 1);
			Oid			defopclass;

			defopclass = GetDefaultOpClass(attform->atttypid, amoid);

			if (indclass->values[i] != defopclass ||
				attform->attcollation != index_rel->rd_indcollation[i] ||
				attoptions != (Datum) 0 ||
				index_rel->rd_indoption[i] != 0)
				ereport(ERROR,
						(errcode(ERRCODE_WRONG_OBJECT_TYPE),
						 errmsg("index \"%s\" column number %d does not have default sorting behavior", index_name, i + 1),
						 errdetail("Cannot create a primary key or unique constraint using such an index."),
						 parser_errposition(pstate, con->location)));
			keys = lappend(keys, makeString(attname));
		}
		else
			including = lappend(including, makeString(attname));
	}
	index_close(index_rel, NoLock);

	/* the key columns; for a primary key, SET NOT NULL on each */
	foreach(lc, keys)
	{
		char	   *key = strVal(lfirst(lc));
		IndexElem  *iparam;
		ListCell   *lc2;

		foreach(lc2, params)
		{
			if (strcmp(key, lfirst_node(IndexElem, lc2)->name) == 0)
			{
				if (con->contype == CONSTR_PRIMARY)
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_COLUMN),
							 errmsg("column \"%s\" appears twice in primary key constraint",
									key),
							 parser_errposition(pstate, con->location)));
				else
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_COLUMN),
							 errmsg("column \"%s\" appears twice in unique constraint",
									key),
							 parser_errposition(pstate, con->location)));
			}
		}

		iparam = makeNode(IndexElem);
		iparam->name = pstrdup(key);
		iparam->ordering = SORTBY_DEFAULT;
		iparam->nulls_ordering = SORTBY_NULLS_DEFAULT;
		params = lappend(params, iparam);

		if (con->contype == CONSTR_PRIMARY)
		{
			AlterTableCmd *notnullcmd = makeNode(AlterTableCmd);

			notnullcmd->subtype = AT_SetNotNull;
			notnullcmd->name = pstrdup(key);
			cmds = lappend(cmds, notnullcmd);
		}
	}
	foreach(lc, including)
	{
		IndexElem  *iparam = makeNode(IndexElem);

		iparam->name = pstrdup(strVal(lfirst(lc)));
		iparam->ordering = SORTBY_DEFAULT;
		iparam->nulls_ordering = SORTBY_NULLS_DEFAULT;
		inclparams = lappend(inclparams, iparam);
	}

	/* the IndexStmt transformIndexConstraint would have made */
	index = makeNode(IndexStmt);
	index->idxname = con->conname ? pstrdup(con->conname) : NULL;
	index->relation = copyObject(stmt->relation);
	index->accessMethod = pstrdup(HBT_AM_NAME);
	index->tableSpace = con->indexspace;
	index->indexParams = params;
	index->indexIncludingParams = inclparams;
	index->options = copyObject(con->options);
	index->whereClause = copyObject(con->where_clause);
	index->excludeOpNames = NIL;
	index->idxcomment = NULL;
	index->indexOid = index_oid;
	index->oldNode = InvalidOid;
	index->oldCreateSubid = InvalidSubTransactionId;
	index->oldFirstRelfilenodeSubid = InvalidSubTransactionId;
	index->unique = true;
	index->nulls_not_distinct = con->nulls_not_distinct;
	index->primary = (con->contype == CONSTR_PRIMARY);
	index->isconstraint = true;
	index->deferrable = con->deferrable;
	index->initdeferred = con->initdeferred;
	index->transformed = false;
	index->concurrent = false;
	index->if_not_exists = false;
	index->reset_default_tblspc = con->reset_default_tblspc;
	index = transformIndexStmt(relid, index, queryString);

	newcmd = makeNode(AlterTableCmd);
	newcmd->subtype = AT_AddIndexConstraint;
	newcmd->def = (Node *) index;
	cmds = lappend(cmds, newcmd);

	relation_close(rel, NoLock);
	free_parsestate(pstate);

	result = makeNode(AlterTableStmt);
	result->relation = copyObject(stmt->relation);
	result->cmds = cmds;
	result->objtype = stmt->objtype;
	result->missing_ok = stmt->missing_ok;
	return result;
}


/* ----------------------------------------------------------------
 *		foreign keys
 * ----------------------------------------------------------------
 */

/*
 * The index ATAddForeignKeyConstraint would pick on pkrel for a foreign key
 * referencing pk_attrs (NIL: the primary key), following
 * transformFkeyGetPrimaryKey and transformFkeyCheckAttrs; InvalidOid where
 * those raise an error of their own.
 */
static Oid
hbt_fk_referenced_index(Relation pkrel, List *pk_attrs)
{
	int16		attnums[INDEX_MAX_KEYS];
	int			natts = 0;
	List	   *indexoids;
	ListCell   *lc;
	Oid			result = InvalidOid;
	int			i,
				j;

	foreach(lc, pk_attrs)
	{
		AttrNumber	attnum;

		if (natts >= INDEX_MAX_KEYS)
			return InvalidOid;
		attnum = get_attnum(RelationGetRelid(pkrel), strVal(lfirst(lc)));
		if (attnum == InvalidAttrNumber)
			return InvalidOid;
		for (i = 0; i < natts; i++)
			if (attnums[i] == attnum)
				return InvalidOid;
		attnums[natts++] = attnum;
	}

	indexoids = RelationGetIndexList(pkrel);
	foreach(lc, indexoids)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tup;
		Form_pg_index ind;
		bool		match = false;

		tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for index %u", indexoid);
		ind = (Form_pg_index) GETSTRUCT(tup);

		if (pk_attrs == NIL)
		{
			if (ind->indisprimary && ind->indisvalid)
			{
				/* the first primary key decides, deferrable or not */
				if (ind->indimmediate)
					result = indexoid;
				ReleaseSysCache(tup);
				break;
			}
		}
		else if (ind->indnkeyatts == natts &&
				 ind->indisunique &&
				 ind->indisvalid &&
				 ind->indimmediate &&
				 heap_attisnull(tup, Anum_pg_index_indpred, NULL) &&
				 heap_attisnull(tup, Anum_pg_index_indexprs, NULL))
		{
			match = true;
			for (i = 0; i < natts && match; i++)
			{
				match = false;
				for (j = 0; j < natts; j++)
				{
					if (attnums[i] == ind->indkey.values[j])
					{
						match = true;
						break;
					}
				}
			}
		}
		ReleaseSysCache(tup);
		if (match)
		{
			result = indexoid;
			break;
		}
	}
	list_free(indexoids);

	return result;
}

/*
 * ATAddForeignKeyConstraint takes the equality operators of a foreign key
 * from the operator classes of the referenced key's index, and accepts only
 * btree classes: for any other access method it raises an internal error
 * ("only b-tree indexes are supported for foreign keys").  The operator
 * class's access method comes from the pg_opclass syscache, and the
 * foreign key is built by static functions of tablecmds.c, so there is no
 * clean way to let a helios_btree key through: presenting catalog entries
 * differently would be visible to everything the command runs (validation
 * queries, triggers), and rebuilding the constraint ourselves would mean
 * copying several hundred lines of tablecmds.c.
 *
 * So we raise a clear error first.  The referencing table and then the
 * referenced one are locked with the modes ALTER TABLE and
 * ATAddForeignKeyConstraint use, in that order, but only after a look
 * without locks has found a helios_btree index on the referenced table.
 */
static void
hbt_check_foreign_key(AlterTableStmt *stmt, Constraint *fk, Oid amoid)
{
	Oid			pkrelid;
	Relation	pkrel;
	Oid			indexoid;
	LOCKMODE	lockmode;

	if (fk->pktable == NULL)
		return;
	pkrelid = RangeVarGetRelid(fk->pktable, NoLock, true);
	if (!OidIsValid(pkrelid) || !hbt_has_index_of_am(pkrelid, amoid))
		return;

	lockmode = AlterTableGetLockLevel(stmt->cmds);
	if (!OidIsValid(AlterTableLookupRelation(stmt, lockmode)))
		return;
	pkrelid = RangeVarGetRelid(fk->pktable, ShareRowExclusiveLock, true);
	if (!OidIsValid(pkrelid))
		return;

	pkrel = relation_open(pkrelid, NoLock);
	if (pkrel->rd_rel->relkind != RELKIND_RELATION &&
		pkrel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
	{
		relation_close(pkrel, NoLock);
		return;
	}

	indexoid = hbt_fk_referenced_index(pkrel, fk->pk_attrs);
	if (OidIsValid(indexoid) && hbt_relam(indexoid) == amoid)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("foreign key cannot reference table \"%s\" through helios_btree index \"%s\"",
						RelationGetRelationName(pkrel),
						get_rel_name(indexoid)),
				 errdetail("PostgreSQL builds foreign keys only on btree unique indexes."),
				 errhint("Rebuild the referenced key as a btree index: drop it and add it again with helios.btree_routing set to off.")));

	relation_close(pkrel, NoLock);
}


/* ----------------------------------------------------------------
 *		ALTER COLUMN TYPE
 * ----------------------------------------------------------------
 */

/*
 * ALTER COLUMN TYPE rebuilds the constraints on the changed columns from
 * their definition text (pg_get_constraintdef), which carries no access
 * method, and transforms it internally, out of our reach: a helios_btree
 * PRIMARY KEY or UNIQUE constraint comes back as btree.  We cannot route
 * that, so we say so.  This returns the names of relid's constraints whose
 * index is helios_btree, to be checked after the command.
 */
static List *
hbt_helios_btree_constraints(Oid relid, Oid amoid)
{
	Relation	conrel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	List	   *names = NIL;

	conrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId, true,
							  NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

		if ((con->contype == CONSTRAINT_PRIMARY ||
			 con->contype == CONSTRAINT_UNIQUE) &&
			hbt_relam(con->conindid) == amoid)
			names = lappend(names, makeString(pstrdup(NameStr(con->conname))));
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);

	return names;
}

static void
hbt_warn_rebuilt_constraints(Oid relid, List *names)
{
	ListCell   *lc;

	foreach(lc, names)
	{
		char	   *conname = strVal(lfirst(lc));
		Oid			conoid;
		Oid			indexoid;

		conoid = get_relation_constraint_oid(relid, conname, true);

		if (!OidIsValid(conoid))
			continue;
		indexoid = get_constraint_index(conoid);
		if (OidIsValid(indexoid) && hbt_relam(indexoid) == BTREE_AM_OID)
			ereport(WARNING,
					(errmsg("constraint \"%s\" of table \"%s\" was rebuilt as a btree index",
							conname, get_rel_name(relid)),
					 errdetail("ALTER COLUMN TYPE rebuilds PRIMARY KEY and UNIQUE constraints with btree."),
					 errhint("Drop the constraint and add it again to build it as helios_btree.")));
	}
}


/* ----------------------------------------------------------------
 *		ALTER TABLE
 * ----------------------------------------------------------------
 */

/*
 * Everything we do for an ALTER TABLE.  Returns the statement to run
 * instead of stmt, or NULL; *watch gets the constraints to check after an
 * ALTER COLUMN TYPE.
 */
static AlterTableStmt *
hbt_alter_table(AlterTableStmt *stmt, const char *queryString, Oid *relidp,
				List **watch)
{
	Oid			amoid;
	Oid			relid;
	bool		alter_type = false;
	ListCell   *lc;

	if (stmt->objtype != OBJECT_TABLE)
		return NULL;
	amoid = hbt_am_oid();
	if (!OidIsValid(amoid))
		return NULL;

	/*
	 * Foreign keys referencing a helios_btree key, whatever the setting: ADD
	 * CONSTRAINT ... FOREIGN KEY, and ADD COLUMN ... REFERENCES (transformed
	 * into an ADD CONSTRAINT inside AlterTable).  The foreign keys of CREATE
	 * TABLE reach us as an ALTER TABLE sub-command.
	 */
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype == AT_AddConstraint && IsA(cmd->def, Constraint))
		{
			if (((Constraint *) cmd->def)->contype == CONSTR_FOREIGN)
				hbt_check_foreign_key(stmt, (Constraint *) cmd->def, amoid);
		}
		else if (cmd->subtype == AT_AddColumn && IsA(cmd->def, ColumnDef))
		{
			ListCell   *lc2;

			foreach(lc2, ((ColumnDef *) cmd->def)->constraints)
			{
				Constraint *con = lfirst_node(Constraint, lc2);

				if (con->contype == CONSTR_FOREIGN)
					hbt_check_foreign_key(stmt, con, amoid);
			}
		}
		else if (cmd->subtype == AT_AlterColumnType)
			alter_type = true;
	}

	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return NULL;

	/* ADD CONSTRAINT ... USING INDEX on a helios_btree index */
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		Constraint *con;
		Oid			index_oid;

		if (cmd->subtype != AT_AddConstraint || !IsA(cmd->def, Constraint))
			continue;
		con = (Constraint *) cmd->def;
		if ((con->contype != CONSTR_PRIMARY && con->contype != CONSTR_UNIQUE) ||
			con->indexname == NULL)
			continue;
		index_oid = get_relname_relid(con->indexname, get_rel_namespace(relid));
		if (!OidIsValid(index_oid) || hbt_relam(index_oid) != amoid)
			continue;

		if (!hbt_table_routable(relid))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot use helios_btree index \"%s\" for a constraint on table \"%s\"",
							con->indexname, get_rel_name(relid)),
					 errdetail("Only a helios table that is neither partitioned nor a partition can have a constraint on a helios_btree index."),
					 errhint("Use a btree index.")));
		if (!hbt_routing_enabled)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot use helios_btree index \"%s\" for a constraint on table \"%s\"",
							con->indexname, get_rel_name(relid)),
					 errdetail("With helios.btree_routing off, the constraint's index must be a btree index."),
					 errhint("Set helios.btree_routing to on, or use a btree index.")));
		if (list_length(stmt->cmds) != 1)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("ADD CONSTRAINT ... USING INDEX with helios_btree index \"%s\" must be the only action of its ALTER TABLE",
							con->indexname),
					 errhint("Run it as a separate ALTER TABLE command.")));
		return hbt_using_index(stmt, con, amoid, queryString);
	}

	if (alter_type)
	{
		*relidp = relid;
		*watch = hbt_helios_btree_constraints(relid, amoid);
	}

	if (!hbt_routing_enabled || !hbt_table_routable(relid))
		return NULL;
	return hbt_route_alter_table(stmt, relid, amoid);
}


/* ----------------------------------------------------------------
 *		utility hook
 * ----------------------------------------------------------------
 */

static void
hbt_next_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
						bool readOnlyTree, ProcessUtilityContext context,
						ParamListInfo params, QueryEnvironment *queryEnv,
						DestReceiver *dest, QueryCompletion *qc)
{
	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
							params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

/*
 * Runs a CREATE TABLE whose foreign keys reference the table itself, with
 * hbt_selfref_* telling hbt_route_index_stmt which of its keys to leave
 * btree.
 */
static void
hbt_create_selfref(CreateStmt *cstmt, List *refs,
				   PlannedStmt *pstmt, const char *queryString,
				   bool readOnlyTree, ProcessUtilityContext context,
				   ParamListInfo params, QueryEnvironment *queryEnv,
				   DestReceiver *dest, QueryCompletion *qc)
{
	RangeVar   *save_relation = hbt_selfref_relation;
	List	   *save_keys = hbt_selfref_keys;

	hbt_selfref_relation = cstmt->relation;
	hbt_selfref_keys = refs;
	PG_TRY();
	{
		hbt_next_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		hbt_selfref_relation = save_relation;
		hbt_selfref_keys = save_keys;
	}
	PG_END_TRY();
}

static void
hbt_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
				   bool readOnlyTree, ProcessUtilityContext context,
				   ParamListInfo params, QueryEnvironment *queryEnv,
				   DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	Node	   *newtree = NULL;
	Oid			watch_relid = InvalidOid;
	List	   *watch = NIL;

	/* nothing can be created in recovery or in a read-only transaction */
	if (RecoveryInProgress() || XactReadOnly)
	{
		hbt_next_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
		return;
	}

	switch (nodeTag(parsetree))
	{
		case T_IndexStmt:
			newtree = (Node *) hbt_route_index_stmt((IndexStmt *) parsetree,
													queryString);
			break;
		case T_AlterTableStmt:
			helios_ddl_before_alter_table((AlterTableStmt *) parsetree);
			newtree = (Node *) hbt_alter_table((AlterTableStmt *) parsetree,
											   queryString, &watch_relid,
											   &watch);
			break;
		case T_ReindexStmt:
			helios_ddl_check_reindex((ReindexStmt *) parsetree);
			break;
		case T_CreateStmt:
			{
				CreateStmt *cstmt = (CreateStmt *) parsetree;
				List	   *refs = hbt_create_selfref_keys(cstmt);

				if (refs != NIL)
				{
					hbt_create_selfref(cstmt, refs, pstmt, queryString,
									   readOnlyTree, context, params,
									   queryEnv, dest, qc);
					return;
				}
			}
			break;
		default:
			break;
	}

	/* never change the caller's tree: it may be a cached plan's */
	if (newtree != NULL)
	{
		PlannedStmt *copy = makeNode(PlannedStmt);

		memcpy(copy, pstmt, sizeof(PlannedStmt));
		copy->utilityStmt = newtree;
		pstmt = copy;
	}

	hbt_next_ProcessUtility(pstmt, queryString, readOnlyTree, context,
							params, queryEnv, dest, qc);

	if (watch != NIL)
		hbt_warn_rebuilt_constraints(watch_relid, watch);
}


/* ----------------------------------------------------------------
 *		INSERT ... ON CONFLICT
 * ----------------------------------------------------------------
 */

/*
 * For INSERT ... ON CONFLICT, ExecOpenIndices(resultRelInfo, true) calls
 * BuildSpeculativeIndexInfo on every unique index of the target, and that
 * raises "unexpected non-btree speculative unique index" when the index's
 * relam is not BTREE_AM_OID.  The check exists because the function then
 * looks up each key column's equality operator as strategy
 * BTEqualStrategyNumber of the index's operator family; helios_btree's
 * operator classes use btree's strategy numbers, so the lookup is right for
 * them too, and the executor's speculative insertion (the pre-check with
 * those operators, UNIQUE_CHECK_PARTIAL inserts, the recheck) goes through
 * the index AM interface, which helios_btree implements.  The planner's
 * arbiter inference (infer_arbiter_indexes) does not look at the access
 * method.
 *
 * Since PostgreSQL 14 ExecInitModifyTable does not open the indexes:
 * ExecInsert does, on the first row, in the middle of ExecutorRun, after
 * BEFORE ROW triggers.  Presenting relam as btree for the whole of
 * ExecutorStart or ExecutorRun would therefore be both useless and
 * dangerous (user code runs there and could plan queries against the index
 * with the wrong AM).
 * Instead, right after standard_ExecutorStart, we open the indexes
 * ourselves with the same call ExecInsert would make, ExecOpenIndices(rri,
 * true); ExecInsert then finds them open and does not open them again.
 * Only for the duration of that call does the relcache entry of each
 * helios_btree unique index of the target say relam = BTREE_AM_OID,
 * restored in PG_FINALLY.  Why that is safe:
 *
 * - What runs in the window is ExecOpenIndices for one relation:
 *	 RelationGetIndexList, index_open, BuildIndexInfo and
 *	 BuildSpeculativeIndexInfo.  No user code, no planning, nothing that
 *	 copies relam anywhere except IndexInfo.ii_Am, which we set back to the
 *	 real access method afterwards (it is only read by index build code).
 *	 The index expressions and predicates, whose first evaluation could
 *	 fold functions, and the equality operators are looked up before the
 *	 window, so that it runs on cached entries.
 * - The relcache is backend-local, so no other backend sees the change.
 * - Every index is opened (RowExclusiveLock, the lock ExecOpenIndices
 *	 takes) and pinned before the window, so the entries cannot be dropped
 *	 or rebuilt from scratch, and the locks are already held when
 *	 ExecOpenIndices asks for them.  Should an invalidation still be
 *	 processed (a catalog cache miss locks a catalog), RelationReloadIndexInfo
 *	 re-reads pg_class and puts the real relam back: the worst case is
 *	 PostgreSQL's own error, never a lasting wrong relam.
 * - The index access method routine (rd_indam), which is what inserts and
 *	 scans call, is not touched.
 *
 * The target of an ON CONFLICT is a single relation.  For a partitioned
 * target, the leaf partitions' indexes are opened by ExecInitPartitionInfo
 * during ExecutorRun, which we cannot reach: routing leaves partitions on
 * btree, and an ON CONFLICT through the parent fails with PostgreSQL's error
 * on a partition given a unique helios_btree index explicitly
 * (docs/btree-routing.md).
 */
static void
hbt_open_speculative_indexes(EState *estate, ResultRelInfo *rri, Oid amoid)
{
	Relation	rel = rri->ri_RelationDesc;
	List	   *indexoids;
	Relation   *irels;
	bool	   *swapped;
	int			nindexes;
	int			i;
	bool		any = false;
	MemoryContext oldcxt;

	oldcxt = MemoryContextSwitchTo(estate->es_query_cxt);

	/* from the catalog first: most targets have no helios_btree key */
	indexoids = RelationGetIndexList(rel);
	nindexes = list_length(indexoids);
	swapped = (bool *) palloc0(sizeof(bool) * Max(nindexes, 1));
	for (i = 0; i < nindexes; i++)
	{
		Oid			indexoid = list_nth_oid(indexoids, i);
		HeapTuple	tup;

		if (hbt_relam(indexoid) != amoid)
			continue;
		tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		if (!HeapTupleIsValid(tup))
			continue;
		if (((Form_pg_index) GETSTRUCT(tup))->indisunique)
			any = true;
		ReleaseSysCache(tup);
	}
	if (!any)
	{
		/* ExecInsert opens them as usual */
		pfree(swapped);
		list_free(indexoids);
		MemoryContextSwitchTo(oldcxt);
		return;
	}

	/*
	 * Open and pin every index with the lock ExecOpenIndices takes, and look
	 * up now everything BuildIndexInfo and BuildSpeculativeIndexInfo will
	 * look up, so that the window below runs on cached, locked entries.
	 */
	irels = (Relation *) palloc(sizeof(Relation) * nindexes);
	for (i = 0; i < nindexes; i++)
	{
		Relation	irel;
		int			k;

		irel = index_open(list_nth_oid(indexoids, i), RowExclusiveLock);

		irels[i] = irel;
		(void) RelationGetIndexExpressions(irel);
		(void) RelationGetIndexPredicate(irel);
		if (!irel->rd_index->indisunique)
			continue;
		swapped[i] = (irel->rd_rel->relam == amoid);
		for (k = 0; k < IndexRelationGetNumberOfKeyAttributes(irel); k++)
		{
			Oid			op = get_opfamily_member(irel->rd_opfamily[k],
												 irel->rd_opcintype[k],
												 irel->rd_opcintype[k],
												 BTEqualStrategyNumber);

			if (OidIsValid(op))
				(void) get_opcode(op);
		}
	}

	PG_TRY();
	{
		for (i = 0; i < nindexes; i++)
			if (swapped[i])
				irels[i]->rd_rel->relam = BTREE_AM_OID;

		ExecOpenIndices(rri, true);
	}
	PG_FINALLY();
	{
		for (i = 0; i < nindexes; i++)
			if (swapped[i])
				irels[i]->rd_rel->relam = amoid;
	}
	PG_END_TRY();

	for (i = 0; i < rri->ri_NumIndices; i++)
		rri->ri_IndexRelationInfo[i]->ii_Am =
			rri->ri_IndexRelationDescs[i]->rd_rel->relam;

	/* ExecOpenIndices holds its own references; the locks stay */
	for (i = 0; i < nindexes; i++)
		index_close(irels[i], NoLock);
	pfree(irels);
	pfree(swapped);
	list_free(indexoids);

	MemoryContextSwitchTo(oldcxt);
}

static void
hbt_prepare_modify_table(EState *estate, ModifyTableState *mtstate)
{
	ModifyTable *node = (ModifyTable *) mtstate->ps.plan;
	ResultRelInfo *rri;
	Relation	rel;
	Oid			amoid;

	if (node->onConflictAction == ONCONFLICT_NONE)
		return;

	/* ON CONFLICT has exactly one result relation */
	rri = mtstate->resultRelInfo;
	rel = rri->ri_RelationDesc;
	if (rel->rd_rel->relkind != RELKIND_RELATION ||
		!rel->rd_rel->relhasindex ||
		rri->ri_IndexRelationDescs != NULL)
		return;

	amoid = hbt_am_oid();
	if (!OidIsValid(amoid))
		return;

	hbt_open_speculative_indexes(estate, rri, amoid);
}

static void
hbt_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	PlannedStmt *plannedstmt = queryDesc->plannedstmt;

	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);

	/* ON CONFLICT: INSERT, or INSERT in a WITH of any statement */
	if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0 &&
		(plannedstmt->commandType == CMD_INSERT ||
		 plannedstmt->hasModifyingCTE))
	{
		EState	   *estate = queryDesc->estate;
		ListCell   *lc;

		if (queryDesc->planstate != NULL &&
			IsA(queryDesc->planstate, ModifyTableState))
			hbt_prepare_modify_table(estate,
									 (ModifyTableState *) queryDesc->planstate);
		foreach(lc, estate->es_auxmodifytables)
			hbt_prepare_modify_table(estate, lfirst_node(ModifyTableState, lc));
	}
}


/* ----------------------------------------------------------------
 *		initialisation
 * ----------------------------------------------------------------
 */

void
hbt_routing_init(void)
{
	DefineCustomBoolVariable("helios.btree_routing",
							 "Builds btree indexes and PRIMARY KEY/UNIQUE constraints on helios tables as helios_btree.",
							 "Applies to CREATE INDEX without USING or with USING btree (not CONCURRENTLY) "
							 "and to PRIMARY KEY and UNIQUE constraints of CREATE TABLE and ALTER TABLE, "
							 "on helios tables that are neither partitioned nor partitions, when helios_btree "
							 "has operator classes for the key columns.",
							 &hbt_routing_enabled,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = hbt_ProcessUtility;
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = hbt_ExecutorStart;
}
