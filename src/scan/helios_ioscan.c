/*-------------------------------------------------------------------------
 *
 * helios_ioscan.c
 *	  HeliosIndexOnlyScan custom scan node.
 *
 * A helios_btree entry carries the MVCC lifetime of the key it holds, and
 * the AM's amgettuple returns, under an MVCC snapshot, only the entries that
 * snapshot can see.  An index-only scan of such an index can therefore
 * trust every entry it is given: it never needs the table, and it never
 * needs the visibility map.  PostgreSQL's IndexOnlyScan node always probes
 * the visibility map (and the table when a page is not all-visible), so
 * helios replaces it, for helios_btree indexes on helios tables, with the
 * node implemented here.
 *
 * Planner: set_rel_pathlist_hook re-runs create_index_paths() over the
 * relation's helios_btree indexes alone, with the relation's all-visible
 * fraction forced to 1.0, so that every index-only path comes out costed as
 * a scan that reads no table page (and none is lost because PostgreSQL's
 * own costing, which assumes heap fetches, made it lose to another path).
 * Each such IndexPath is wrapped in a CustomPath with the same pathkeys,
 * parameterization, row estimate and parallel flags, and PostgreSQL's own
 * index-only paths on those indexes are dropped.
 *
 * Plan creation: the IndexPath is the CustomPath's only child, so
 * create_customscan_plan() turns it into an IndexOnlyScan plan for us, with
 * index quals in index-column form, recheck quals, the residual qual and
 * nestloop parameters all worked out by createplan.c.  We take those apart
 * and discard the child plan; see hios_plan_custom_path() for how the
 * expressions are laid out so that setrefs.c fixes them up correctly.
 *
 * Executor: a copy of nodeIndexonlyscan.c without the visibility-map probe
 * and without the heap fetch.
 *
 * src/scan/README states the invariants.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/amapi.h"
#include "access/genam.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/nodeIndexscan.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "storage/predicate.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"

#include "btree/hbt.h"
#include "helios.h"
#include "scan/helios_ioscan.h"

#define HIOS_NAME			"HeliosIndexOnlyScan"

/*
 * CustomScan.custom_private is an integer list with these members.
 * CustomScan.custom_exprs holds the index quals (HIOS_PRIV_NINDEXQUAL of
 * them, in index-column form after setrefs) followed by the recheck quals.
 */
#define HIOS_PRIV_INDEXID		0
#define HIOS_PRIV_DIRECTION		1
#define HIOS_PRIV_NINDEXQUAL	2

bool		helios_enable_index_only_scan = true;

static set_rel_pathlist_hook_type prev_set_rel_pathlist_hook = NULL;

/*
 * Executor state.  Field for field the part of IndexOnlyScanState that an
 * index-only scan which never reads the table needs, plus the counter of
 * table accesses that EXPLAIN ANALYZE reports.
 */
typedef struct HeliosIOScanState
{
	CustomScanState css;		/* must be first */

	Oid			indexid;
	ScanDirection indexorderdir;
	List	   *indexqual;		/* index quals, index-column form */
	ExprState  *recheckqual;	/* for lossy index quals (xs_recheck) */

	ScanKey		scankeys;
	int			nscankeys;
	IndexRuntimeKeyInfo *runtimekeys;
	int			nruntimekeys;
	bool		runtimekeys_ready;
	ExprContext *runtime_context;

	Relation	indexrel;
	IndexScanDesc scandesc;

	/* index attributes stored as cstring for a name column (name_ops) */
	AttrNumber *name_cstring_attnums;
	int			name_cstring_count;

	/*
	 * Table accesses made by this node.  Nothing in this file reads the
	 * table (there is no index_fetch_heap and no visibility map probe), so
	 * it stays 0; EXPLAIN ANALYZE prints it as "Heap Fetches".
	 */
	uint64		table_fetches;
} HeliosIOScanState;

/* planner */
static void hios_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel,
								  Index rti, RangeTblEntry *rte);
static bool hios_index_eligible(IndexOptInfo *index, Oid index_am);
static bool hios_replaceable_path(Path *path, List *eligible);
static CustomPath *hios_make_path(IndexPath *ipath, bool partial);
static Plan *hios_plan_custom_path(PlannerInfo *root, RelOptInfo *rel,
								   CustomPath *best_path, List *tlist,
								   List *clauses, List *custom_plans);
static Node *hios_indexqual_to_table_vars(Node *node, IndexOptInfo *index);

