/*-------------------------------------------------------------------------
 *
 * hbt_build.c
 *	  CREATE INDEX for helios_btree, and aminsert.
 *
 * A build sorts the entries (tuplesort, in (key, row TID) order) and
 * appends them through the ascending-key fast path, without WAL; the
 * finished relation is then WAL-logged page by page.  Each entry gets the
 * lifetime of the row version the table handed over (helios's build
 * exposes it in helios_index_build_tuple): xmin and xmax as stored, or
 * frozen when every snapshot sees the row.  Lifetimes that are not frozen
 * wait in a hash table keyed by row TID until their entry is appended.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xloginsert.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "commands/progress.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/procarray.h"
#include "storage/smgr.h"
#include "utils/combocid.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/tuplesort.h"

#include "btree/hbt.h"
#include "btree/hbt_xlog.h"
#include "table/helios_am.h"

static void hbt_remember_entry(Relation rel, IndexTuple itup);

typedef struct HbtBuildVersion
{
	ItemPointerData tid;		/* hash key */
	HbtVersion	version;
	bool		alive;			/* counts for uniqueness */
} HbtBuildVersion;

typedef struct HbtBuildState
{
	Tuplesortstate *sort;
	HTAB	   *versions;
	TransactionId oldestXmin;
	double		indtuples;
} HbtBuildState;

/* The lifetime of the row version behind the current build callback. */
static void
hbt_build_version(HbtBuildState *bs, HeapTuple tuple, HbtVersion *v)
{
	HeapTupleHeader htup = tuple->t_data;
	TransactionId xmin = HeapTupleHeaderGetXmin(htup);
	uint16		infomask = htup->t_infomask;

	memset(v, 0, sizeof(HbtVersion));
	v->xmin = xmin;
	v->xmax = InvalidTransactionId;
	v->flags = HBT_XMAX_INVALID;

	/* every snapshot sees it: committed before the oldest running xmin */
	if (HeapTupleHeaderXminFrozen(htup) || !TransactionIdIsNormal(xmin) ||
		(TransactionIdPrecedes(xmin, bs->oldestXmin) &&
		 (HeapTupleHeaderXminCommitted(htup) ||
		  hbt_xid_status(xmin) == HBT_XID_COMMITTED)))
		v->flags |= HBT_XMIN_FROZEN;

	/* deleted, or updated to a new row: the key's association ends */
	if (!(infomask & HEAP_XMAX_INVALID) && !HEAP_XMAX_IS_LOCKED_ONLY(infomask))
	{
		TransactionId xmax = HeapTupleHeaderGetUpdateXid(htup);

		if (TransactionIdIsValid(xmax) &&
			hbt_xid_status(xmax) != HBT_XID_ABORTED)
		{
			v->xmax = xmax;
			v->flags &= ~HBT_XMAX_INVALID;
		}
	}

	/* our own insert or delete keeps its command ids, as the row does */
	if (TransactionIdIsCurrentTransactionId(xmin) ||
		(TransactionIdIsValid(v->xmax) &&
		 TransactionIdIsCurrentTransactionId(v->xmax)))
	{
		v->cid = HeapTupleHeaderGetRawCommandId(htup);
		if (infomask & HEAP_COMBOCID)
			v->flags |= HBT_COMBOCID;
	}
}

static void
hbt_build_callback(Relation index, ItemPointer tid, Datum *values,
				   bool *isnull, bool tupleIsAlive, void *state)
{
	HbtBuildState *bs = (HbtBuildState *) state;
	HbtVersion	v;

	if (helios_index_build_tuple == NULL)
		elog(ERROR, "helios_btree build of \"%s\" got a row without its version",
			 RelationGetRelationName(index));
	hbt_build_version(bs, helios_index_build_tuple, &v);
	if ((v.flags & HBT_XMIN_FROZEN) != HBT_XMIN_FROZEN ||
		TransactionIdIsValid(v.xmax) || !tupleIsAlive)
	{
		bool		found;
		HbtBuildVersion *e = hash_search(bs->versions, tid, HASH_ENTER, &found);

		e->version = v;
		e->alive = tupleIsAlive;
	}
	tuplesort_putindextuplevalues(bs->sort, index, tid, values, isnull);
	bs->indtuples += 1;
}