/* executor */
static Node *hios_create_scan_state(CustomScan *cscan);
static void hios_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *hios_exec(CustomScanState *node);
static TupleTableSlot *hios_next(ScanState *ss);
static bool hios_recheck(ScanState *ss, TupleTableSlot *slot);
static void hios_store_index_tuple(HeliosIOScanState *hs, TupleTableSlot *slot,
								   IndexTuple itup, TupleDesc itupdesc);
static void hios_end(CustomScanState *node);
static void hios_rescan(CustomScanState *node);
static void hios_mark_pos(CustomScanState *node);
static void hios_restr_pos(CustomScanState *node);
static Size hios_estimate_dsm(CustomScanState *node, ParallelContext *pcxt);
static void hios_initialize_dsm(CustomScanState *node, ParallelContext *pcxt,
								void *coordinate);
static void hios_reinitialize_dsm(CustomScanState *node, ParallelContext *pcxt,
								  void *coordinate);
static void hios_initialize_worker(CustomScanState *node, shm_toc *toc,
								   void *coordinate);
static void hios_explain(CustomScanState *node, List *ancestors,
						 ExplainState *es);

static const CustomPathMethods hios_path_methods = {
	.CustomName = HIOS_NAME,
	.PlanCustomPath = hios_plan_custom_path,
};

static const CustomScanMethods hios_scan_methods = {
	.CustomName = HIOS_NAME,
	.CreateCustomScanState = hios_create_scan_state,
};

static const CustomExecMethods hios_exec_methods = {
	.CustomName = HIOS_NAME,
	.BeginCustomScan = hios_begin,
	.ExecCustomScan = hios_exec,
	.EndCustomScan = hios_end,
	.ReScanCustomScan = hios_rescan,
	.MarkPosCustomScan = hios_mark_pos,
	.RestrPosCustomScan = hios_restr_pos,
	.EstimateDSMCustomScan = hios_estimate_dsm,
	.InitializeDSMCustomScan = hios_initialize_dsm,
	.ReInitializeDSMCustomScan = hios_reinitialize_dsm,
	.InitializeWorkerCustomScan = hios_initialize_worker,
	.ExplainCustomScan = hios_explain,
};


/* ----------------------------------------------------------------
 *		Planner
 * ----------------------------------------------------------------
 */

/*
 * Can HeliosIndexOnlyScan serve index-only scans of this index?
 *
 * It must be a helios_btree index with amgettuple that returns every
 * column (helios_btree does, INCLUDE columns too), so that the scan tuple
 * can be the whole index tuple.  An index that lists the same column or
 * expression twice is left to PostgreSQL: setrefs.c resolves a reference to
 * such a column to its first occurrence, which would move an index qual to
 * a column with a possibly different operator family.
 */
static bool
hios_index_eligible(IndexOptInfo *index, Oid index_am)
{
	ListCell   *lc;
	int			i;

	if (index->relam != index_am || !index->amhasgettuple)
		return false;
	if (index->indextlist == NIL ||
		list_length(index->indextlist) != index->ncolumns)
		return false;
	for (i = 0; i < index->ncolumns; i++)
	{
		if (!index->canreturn[i])
			return false;
	}

	foreach(lc, index->indextlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		ListCell   *lc2;

		if (tle->resjunk)
			return false;
		for_each_cell(lc2, index->indextlist, lnext(index->indextlist, lc))
		{
			TargetEntry *tle2 = lfirst_node(TargetEntry, lc2);

			if (equal(tle->expr, tle2->expr))
				return false;
		}
	}
	return true;
}

/*
 * Is this an index-only path that HeliosIndexOnlyScan serves: an index of
 * the eligible list, no ORDER BY operators (helios_btree has none)?
 */
static bool
hios_replaceable_path(Path *path, List *eligible)
{
	IndexPath  *ipath;

	if (!IsA(path, IndexPath) || path->pathtype != T_IndexOnlyScan)
		return false;
	ipath = (IndexPath *) path;
	return ipath->indexorderbys == NIL &&
		list_member_ptr(eligible, ipath->indexinfo);
}

/*
 * Wrap one index-only IndexPath, costed as if every table page were
 * all-visible, in a HeliosIndexOnlyScan CustomPath.
 */
static CustomPath *
hios_make_path(IndexPath *ipath, bool partial)
{
	CustomPath *cpath = makeNode(CustomPath);
	IndexAmRoutine *amroutine;

	cpath->path.pathtype = T_CustomScan;
	cpath->path.parent = ipath->path.parent;
	cpath->path.pathtarget = ipath->path.pathtarget;
	cpath->path.param_info = ipath->path.param_info;
	cpath->path.parallel_aware = partial;
	cpath->path.parallel_safe = ipath->path.parallel_safe;
	cpath->path.parallel_workers = partial ? ipath->path.parallel_workers : 0;
	cpath->path.rows = ipath->path.rows;
	cpath->path.startup_cost = ipath->path.startup_cost;
	cpath->path.total_cost = ipath->path.total_cost;
	cpath->path.pathkeys = ipath->path.pathkeys;

	/*
	 * Backward scans and mark/restore are what the index AM offers, as for
	 * PostgreSQL's own index-only scan.  Projection is always possible: the
	 * tlist is evaluated over the scan tuple by ExecScan.
	 */
	amroutine = GetIndexAmRoutineByAmId(ipath->indexinfo->relam, false);
	cpath->flags = CUSTOMPATH_SUPPORT_PROJECTION;
	if (amroutine->amcanbackward)
		cpath->flags |= CUSTOMPATH_SUPPORT_BACKWARD_SCAN;
	if (ipath->indexinfo->amcanmarkpos)
		cpath->flags |= CUSTOMPATH_SUPPORT_MARK_RESTORE;
	pfree(amroutine);

	cpath->custom_paths = list_make1(ipath);
	cpath->custom_private = NIL;
	cpath->methods = &hios_path_methods;

	return cpath;
}

/*
 * set_rel_pathlist_hook: offer HeliosIndexOnlyScan paths for helios_btree
 * indexes of helios tables.
 */
static void
hios_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti,
					  RangeTblEntry *rte)
{
	Oid			index_am;
	Oid			table_am;
	List	   *eligible = NIL;
	List	   *saved_pathlist;
	List	   *saved_partial_pathlist;
	List	   *saved_indexlist;
	double		saved_allvisfrac;
	List	   *new_pathlist;
	List	   *new_partial_pathlist;
	ListCell   *lc;

	if (prev_set_rel_pathlist_hook)
		prev_set_rel_pathlist_hook(root, rel, rti, rte);

	if (!helios_enable_index_only_scan)
		return;
	if (rel->reloptkind != RELOPT_BASEREL &&
		rel->reloptkind != RELOPT_OTHER_MEMBER_REL)
		return;
	if (rte->rtekind != RTE_RELATION || rte->inh || rte->tablesample != NULL)
		return;
	if (rte->relkind != RELKIND_RELATION && rte->relkind != RELKIND_MATVIEW)
		return;
	if (rel->indexlist == NIL || IS_DUMMY_REL(rel))
		return;

	/* Both access methods exist only where the extension is installed. */
	index_am = hbt_am_oid();
	if (!OidIsValid(index_am))
		return;
	table_am = get_table_am_oid(HELIOS_TABLE_AM_NAME, true);
	if (!OidIsValid(table_am))
		return;

	if (hbt_relam(rte->relid) != table_am)
		return;

	foreach(lc, rel->indexlist)
	{
		IndexOptInfo *index = lfirst_node(IndexOptInfo, lc);

		if (hios_index_eligible(index, index_am))
			eligible = lappend(eligible, index);
	}
	if (eligible == NIL)
		return;

	/*
	 * Build the index paths of the eligible indexes again, alone and with
	 * every page taken as all-visible.  cost_index() then charges no table
	 * access to their index-only paths, with the loop count, selectivity and
	 * everything else exactly as PostgreSQL computes them; and paths that
	 * lost to other paths under PostgreSQL's own costing come back.  The
	 * plain index scans and bitmap paths this also builds are duplicates of
	 * paths already considered and are dropped.
	 */
	saved_pathlist = rel->pathlist;
	saved_partial_pathlist = rel->partial_pathlist;
	saved_indexlist = rel->indexlist;
	saved_allvisfrac = rel->allvisfrac;

	rel->pathlist = NIL;
	rel->partial_pathlist = NIL;
	rel->indexlist = eligible;
	rel->allvisfrac = 1.0;

	create_index_paths(root, rel);

	new_pathlist = rel->pathlist;
	new_partial_pathlist = rel->partial_pathlist;

	rel->pathlist = saved_pathlist;
	rel->partial_pathlist = saved_partial_pathlist;
	rel->indexlist = saved_indexlist;
	rel->allvisfrac = saved_allvisfrac;

	/*
	 * Drop PostgreSQL's index-only paths on these indexes.  Each has a
	 * counterpart below with the same pathkeys and parameterization that
	 * costs no more, so add_path() would normally drop it anyway; but on a
	 * cost tie (a table whose pages are all marked all-visible) it keeps the
	 * old path, and that node reads the visibility map and the table, which
	 * helios_btree makes unnecessary.  The paths are only unlinked: bitmap
	 * paths may still reference them.
	 */
	foreach(lc, rel->pathlist)
	{
		if (hios_replaceable_path((Path *) lfirst(lc), eligible))
			rel->pathlist = foreach_delete_current(rel->pathlist, lc);
	}
	foreach(lc, rel->partial_pathlist)
	{
		if (hios_replaceable_path((Path *) lfirst(lc), eligible))
			rel->partial_pathlist =
				foreach_delete_current(rel->partial_pathlist, lc);
	}

	foreach(lc, new_pathlist)
	{
		if (hios_replaceable_path((Path *) lfirst(lc), eligible))
			add_path(rel, (Path *) hios_make_path((IndexPath *) lfirst(lc),
												  false));
	}
	foreach(lc, new_partial_pathlist)
	{
		if (hios_replaceable_path((Path *) lfirst(lc), eligible))
			add_partial_path(rel,
							 (Path *) hios_make_path((IndexPath *) lfirst(lc),
													 true));
	}
}