/* Append the sorted entries, checking uniqueness between neighbours. */
static void
hbt_build_load(Relation heap, Relation index, IndexInfo *indexInfo,
			   HbtBuildState *bs)
{
	IndexTuple	itup;
	IndexTuple	prevlive = NULL;
	TupleDesc	desc = RelationGetDescr(index);
	int			nkeys = IndexRelationGetNumberOfKeyAttributes(index);
	bool		unique = indexInfo->ii_Unique;
	HbtVersion	frozen;
	int64		done = 0;

	memset(&frozen, 0, sizeof(frozen));
	frozen.xmin = FrozenTransactionId;
	frozen.flags = HBT_XMIN_FROZEN | HBT_XMAX_INVALID;

	while ((itup = tuplesort_getindextuple(bs->sort, true)) != NULL)
	{
		HbtBuildVersion *e = NULL;
		HbtVersion *v = &frozen;
		bool		alive = true;
		Datum		values[INDEX_MAX_KEYS];
		bool		isnull[INDEX_MAX_KEYS];

		if (hash_get_num_entries(bs->versions) > 0)
			e = hash_search(bs->versions, &itup->t_tid, HASH_FIND, NULL);
		if (e)
		{
			v = &e->version;
			alive = e->alive;
		}
		index_deform_tuple(itup, desc, values, isnull);

		if (unique && alive)
		{
			bool		anynull = false;

			for (int i = 0; i < nkeys; i++)
				anynull |= isnull[i];
			if (prevlive && (!anynull || indexInfo->ii_NullsNotDistinct) &&
				hbt_keys_equal(index, prevlive, itup))
			{
				char	   *desc_str = BuildIndexValueDescription(index, values, isnull);

				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("could not create unique index \"%s\"",
								RelationGetRelationName(index)),
						 desc_str ? errdetail("Key %s is duplicated.", desc_str) :
						 errdetail("Duplicate keys exist."),
						 errtableconstraint(heap, RelationGetRelationName(index))));
			}
			if (prevlive)
				pfree(prevlive);
			prevlive = CopyIndexTuple(itup);
		}

		hbt_insert(index, heap, itup, v, UNIQUE_CHECK_NO, values, isnull);
		if (++done % 1024 == 0)
		{
			pgstat_progress_update_param(PROGRESS_CREATEIDX_TUPLES_DONE, done);
			CHECK_FOR_INTERRUPTS();
		}
	}
}

/* Write an empty metapage as block 0 of fork forknum. */
static void
hbt_write_metapage(Relation index, ForkNumber forknum)
{
	Page		metapage = (Page) palloc(BLCKSZ);

	hbt_init_metapage(metapage, HBT_NONE, 0);
	PageSetChecksumInplace(metapage, HBT_METAPAGE);
	smgrwrite(RelationGetSmgr(index), forknum, HBT_METAPAGE, (char *) metapage, true);
	log_newpage(&RelationGetSmgr(index)->smgr_rnode.node, forknum,
				HBT_METAPAGE, metapage, true);
	smgrimmedsync(RelationGetSmgr(index), forknum);
	pfree(metapage);
}

/*
 * A tuplesort in (key, row TID) order.  PostgreSQL's btree sort is exactly
 * that for any index whose opfamilies follow btree's support numbering, as
 * helios_btree's do, but PrepareSortSupportFromIndexRel() accepts only
 * relam = btree: the index's relcache entry shows btree while the sort is
 * set up, and nothing else runs meanwhile.
 */
static Tuplesortstate *
hbt_begin_sort(Relation heap, Relation index)
{
	Oid			relam = index->rd_rel->relam;
	Tuplesortstate *sort;

	index->rd_rel->relam = BTREE_AM_OID;
	PG_TRY();
	{
		sort = tuplesort_begin_index_btree(heap, index, false, false,
										   maintenance_work_mem, NULL,
										   TUPLESORT_NONE);
	}
	PG_FINALLY();
	{
		index->rd_rel->relam = relam;
	}
	PG_END_TRY();
	return sort;
}