/*
 * Turn index quals from index-column form (Vars with varno INDEX_VAR and
 * varattno the index column, as fix_indexqual_references() builds them)
 * back into table form: the column's table Var or its index expression.
 *
 * They have to live in custom_exprs, so that setrefs.c fixes their Params
 * and operator function OIDs and SS_finalize_plan() sees their Params, and
 * set_customscan_references() maps every Var in custom_exprs through
 * custom_scan_tlist, which is the index's tlist in table form: a table-form
 * reference to index column k becomes (INDEX_VAR, k) again there, exactly
 * what createplan.c had built.  hios_index_eligible() guarantees that each
 * index column's expression is unique, so the mapping is one-to-one.
 */
static Node *
hios_indexqual_to_table_vars(Node *node, IndexOptInfo *index)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varno == INDEX_VAR)
	{
		Var		   *var = (Var *) node;
		int			col = var->varattno - 1;

		Assert(var->varlevelsup == 0);
		if (col < 0 || col >= index->ncolumns)
			elog(ERROR, "index qual references column %d of index %u, which has %d",
				 var->varattno, index->indexoid, index->ncolumns);

		if (index->indexkeys[col] != 0)
		{
			Var		   *result = (Var *) copyObject(var);

			result->varno = index->rel->relid;
			result->varattno = index->indexkeys[col];
			return (Node *) result;
		}
		else
		{
			TargetEntry *tle = list_nth_node(TargetEntry, index->indextlist, col);

			return (Node *) copyObject(tle->expr);
		}
	}
	return expression_tree_mutator(node, hios_indexqual_to_table_vars,
								   (void *) index);
}

/*
 * PlanCustomPath: build the CustomScan from the IndexOnlyScan plan that
 * create_customscan_plan() made of our child IndexPath.
 *
 * What goes where, and what setrefs.c then does to it:
 *
 * custom_scan_tlist = the IndexOnlyScan's indextlist (one entry per index
 *		column, key and INCLUDE, each the column's table Var or index
 *		expression).  It describes the scan tuple, which is the index tuple.
 * targetlist = tlist (table Vars), qual = the IndexOnlyScan's residual qual
 *		(table Vars, outer references already nestloop Params).
 *		set_customscan_references() maps table Vars through
 *		custom_scan_tlist to (INDEX_VAR, index column), as
 *		set_indexonlyscan_references() does for IndexOnlyScan.  This also
 *		holds for any tlist the planner substitutes later (projection).
 * custom_exprs = index quals, turned back into table form by
 *		hios_indexqual_to_table_vars(), then recheck quals (table form).
 *		Both come out of setrefs.c in index-column form.
 * custom_plans = NIL: the IndexOnlyScan is not kept, so it never runs and
 *		setrefs.c never sees it.
 *
 * Outer-relation references in the index quals were replaced by nestloop
 * Params while the child plan was built (replace_nestloop_params()), which
 * also registered them with the enclosing nestloop; create_customscan_plan()
 * runs replace_nestloop_params() over qual and custom_exprs once more,
 * which changes nothing and finds the same Params.
 */
static Plan *
hios_plan_custom_path(PlannerInfo *root, RelOptInfo *rel,
					  CustomPath *best_path, List *tlist, List *clauses,
					  List *custom_plans)
{
	IndexPath  *ipath = linitial_node(IndexPath, best_path->custom_paths);
	Plan	   *child = (Plan *) linitial(custom_plans);
	IndexOnlyScan *ios;
	CustomScan *cscan;
	List	   *indexqual = NIL;
	ListCell   *lc;

	/* pseudoconstant quals put a gating Result above the scan */
	if (IsA(child, Result) && outerPlan(child) != NULL)
		child = outerPlan(child);
	if (!IsA(child, IndexOnlyScan))
		elog(ERROR, "unexpected plan node %d below %s",
			 (int) nodeTag(child), HIOS_NAME);
	ios = (IndexOnlyScan *) child;
	Assert(ios->indexid == ipath->indexinfo->indexoid);
	Assert(ios->scan.scanrelid == rel->relid);
	if (ios->indexorderby != NIL)
		elog(ERROR, "%s does not support ORDER BY operators", HIOS_NAME);

	foreach(lc, ios->indexqual)
		indexqual = lappend(indexqual,
							hios_indexqual_to_table_vars((Node *) lfirst(lc),
														 ipath->indexinfo));

	cscan = makeNode(CustomScan);
	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = ios->scan.plan.qual;
	cscan->scan.scanrelid = rel->relid;
	cscan->flags = best_path->flags;
	cscan->custom_plans = NIL;
	cscan->custom_private = list_make3_int((int) ios->indexid,
										   (int) ios->indexorderdir,
										   list_length(indexqual));
	cscan->custom_exprs = list_concat(indexqual, ios->recheckqual);
	cscan->custom_scan_tlist = ios->indextlist;
	cscan->methods = &hios_scan_methods;

	return &cscan->scan.plan;
}


/* ----------------------------------------------------------------
 *		Executor
 * ----------------------------------------------------------------
 */

static Node *
hios_create_scan_state(CustomScan *cscan)
{
	HeliosIOScanState *hs = palloc0(sizeof(HeliosIOScanState));

	NodeSetTag(hs, T_CustomScanState);
	hs->css.methods = &hios_exec_methods;
	return (Node *) hs;
}

static void
hios_begin(CustomScanState *node, EState *estate, int eflags)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	int			nindexqual;
	LOCKMODE	lockmode;
	TupleDesc	itupdesc;
	int			nkeyatts;
	int			namecount = 0;

	hs->indexid = (Oid) list_nth_int(cscan->custom_private, HIOS_PRIV_INDEXID);
	hs->indexorderdir = (ScanDirection)
		list_nth_int(cscan->custom_private, HIOS_PRIV_DIRECTION);
	nindexqual = list_nth_int(cscan->custom_private, HIOS_PRIV_NINDEXQUAL);
	hs->indexqual = list_copy_head(cscan->custom_exprs, nindexqual);
	hs->recheckqual = ExecInitQual(list_copy_tail(cscan->custom_exprs,
												  nindexqual),
								   &node->ss.ps);
	hs->table_fetches = 0;

	/* EXPLAIN without ANALYZE needs nothing more */
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	lockmode = exec_rt_fetch(cscan->scan.scanrelid, estate)->rellockmode;
	hs->indexrel = index_open(hs->indexid, lockmode);

	/* the scan tuple is the index tuple: one attribute per index column */
	itupdesc = RelationGetDescr(hs->indexrel);
	if (node->ss.ss_ScanTupleSlot->tts_tupleDescriptor->natts != itupdesc->natts)
		elog(ERROR, "%s: scan tuple of %d attributes for index \"%s\" of %d",
			 HIOS_NAME,
			 node->ss.ss_ScanTupleSlot->tts_tupleDescriptor->natts,
			 RelationGetRelationName(hs->indexrel), itupdesc->natts);

	ExecIndexBuildScanKeys(&node->ss.ps, hs->indexrel, hs->indexqual, false,
						   &hs->scankeys, &hs->nscankeys,
						   &hs->runtimekeys, &hs->nruntimekeys,
						   NULL, NULL);

	/*
	 * Runtime keys get their own expression context, reset at each rescan,
	 * as in nodeIndexonlyscan.c.
	 */
	if (hs->nruntimekeys != 0)
	{
		ExprContext *stdecontext = node->ss.ps.ps_ExprContext;

		ExecAssignExprContext(estate, &node->ss.ps);
		hs->runtime_context = node->ss.ps.ps_ExprContext;
		node->ss.ps.ps_ExprContext = stdecontext;
	}
	else
		hs->runtime_context = NULL;
	hs->runtimekeys_ready = false;

	/*
	 * An opclass may store name keys as cstring (btree's name_ops does):
	 * remember which attributes to copy back into NAMEDATALEN-sized Datums,
	 * as StoreIndexTuple() does.
	 */
	nkeyatts = IndexRelationGetNumberOfKeyAttributes(hs->indexrel);
	for (int attnum = 0; attnum < nkeyatts; attnum++)
	{
		if (TupleDescAttr(itupdesc, attnum)->atttypid == CSTRINGOID &&
			hs->indexrel->rd_opcintype[attnum] == NAMEOID)
			namecount++;
	}
	if (namecount > 0)
	{
		int			idx = 0;

		hs->name_cstring_attnums = palloc(sizeof(AttrNumber) * namecount);
		for (int attnum = 0; attnum < nkeyatts; attnum++)
		{
			if (TupleDescAttr(itupdesc, attnum)->atttypid == CSTRINGOID &&
				hs->indexrel->rd_opcintype[attnum] == NAMEOID)
				hs->name_cstring_attnums[idx++] = (AttrNumber) attnum;
		}
	}
	hs->name_cstring_count = namecount;

	/*
	 * The scan itself begins at the first call, or in the DSM callbacks for
	 * a parallel scan.
	 */
	hs->scandesc = NULL;
}