IndexBuildResult *
hbt_build(Relation heap, Relation index, IndexInfo *indexInfo)
{
	IndexBuildResult *result;
	HbtBuildState bs;
	HASHCTL		ctl;
	double		reltuples;
	Buffer		metabuf;

	if (!helios_is_helios_rel(heap))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("helios_btree index \"%s\" cannot be built on table \"%s\"",
						RelationGetRelationName(index), RelationGetRelationName(heap)),
				 errdetail("helios_btree indexes are supported only on tables using the helios access method."),
				 errhint("Use a btree index on this table.")));
	if (indexInfo->ii_Concurrent)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("helios_btree does not support CREATE INDEX CONCURRENTLY"),
				 errhint("Create index \"%s\" without CONCURRENTLY, or use btree.",
						 RelationGetRelationName(index))));
	if (RelationGetNumberOfBlocks(index) != 0)
		elog(ERROR, "index \"%s\" already contains data",
			 RelationGetRelationName(index));

	/* the metapage, through shared buffers like every later page */
	metabuf = hbt_newbuf(index);
	Assert(BufferGetBlockNumber(metabuf) == HBT_METAPAGE);
	START_CRIT_SECTION();
	hbt_init_metapage(BufferGetPage(metabuf), HBT_NONE, 0);
	MarkBufferDirty(metabuf);
	END_CRIT_SECTION();
	UnlockReleaseBuffer(metabuf);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(ItemPointerData);
	ctl.entrysize = sizeof(HbtBuildVersion);
	ctl.hcxt = CurrentMemoryContext;
	bs.versions = hash_create("helios_btree build versions", 1024, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	bs.oldestXmin = GetOldestNonRemovableTransactionId(heap);
	bs.indtuples = 0;
	bs.sort = hbt_begin_sort(heap, index);

	reltuples = table_index_build_scan(heap, index, indexInfo, true, true,
									   hbt_build_callback, &bs, NULL);
	tuplesort_performsort(bs.sort);

	hbt_building = true;
	PG_TRY();
	{
		hbt_build_load(heap, index, indexInfo, &bs);
	}
	PG_FINALLY();
	{
		hbt_building = false;
	}
	PG_END_TRY();
	tuplesort_end(bs.sort);
	hash_destroy(bs.versions);

	/* nothing above was WAL-logged: log every page now */
	if (RelationNeedsWAL(index))
		log_newpage_range(index, MAIN_FORKNUM, 0,
						  RelationGetNumberOfBlocks(index), true);
	hbt_invalidate_root(index);

	result = palloc(sizeof(IndexBuildResult));
	result->heap_tuples = reltuples;
	result->index_tuples = bs.indtuples;
	return result;
}

void
hbt_buildempty(Relation index)
{
	hbt_write_metapage(index, INIT_FORKNUM);
}

/* aminsert: a new row, or a row's new TID after an indexed-column UPDATE. */
bool
hbt_aminsert(Relation rel, Datum *values, bool *isnull, ItemPointer ht_ctid,
			 Relation heapRel, IndexUniqueCheck checkUnique,
			 bool indexUnchanged, IndexInfo *indexInfo)
{
	IndexTuple	itup;
	HbtVersion	v;
	bool		result;

	if (indexInfo->ii_Concurrent)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("helios_btree does not support CREATE INDEX CONCURRENTLY")));
	itup = index_form_tuple(RelationGetDescr(rel), values, isnull);
	itup->t_tid = *ht_ctid;
	hbt_version_for_insert(&v);
	result = hbt_insert(rel, heapRel, itup, &v, checkUnique, values, isnull);
	hbt_remember_entry(rel, itup);
	pfree(itup);
	return result;
}

/*
 * The entries made for the row most recently inserted by this transaction,
 * per index, so that killing a lost speculative insertion finds them
 * without evaluating index expressions again (nbtree never evaluates them
 * for that either, and they may have side effects).
 */
typedef struct HbtRemembered
{
	Oid			indexoid;
	IndexTuple	itup;
} HbtRemembered;

static MemoryContext hbt_remember_cxt = NULL;
static TransactionId hbt_remember_xid = InvalidTransactionId;
static ItemPointerData hbt_remember_tid;
static List *hbt_remembered = NIL;

static void
hbt_remember_entry(Relation rel, IndexTuple itup)
{
	TransactionId xid = GetCurrentTransactionId();
	MemoryContext old;
	ListCell   *lc;
	HbtRemembered *r;

	if (hbt_remember_cxt == NULL)
		hbt_remember_cxt = AllocSetContextCreate(TopMemoryContext,
												 "helios_btree last entries",
												 ALLOCSET_SMALL_SIZES);
	if (xid != hbt_remember_xid || !ItemPointerEquals(&itup->t_tid, &hbt_remember_tid))
	{
		MemoryContextReset(hbt_remember_cxt);
		hbt_remembered = NIL;
		hbt_remember_xid = xid;
		hbt_remember_tid = itup->t_tid;
	}
	old = MemoryContextSwitchTo(hbt_remember_cxt);
	foreach(lc, hbt_remembered)
	{
		r = lfirst(lc);
		if (r->indexoid == RelationGetRelid(rel))
		{
			r->itup = CopyIndexTuple(itup);
			MemoryContextSwitchTo(old);
			return;
		}
	}
	r = palloc(sizeof(HbtRemembered));
	r->indexoid = RelationGetRelid(rel);
	r->itup = CopyIndexTuple(itup);
	hbt_remembered = lappend(hbt_remembered, r);
	MemoryContextSwitchTo(old);
}

/* The entry this transaction last made in rel for row tid, or NULL. */
IndexTuple
hbt_remembered_entry(Relation rel, ItemPointer tid)
{
	ListCell   *lc;

	if (hbt_remember_xid != GetCurrentTransactionIdIfAny() ||
		!ItemPointerEquals(tid, &hbt_remember_tid))
		return NULL;
	foreach(lc, hbt_remembered)
	{
		HbtRemembered *r = lfirst(lc);

		if (r->indexoid == RelationGetRelid(rel))
			return r->itup;
	}
	return NULL;
}