/*
 * Set up a freshly begun index scan (serial or parallel) for an index-only
 * scan, and pass it the scan keys if they are known already.
 */
static void
hios_start_scan(HeliosIOScanState *hs, IndexScanDesc scandesc)
{
	hs->scandesc = scandesc;
	scandesc->xs_want_itup = true;

	if (hs->nruntimekeys == 0 || hs->runtimekeys_ready)
		index_rescan(scandesc, hs->scankeys, hs->nscankeys, NULL, 0);
}

/*
 * The snapshot must be MVCC: it is what helios_btree judges each entry's
 * visibility by, and, since the table is never consulted, the only thing
 * that keeps a dead row from being returned.
 */
static void
hios_check_snapshot(EState *estate)
{
	if (!IsMVCCSnapshot(estate->es_snapshot))
		elog(ERROR, "%s requires an MVCC snapshot", HIOS_NAME);
}

static TupleTableSlot *
hios_next(ScanState *ss)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) ss;
	EState	   *estate = ss->ps.state;
	ExprContext *econtext = ss->ps.ps_ExprContext;
	TupleTableSlot *slot = ss->ss_ScanTupleSlot;
	ScanDirection direction;
	IndexScanDesc scandesc;
	ItemPointer tid;

	/* the plan's direction, flipped when the executor runs backward */
	direction = estate->es_direction;
	if (ScanDirectionIsBackward(hs->indexorderdir))
	{
		if (ScanDirectionIsForward(direction))
			direction = BackwardScanDirection;
		else if (ScanDirectionIsBackward(direction))
			direction = ForwardScanDirection;
	}

	if (hs->scandesc == NULL)
	{
		/*
		 * Not parallel, or a parallel plan run serially (no DSM was set
		 * up).
		 */
		hios_check_snapshot(estate);
		hios_start_scan(hs,
						index_beginscan(ss->ss_currentRelation, hs->indexrel,
										estate->es_snapshot,
										hs->nscankeys, 0));
	}
	scandesc = hs->scandesc;

	while ((tid = index_getnext_tid(scandesc, direction)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();

		/*
		 * Every entry helios_btree returns is visible to our snapshot: no
		 * visibility map probe, no table fetch.  The data comes from the
		 * index tuple.
		 */
		if (scandesc->xs_hitup)
		{
			Assert(slot->tts_tupleDescriptor->natts ==
				   scandesc->xs_hitupdesc->natts);
			ExecForceStoreHeapTuple(scandesc->xs_hitup, slot, false);
		}
		else if (scandesc->xs_itup)
			hios_store_index_tuple(hs, slot, scandesc->xs_itup,
								   scandesc->xs_itupdesc);
		else
			elog(ERROR, "no data returned for index-only scan");

		/* lossy index quals: check them on the index tuple */
		if (scandesc->xs_recheck)
		{
			econtext->ecxt_scantuple = slot;
			if (!ExecQualAndReset(hs->recheckqual, econtext))
			{
				InstrCountFiltered2(hs, 1);
				continue;
			}
		}

		/*
		 * The row was not read, so take the predicate lock its read would
		 * have taken, at page level, as nodeIndexonlyscan.c does when it
		 * skips the heap fetch.  (helios_btree's own leaf-page locks cover
		 * the key range; this one covers the row.)
		 */
		PredicateLockPage(scandesc->heapRelation,
						  ItemPointerGetBlockNumber(tid),
						  estate->es_snapshot);

		return slot;
	}

	return ExecClearTuple(slot);
}

/*
 * Fill the scan slot from an index tuple, as StoreIndexTuple() in
 * nodeIndexonlyscan.c: deform with the AM's descriptor, then give cstring
 * name keys their NAMEDATALEN-sized representation back.
 */
static void
hios_store_index_tuple(HeliosIOScanState *hs, TupleTableSlot *slot,
					   IndexTuple itup, TupleDesc itupdesc)
{
	Assert(slot->tts_tupleDescriptor->natts == itupdesc->natts);

	ExecClearTuple(slot);
	index_deform_tuple(itup, itupdesc, slot->tts_values, slot->tts_isnull);

	if (unlikely(hs->name_cstring_attnums != NULL))
	{
		for (int idx = 0; idx < hs->name_cstring_count; idx++)
		{
			int			attnum = hs->name_cstring_attnums[idx];
			Name		name;

			if (slot->tts_isnull[attnum])
				continue;
			name = (Name) MemoryContextAlloc(hs->css.ss.ps.ps_ExprContext->ecxt_per_tuple_memory,
											 NAMEDATALEN);
			namestrcpy(name, DatumGetCString(slot->tts_values[attnum]));
			slot->tts_values[attnum] = NameGetDatum(name);
		}
	}

	ExecStoreVirtualTuple(slot);
}

/*
 * EvalPlanQual recheck.  Cannot happen: an index-only scan cannot return
 * CTID or a whole-row Var, which a relation taking part in EPQ needs.
 */
static bool
hios_recheck(ScanState *ss, TupleTableSlot *slot)
{
	elog(ERROR, "EvalPlanQual recheck is not supported in index-only scans");
	return false;				/* keep compiler quiet */
}

static TupleTableSlot *
hios_exec(CustomScanState *node)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;

	/* compute the runtime keys at the first call */
	if (hs->nruntimekeys != 0 && !hs->runtimekeys_ready)
		ExecReScan(&node->ss.ps);

	return ExecScan(&node->ss, hios_next, hios_recheck);
}

static void
hios_rescan(CustomScanState *node)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;

	/*
	 * Recompute every runtime key (they may depend on nestloop or subplan
	 * Params that changed), in a freshly reset context.
	 */
	if (hs->nruntimekeys != 0)
	{
		ExprContext *econtext = hs->runtime_context;

		ResetExprContext(econtext);
		ExecIndexEvalRuntimeKeys(econtext, hs->runtimekeys, hs->nruntimekeys);
	}
	hs->runtimekeys_ready = true;

	if (hs->scandesc)
		index_rescan(hs->scandesc, hs->scankeys, hs->nscankeys, NULL, 0);

	ExecScanReScan(&node->ss);
}

static void
hios_end(CustomScanState *node)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;

	if (hs->runtime_context)
		FreeExprContext(hs->runtime_context, true);
	if (hs->scandesc)
		index_endscan(hs->scandesc);
	if (hs->indexrel)
		index_close(hs->indexrel, NoLock);
}

/*
 * Inside an EvalPlanQual recheck that substitutes this relation's row, mark
 * and restore have nothing to do (see ExecIndexOnlyMarkPos()); returns
 * true then.
 */
static bool
hios_epq_substituted(CustomScanState *node, const char *what)
{
	EPQState   *epqstate = node->ss.ps.state->es_epq_active;
	Index		scanrelid;

	if (epqstate == NULL)
		return false;
	scanrelid = ((Scan *) node->ss.ps.plan)->scanrelid;
	Assert(scanrelid > 0);
	if (epqstate->relsubs_slot[scanrelid - 1] == NULL &&
		epqstate->relsubs_rowmark[scanrelid - 1] == NULL)
		return false;
	if (!epqstate->relsubs_done[scanrelid - 1])
		elog(ERROR, "unexpected %s call in EPQ recheck", what);
	return true;
}

static void
hios_mark_pos(CustomScanState *node)
{
	if (!hios_epq_substituted(node, "mark position"))
		index_markpos(((HeliosIOScanState *) node)->scandesc);
}

static void
hios_restr_pos(CustomScanState *node)
{
	if (!hios_epq_substituted(node, "restore position"))
		index_restrpos(((HeliosIOScanState *) node)->scandesc);
}

/*
 * Parallel scans, for index AMs with amcanparallel; the shared state is the
 * AM's ParallelIndexScanDesc, as for a parallel IndexOnlyScan.
 */
static Size
hios_estimate_dsm(CustomScanState *node, ParallelContext *pcxt)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;

	return index_parallelscan_estimate(hs->indexrel,
									   node->ss.ps.state->es_snapshot);
}

static void
hios_initialize_dsm(CustomScanState *node, ParallelContext *pcxt,
					void *coordinate)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;
	EState	   *estate = node->ss.ps.state;
	ParallelIndexScanDesc piscan = (ParallelIndexScanDesc) coordinate;

	hios_check_snapshot(estate);
	index_parallelscan_initialize(node->ss.ss_currentRelation, hs->indexrel,
								  estate->es_snapshot, piscan);
	hios_start_scan(hs,
					index_beginscan_parallel(node->ss.ss_currentRelation,
											 hs->indexrel, hs->nscankeys, 0,
											 piscan));
}

static void
hios_reinitialize_dsm(CustomScanState *node, ParallelContext *pcxt,
					  void *coordinate)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;

	index_parallelrescan(hs->scandesc);
}

static void
hios_initialize_worker(CustomScanState *node, shm_toc *toc, void *coordinate)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;

	hios_check_snapshot(node->ss.ps.state);
	hios_start_scan(hs,
					index_beginscan_parallel(node->ss.ss_currentRelation,
											 hs->indexrel, hs->nscankeys, 0,
											 (ParallelIndexScanDesc) coordinate));
}

/*
 * EXPLAIN: index name, scan direction when backward (always, in the
 * structured formats), Index Cond, and with ANALYZE the rows removed by a
 * lossy index recheck and the table accesses made (Heap Fetches, always 0).
 */
static void
hios_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	HeliosIOScanState *hs = (HeliosIOScanState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	const char *indexname = NULL;
	int			nindexqual;

	if (explain_get_index_name_hook)
		indexname = (*explain_get_index_name_hook) (hs->indexid);
	if (indexname == NULL)
	{
		indexname = get_rel_name(hs->indexid);
		if (indexname == NULL)
			elog(ERROR, "cache lookup failed for index %u", hs->indexid);
	}

	if (es->format == EXPLAIN_FORMAT_TEXT)
	{
		ExplainPropertyText("Index", quote_identifier(indexname), es);
		if (ScanDirectionIsBackward(hs->indexorderdir))
			ExplainPropertyText("Scan Direction", "Backward", es);
	}
	else
	{
		const char *scandir;

		if (ScanDirectionIsBackward(hs->indexorderdir))
			scandir = "Backward";
		else if (ScanDirectionIsForward(hs->indexorderdir))
			scandir = "Forward";
		else
			scandir = "NoMovement";
		ExplainPropertyText("Index Name", indexname, es);
		ExplainPropertyText("Scan Direction", scandir, es);
	}

	nindexqual = list_nth_int(cscan->custom_private, HIOS_PRIV_NINDEXQUAL);
	if (nindexqual > 0)
	{
		List	   *context;
		char	   *exprstr;

		context = set_deparse_context_plan(es->deparse_cxt,
										   &cscan->scan.plan, ancestors);
		exprstr = deparse_expression((Node *) make_ands_explicit(hs->indexqual),
									 context, es->verbose, false);
		ExplainPropertyText("Index Cond", exprstr, es);
	}

	if (es->analyze && node->ss.ps.instrument)
	{
		double		nfiltered = node->ss.ps.instrument->nfiltered2;
		double		nloops = node->ss.ps.instrument->nloops;

		if (list_length(cscan->custom_exprs) > nindexqual &&
			(nfiltered > 0 || es->format != EXPLAIN_FORMAT_TEXT))
			ExplainPropertyFloat("Rows Removed by Index Recheck", NULL,
								 nloops > 0 ? nfiltered / nloops : nfiltered,
								 0, es);
		ExplainPropertyInteger("Heap Fetches", NULL,
							   (int64) hs->table_fetches, es);
	}
}


/* ----------------------------------------------------------------
 *		Initialization
 * ----------------------------------------------------------------
 */

/*
 * Called from _PG_init() while shared_preload_libraries is processed.
 */
void
helios_ioscan_init(void)
{
	DefineCustomBoolVariable("helios.enable_index_only_scan",
							 "Enables helios's index-only scan of helios_btree indexes.",
							 "When off, PostgreSQL's own Index Only Scan, which "
							 "checks the visibility map, is planned instead.",
							 &helios_enable_index_only_scan,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	/* parallel workers look the node up by name when reading the plan */
	RegisterCustomScanMethods(&hios_scan_methods);

	prev_set_rel_pathlist_hook = set_rel_pathlist_hook;
	set_rel_pathlist_hook = hios_set_rel_pathlist;
}
