/*-------------------------------------------------------------------------
 *
 * helios_index.c
 *	  The table side of index maintenance on helios tables: CREATE INDEX
 *	  [CONCURRENTLY] (index_build_range_scan, index_validate_scan) and the
 *	  index AMs' deletion of entries whose rows are dead
 *	  (index_delete_tuples).
 *
 * Index entries name rows by their root TID (src/table/README).  A normal
 * build reads every stored version with SnapshotAny, judges it with
 * HeapTupleSatisfiesVacuum as heap's build does, and indexes it under the
 * root of its chain; a concurrent build indexes what its MVCC snapshot sees.
 * The validation pass of CREATE INDEX CONCURRENTLY merges the rows of an
 * MVCC scan, in root TID order, with the sorted TIDs already in the index.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/heapam_xlog.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/index.h"
#include "commands/progress.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplesort.h"

#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_scan.h"
#include "table/helios_vacuum.h"

/* ----------------------------------------------------------------
 *		CREATE INDEX
 * ----------------------------------------------------------------
 */

/* What an index build needs to turn a stored row into index entries. */
typedef struct HeliosBuildState
{
	Relation	indexRelation;
	IndexInfo  *indexInfo;
	IndexBuildCallback callback;
	void	   *callback_state;
	EState	   *estate;
	ExprContext *econtext;
	ExprState  *predicate;
	TupleTableSlot *slot;		/* holds the row under test */
	Datum		values[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];
} HeliosBuildState;

/*
 * The stored version behind the build callback being called, for index AMs
 * whose entries carry the row's xmin and xmax (helios_btree); NULL outside
 * a callback.
 */
HeapTuple	helios_index_build_tuple = NULL;

/* Hand the row in bs->slot to the index AM under TID rowid. */
static void
helios_build_emit(HeliosBuildState *bs, ItemPointer rowid, bool tupleIsAlive)
{
	/* partial index: rows that fail the predicate get no entry */
	if (bs->predicate != NULL && !ExecQual(bs->predicate, bs->econtext))
		return;

	/* extract the key columns, evaluating expressions if any */
	FormIndexDatum(bs->indexInfo, bs->slot, bs->estate, bs->values,
				   bs->isnull);

	/*
	 * The AM gets values rather than an index tuple, since some AMs process
	 * the data further first.
	 */
	helios_index_build_tuple = ((HeliosTupleTableSlot *) bs->slot)->tuple;
	bs->callback(bs->indexRelation, rowid, bs->values, bs->isnull,
				 tupleIsAlive, bs->callback_state);
	helios_index_build_tuple = NULL;
}

/*
 * Report progress if the scan moved to another block since the last call.
 */
static void
helios_build_progress(HeliosScanDesc hscan, BlockNumber *previous_blkno)
{
	BlockNumber blocks_done = helios_scan_blocks_done(hscan);

	if (blocks_done != *previous_blkno)
	{
		pgstat_progress_update_param(PROGRESS_SCAN_BLOCKS_DONE, blocks_done);
		*previous_blkno = blocks_done;
	}
}

/*
 * SnapshotAny build: look at every stored version and decide with
 * HeapTupleSatisfiesVacuum, exactly as heapam_index_build_range_scan,
 * because RECENTLY_DEAD versions must be indexed for transactions that
 * still see them.  Versions are indexed under their row's ROOT TID.
 *
 * Each item is examined under the share lock taken just for it, reading
 * the line pointer array afresh: with only ShareUpdateExclusiveLock (BRIN
 * summarization) rows may be added to the page while we are on it.
 */
/*
 * Decide whether a SnapshotAny build indexes version tuple (on the locked
 * buffer), with heapam_index_build_range_scan's rules; waits for inserters
 * or deleters where heap waits, with the buffer unlocked meanwhile.
 * Counts live versions into *reltuples.
 */
static bool
helios_build_judge(Relation heapRelation, IndexInfo *indexInfo,
				   HeapTuple tuple, Buffer buffer, TransactionId OldestXmin,
				   bool anyvisible, bool checking_uniqueness,
				   bool is_system_catalog, double *reltuples,
				   bool *tupleIsAlive_p)
{
	bool		indexIt = false;
	bool		tupleIsAlive = false;

	for (;;)
	{
		TransactionId xwait = InvalidTransactionId;

		/*
		 * The live/dead rules must match ANALYZE's, or CREATE INDEX and
		 * ANALYZE would compute different reltuples.
		 */
		switch (HeapTupleSatisfiesVacuum(tuple, OldestXmin, buffer))
		{
			case HEAPTUPLE_DEAD:
				indexIt = false;
				tupleIsAlive = false;
				break;

			case HEAPTUPLE_LIVE:
				indexIt = true;
				tupleIsAlive = true;
				*reltuples += 1;
				break;

			case HEAPTUPLE_RECENTLY_DEAD:

				/*
				 * Older snapshots may still need it, so index it ... unless it
				 * was updated within its chain: the chain is indexed once,
				 * through the version at its end, and snapshots that see this
				 * older version cannot use the new index (ii_BrokenHotChain).
				 */
				if (HeapTupleIsHotUpdated(tuple))
				{
					indexIt = false;
					indexInfo->ii_BrokenHotChain = true;
				}
				else
					indexIt = true;
				/* never unique-checked, never counted */
				tupleIsAlive = false;
				break;

			case HEAPTUPLE_INSERT_IN_PROGRESS:
				if (anyvisible)
				{
					indexIt = true;
					tupleIsAlive = true;
					*reltuples += 1;
					break;
				}

				/*
				 * With ShareLock on the table this is normally our own insert;
				 * system catalogs release write locks early, so there it can
				 * be someone else's.
				 */
				if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple->t_data)))
				{
					if (!is_system_catalog)
						ereport(WARNING,
								(errcode(ERRCODE_WARNING),
								 errmsg("concurrent insert in progress within table \"%s\"",
										RelationGetRelationName(heapRelation))));

					/*
					 * Indexing it could raise a bogus uniqueness failure if
					 * the inserter aborts: wait for it.
					 */
					if (checking_uniqueness)
					{
						xwait = HeapTupleHeaderGetXmin(tuple->t_data);
						break;
					}
				}
				else
				{
					/* counted as live only if ours, as ANALYZE does */
					*reltuples += 1;
				}
				/* if the build commits, the row is good */
				indexIt = true;
				tupleIsAlive = true;
				break;

			case HEAPTUPLE_DELETE_IN_PROGRESS:
				if (anyvisible)
				{
					indexIt = true;
					tupleIsAlive = false;
					*reltuples += 1;
					break;
				}

				if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetUpdateXid(tuple->t_data)))
				{
					if (!is_system_catalog)
						ereport(WARNING,
								(errcode(ERRCODE_WARNING),
								 errmsg("concurrent delete in progress within table \"%s\"",
										RelationGetRelationName(heapRelation))));

					/*
					 * Wait for the deleter if the answer matters: a unique
					 * check must not miss a row that survives an abort, and a
					 * version updated within its chain must be indexed only if
					 * the update aborts.
					 */
					if (checking_uniqueness ||
						HeapTupleIsHotUpdated(tuple))
					{
						xwait = HeapTupleHeaderGetUpdateXid(tuple->t_data);
						break;
					}

					/* else as RECENTLY_DEAD, but counted as ANALYZE */
					indexIt = true;
					*reltuples += 1;
				}
				else if (HeapTupleIsHotUpdated(tuple))
				{
					/*
					 * Our own deletion of a chain-updated version: assume we
					 * commit, as for RECENTLY_DEAD.
					 */
					indexIt = false;
					indexInfo->ii_BrokenHotChain = true;
				}
				else
				{
					/* our own deletion: index, don't check or count */
					indexIt = true;
				}
				tupleIsAlive = false;
				break;

			default:
				elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
				indexIt = tupleIsAlive = false; /* keep compiler quiet */
				break;
		}

		if (!TransactionIdIsValid(xwait))
			break;

		/* wait without the buffer lock, then look again */
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		XactLockTableWait(xwait, heapRelation, &tuple->t_self,
						  XLTW_InsertIndexUnique);
		CHECK_FOR_INTERRUPTS();
		LockBuffer(buffer, BUFFER_LOCK_SHARE);
	}

	*tupleIsAlive_p = tupleIsAlive;
	return indexIt;
}

/*
 * Index the versions of row rowid stored past its root's page: a SnapshotAny
 * build delivers them when it reaches the root, so that every version of a
 * row is indexed in root order (BRIN summarizes by the root's block) and
 * exactly once.  seg is the root's segment; no buffer lock is held.
 */
static void
helios_build_forwarded(Relation heapRelation, HeliosBuildState *bs,
					   ItemPointer rowid, HeliosSegment *seg,
					   TransactionId OldestXmin, bool anyvisible,
					   bool checking_uniqueness, bool is_system_catalog,
					   double *reltuples)
{
	while (ItemPointerIsValid(&seg->next))
	{
		Buffer		buffer = helios_segment_follow(heapRelation, rowid, seg,
												   BUFFER_LOCK_SHARE);
		HeliosSegment here = *seg;

		if (!BufferIsValid(buffer))
			break;

		for (int i = 0; i < here.n; i++)
		{
			HeapTupleData tuple;
			bool		indexIt;
			bool		tupleIsAlive;

			if (i > 0)
				LockBuffer(buffer, BUFFER_LOCK_SHARE);
			helios_member_tuple(heapRelation, buffer, here.members[i], &tuple);
			indexIt = helios_build_judge(heapRelation, bs->indexInfo, &tuple,
										 buffer, OldestXmin, anyvisible,
										 checking_uniqueness,
										 is_system_catalog, reltuples,
										 &tupleIsAlive);
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			if (!indexIt)
				continue;
			MemoryContextReset(bs->econtext->ecxt_per_tuple_memory);
			helios_slot_store(bs->slot, &tuple, buffer, rowid, false);
			helios_build_emit(bs, rowid, tupleIsAlive);
		}
		if (here.n == 0)
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		ReleaseBuffer(buffer);
	}
}

static double
helios_build_all_versions(Relation heapRelation, HeliosScanDesc hscan,
						  HeliosBuildState *bs, TransactionId OldestXmin,
						  bool anyvisible, bool checking_uniqueness,
						  bool progress)
{
	IndexInfo  *indexInfo = bs->indexInfo;
	bool		is_system_catalog = IsSystemRelation(heapRelation);
	BlockNumber previous_blkno = InvalidBlockNumber;
	double		reltuples = 0;

	while (helios_scan_next_page(hscan))
	{
		Buffer		buffer = hscan->rs_cbuf;
		BlockNumber blkno = hscan->rs_cblock;
		Page		page = BufferGetPage(buffer);
		OffsetNumber root_offsets[MaxHeapTuplesPerPage];
		OffsetNumber forwarded[MaxHeapTuplesPerPage];
		int			nforwarded;
		OffsetNumber offnum;

		CHECK_FOR_INTERRUPTS();

		if (progress)
			helios_build_progress(hscan, &previous_blkno);

		/*
		 * The roots stay valid while we hold the pin: no pruning can happen,
		 * and liveness changes do not move chains.  Waiting for another
		 * transaction below does not invalidate them either.
		 */
		LockBuffer(buffer, BUFFER_LOCK_SHARE);
		helios_check_page(heapRelation, buffer);
		helios_get_root_tuples(page, blkno, root_offsets);
		nforwarded = helios_forwarded_roots(heapRelation, buffer, forwarded);
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

		for (offnum = FirstOffsetNumber;; offnum = OffsetNumberNext(offnum))
		{
			HeapTupleData tuple;
			ItemPointerData rowid;
			ItemId		lp;
			bool		indexIt = false;
			bool		tupleIsAlive = false;

			CHECK_FOR_INTERRUPTS();

			LockBuffer(buffer, BUFFER_LOCK_SHARE);
			if (offnum > PageGetMaxOffsetNumber(page))
			{
				LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
				break;
			}
			lp = PageGetItemId(page, offnum);
			if (!ItemIdIsNormal(lp))
			{
				LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
				continue;
			}
			helios_member_tuple(heapRelation, buffer, offnum, &tuple);

			if (HeliosTupleIsStub(tuple.t_data) ||
				root_offsets[offnum - 1] == HELIOS_ROOT_ELSEWHERE)
			{
				/* a stub, or delivered with its row from the root's page */
				LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
				continue;
			}
			indexIt = helios_build_judge(heapRelation, indexInfo, &tuple,
										 buffer, OldestXmin, anyvisible,
										 checking_uniqueness,
										 is_system_catalog, &reltuples,
										 &tupleIsAlive);
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

			if (!indexIt)
				continue;

			/*
			 * Index entries name rows by their root.  A heap-only version
			 * whose root we do not know appeared after we mapped the page
			 * (see above): map it again.
			 */
			if (HeapTupleHeaderIsHeapOnly(tuple.t_data))
			{
				if (!OffsetNumberIsValid(root_offsets[offnum - 1]))
				{
					LockBuffer(buffer, BUFFER_LOCK_SHARE);
					helios_get_root_tuples(page, blkno, root_offsets);
					LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
				}
				if (root_offsets[offnum - 1] == HELIOS_ROOT_ELSEWHERE)
					continue;	/* a row forwarded here meanwhile */
				if (!OffsetNumberIsValid(root_offsets[offnum - 1]))
					ereport(ERROR,
							(errcode(ERRCODE_DATA_CORRUPTED),
							 errmsg_internal("failed to find root of version (%u,%u) in table \"%s\"",
											 blkno, offnum,
											 RelationGetRelationName(heapRelation))));
				ItemPointerSet(&rowid, blkno, root_offsets[offnum - 1]);
			}
			else
				ItemPointerSet(&rowid, blkno, offnum);

			MemoryContextReset(bs->econtext->ecxt_per_tuple_memory);
			helios_slot_store(bs->slot, &tuple, buffer, &rowid, false);
			helios_build_emit(bs, &rowid, tupleIsAlive);
		}

		/* then the versions of this page's rows stored elsewhere */
		for (int i = 0; i < nforwarded; i++)
		{
			HeliosSegment seg;
			ItemPointerData rowid;

			LockBuffer(buffer, BUFFER_LOCK_SHARE);
			helios_root_segment(heapRelation, buffer, forwarded[i], &seg);
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			ItemPointerSet(&rowid, blkno, forwarded[i]);
			helios_build_forwarded(heapRelation, bs, &rowid, &seg,
								   OldestXmin, anyvisible,
								   checking_uniqueness, is_system_catalog,
								   &reltuples);
		}
	}

	return reltuples;
}

/*
 * Table side of CREATE INDEX, as heapam_index_build_range_scan.  A normal
 * build reads every version with SnapshotAny and decides liveness itself;
 * a concurrent build (or bootstrap) indexes what an MVCC snapshot sees.
 * Either way each entry carries the ROOT TID of its row, and at most one
 * version per chain is indexed (else two entries would name one row).
 */
double
helios_index_build_range_scan(Relation heapRelation,
							  Relation indexRelation,
							  IndexInfo *indexInfo,
							  bool allow_sync,
							  bool anyvisible,
							  bool progress,
							  BlockNumber start_blockno,
							  BlockNumber numblocks,
							  IndexBuildCallback callback,
							  void *callback_state,
							  TableScanDesc scan)
{
	HeliosBuildState bs;
	HeliosScanDesc hscan;
	bool		checking_uniqueness;
	Snapshot	snapshot;
	bool		need_unregister_snapshot = false;
	TransactionId OldestXmin;
	double		reltuples = 0;

	Assert(OidIsValid(indexRelation->rd_rel->relam));

	checking_uniqueness = (indexInfo->ii_Unique ||
						   indexInfo->ii_ExclusionOps != NULL);

	/* "any visible" mode cannot be combined with uniqueness checks */
	Assert(!(anyvisible && checking_uniqueness));

	/* executor state for expressions and predicates, and a row slot */
	bs.indexRelation = indexRelation;
	bs.indexInfo = indexInfo;
	bs.callback = callback;
	bs.callback_state = callback_state;
	bs.estate = CreateExecutorState();
	bs.econtext = GetPerTupleExprContext(bs.estate);
	bs.slot = table_slot_create(heapRelation, NULL);
	bs.econtext->ecxt_scantuple = bs.slot;
	bs.predicate = ExecPrepareQual(indexInfo->ii_Predicate, bs.estate);

	/*
	 * SnapshotAny unless the build is concurrent (or in bootstrap), in which
	 * case an MVCC snapshot decides what to index.  Lazy VACUUMs may be
	 * ignored when computing the horizon.
	 */
	OldestXmin = InvalidTransactionId;
	if (!IsBootstrapProcessingMode() && !indexInfo->ii_Concurrent)
		OldestXmin = GetOldestNonRemovableTransactionId(heapRelation);

	if (!scan)
	{
		/* serial build: our own scan, and our own snapshot if MVCC */
		if (!TransactionIdIsValid(OldestXmin))
		{
			snapshot = RegisterSnapshot(GetTransactionSnapshot());
			need_unregister_snapshot = true;
		}
		else
			snapshot = SnapshotAny;

		scan = table_beginscan_strat(heapRelation, snapshot, 0, NULL,
									 true, allow_sync);
	}
	else
	{
		/*
		 * Parallel build: the leader set up the scan and its snapshot, by
		 * the same rule as above.
		 */
		Assert(!IsBootstrapProcessingMode());
		Assert(allow_sync);
		snapshot = scan->rs_snapshot;
	}

	hscan = (HeliosScanDesc) scan;
	hscan->rs_root_order = true;	/* rows in root order, see helios_scan.h */

	Assert(snapshot == SnapshotAny || IsMVCCSnapshot(snapshot));
	Assert(snapshot == SnapshotAny ? TransactionIdIsValid(OldestXmin) :
		   !TransactionIdIsValid(OldestXmin));
	Assert(snapshot == SnapshotAny || !anyvisible);

	if (progress)
	{
		BlockNumber nblocks;

		if (scan->rs_parallel != NULL)
			nblocks = ((ParallelBlockTableScanDesc) scan->rs_parallel)->phs_nblocks;
		else
			nblocks = hscan->rs_nblocks;
		pgstat_progress_update_param(PROGRESS_SCAN_BLOCKS_TOTAL, nblocks);
	}

	if (!allow_sync)
		helios_scan_setlimits(scan, start_blockno, numblocks);
	else
	{
		/* a synchronized scan covers the whole relation */
		Assert(start_blockno == 0);
		Assert(numblocks == InvalidBlockNumber);
	}

	if (snapshot == SnapshotAny)
		reltuples = helios_build_all_versions(heapRelation, hscan, &bs,
											  OldestXmin, anyvisible,
											  checking_uniqueness, progress);
	else
	{
		BlockNumber previous_blkno = InvalidBlockNumber;

		/*
		 * The scan returns one visible version per row, already under the
		 * row's root TID.
		 */
		for (;;)
		{
			ItemPointerData rowid;

			MemoryContextReset(bs.econtext->ecxt_per_tuple_memory);
			if (!table_scan_getnextslot(scan, ForwardScanDirection, bs.slot))
				break;

			CHECK_FOR_INTERRUPTS();

			if (progress)
				helios_build_progress(hscan, &previous_blkno);

			reltuples += 1;
			rowid = bs.slot->tts_tid;
			helios_build_emit(&bs, &rowid, true);
		}
	}

	if (progress)
	{
		BlockNumber blks_done;

		if (scan->rs_parallel != NULL)
			blks_done = ((ParallelBlockTableScanDesc) scan->rs_parallel)->phs_nblocks;
		else
			blks_done = hscan->rs_nblocks;
		pgstat_progress_update_param(PROGRESS_SCAN_BLOCKS_DONE, blks_done);
	}

	table_endscan(scan);

	if (need_unregister_snapshot)
		UnregisterSnapshot(snapshot);

	ExecDropSingleTupleTableSlot(bs.slot);
	FreeExecutorState(bs.estate);

	/* these may point into the estate we just freed */
	indexInfo->ii_ExpressionsState = NIL;
	indexInfo->ii_PredicateState = NULL;

	return reltuples;
}

/*
 * Second table pass of CREATE INDEX CONCURRENTLY, as
 * heapam_index_validate_scan: insert every row the reference snapshot sees
 * that the index (whose TIDs arrive sorted through state->tuplesort) does
 * not have yet.
 *
 * The scan reports rows under their ROOT TIDs in increasing order (block
 * by block, roots in offset order, no synchronized start), so a plain merge
 * against the sorted index TIDs suffices; heap needs to look back within a
 * page because it meets heap-only tuples before their roots.
 */
void
helios_index_validate_scan(Relation heapRelation,
						   Relation indexRelation,
						   IndexInfo *indexInfo,
						   Snapshot snapshot,
						   ValidateIndexState *state)
{
	TableScanDesc scan;
	HeliosScanDesc hscan;
	Datum		values[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];
	ExprState  *predicate;
	TupleTableSlot *slot;
	EState	   *estate;
	ExprContext *econtext;
	BlockNumber previous_blkno = InvalidBlockNumber;
	ItemPointer indexcursor = NULL;
	ItemPointerData decoded;
	bool		tuplesort_empty = false;

	Assert(OidIsValid(indexRelation->rd_rel->relam));

	estate = CreateExecutorState();
	econtext = GetPerTupleExprContext(estate);
	slot = table_slot_create(heapRelation, NULL);
	econtext->ecxt_scantuple = slot;
	predicate = ExecPrepareQual(indexInfo->ii_Predicate, estate);

	/* block 0 onwards, to match the sorted TIDs: no synchronized scan */
	scan = table_beginscan_strat(heapRelation, snapshot, 0, NULL, true, false);
	hscan = (HeliosScanDesc) scan;
	hscan->rs_root_order = true;	/* rows in root order, see helios_scan.h */

	pgstat_progress_update_param(PROGRESS_SCAN_BLOCKS_TOTAL, hscan->rs_nblocks);

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		ItemPointerData rowid = slot->tts_tid;

		CHECK_FOR_INTERRUPTS();

		state->htups += 1;

		if (previous_blkno == InvalidBlockNumber ||
			hscan->rs_cblock != previous_blkno)
		{
			pgstat_progress_update_param(PROGRESS_SCAN_BLOCKS_DONE,
										 hscan->rs_cblock);
			previous_blkno = hscan->rs_cblock;
		}

		/* advance the index side until it reaches or passes this row */
		while (!tuplesort_empty &&
			   (!indexcursor || ItemPointerCompare(indexcursor, &rowid) < 0))
		{
			Datum		ts_val;
			bool		ts_isnull;

			tuplesort_empty = !tuplesort_getdatum(state->tuplesort, true,
												  &ts_val, &ts_isnull, NULL);
			Assert(tuplesort_empty || !ts_isnull);
			if (!tuplesort_empty)
			{
				itemptr_decode(&decoded, DatumGetInt64(ts_val));
				indexcursor = &decoded;

				/* pass-by-reference int8 leaves memory to free */
#ifndef USE_FLOAT8_BYVAL
				pfree(DatumGetPointer(ts_val));
#endif
			}
			else
				indexcursor = NULL;
		}

		/* passed it without a match: the row is missing from the index */
		if (tuplesort_empty || ItemPointerCompare(indexcursor, &rowid) > 0)
		{
			MemoryContextReset(econtext->ecxt_per_tuple_memory);

			if (predicate != NULL && !ExecQual(predicate, econtext))
				continue;

			FormIndexDatum(indexInfo, slot, estate, values, isnull);

			/*
			 * Even a row whose version is committed dead by now must be
			 * inserted with the uniqueness check: the insert stands for a
			 * check on the whole chain, whose updater inserted no entries.
			 */
			index_insert(indexRelation, values, isnull, &rowid, heapRelation,
						 indexInfo->ii_Unique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO,
						 false, indexInfo);

			state->tups_inserted += 1;
		}
	}

	table_endscan(scan);

	ExecDropSingleTupleTableSlot(slot);
	FreeExecutorState(estate);

	/* these may point into the estate we just freed */
	indexInfo->ii_ExpressionsState = NIL;
	indexInfo->ii_PredicateState = NULL;
}


/* ----------------------------------------------------------------
 *		index_delete_tuples
 * ----------------------------------------------------------------
 */

/* bottom-up index deletion visits at most this many table blocks */
#define BOTTOMUP_MAX_NBLOCKS	6

static int
deltid_cmp(const void *a, const void *b)
{
	return ItemPointerCompare(&((TM_IndexDelete *) a)->tid,
							  &((TM_IndexDelete *) b)->tid);
}

typedef struct BottomUpBlock
{
	BlockNumber blkno;
	int			first;			/* its first deltid (TID order) */
	int			ntids;
	int			npromising;
} BottomUpBlock;

static int
bottomup_block_cmp(const void *a, const void *b)
{
	const BottomUpBlock *b1 = a;
	const BottomUpBlock *b2 = b;

	/* most promising entries first, then most entries, then block order */
	if (b1->npromising != b2->npromising)
		return b1->npromising > b2->npromising ? -1 : 1;
	if (b1->ntids != b2->ntids)
		return b1->ntids > b2->ntids ? -1 : 1;
	return b1->blkno < b2->blkno ? -1 : (b1->blkno > b2->blkno ? 1 : 0);
}

/*
 * Bottom-up deletion offers every entry of an index page.  Keep only the
 * entries of the few table blocks with the most "promising" entries (the
 * index AM's guess at old versions of rows updated in place), most
 * promising block first.  deltids must be in TID order.
 */
static void
bottomup_pick_blocks(TM_IndexDeleteOp *delstate)
{
	int			n = delstate->ndeltids;
	BottomUpBlock *blocks = palloc(n * sizeof(BottomUpBlock));
	TM_IndexDelete *kept = palloc(n * sizeof(TM_IndexDelete));
	int			nblocks = 0,
				nkept = 0;

	for (int i = 0; i < n; i++)
	{
		TM_IndexDelete *d = &delstate->deltids[i];

		if (nblocks == 0 ||
			blocks[nblocks - 1].blkno != ItemPointerGetBlockNumber(&d->tid))
		{
			blocks[nblocks].blkno = ItemPointerGetBlockNumber(&d->tid);
			blocks[nblocks].first = i;
			blocks[nblocks].ntids = blocks[nblocks].npromising = 0;
			nblocks++;
		}
		blocks[nblocks - 1].ntids++;
		if (delstate->status[d->id].promising)
			blocks[nblocks - 1].npromising++;
	}
	qsort(blocks, nblocks, sizeof(BottomUpBlock), bottomup_block_cmp);
	for (int b = 0; b < Min(nblocks, BOTTOMUP_MAX_NBLOCKS); b++)
	{
		memcpy(&kept[nkept], &delstate->deltids[blocks[b].first],
			   blocks[b].ntids * sizeof(TM_IndexDelete));
		nkept += blocks[b].ntids;
	}
	memcpy(delstate->deltids, kept, nkept * sizeof(TM_IndexDelete));
	delstate->ndeltids = nkept;
	pfree(kept);
	pfree(blocks);
}

/*
 * An index entry must name a root: a used line pointer that is not a
 * heap-only version.  Anything else means the index is corrupt.  (The index
 * AM holds a lock on its page, so VACUUM cannot have changed that.)
 */
static void
check_index_tid(TM_IndexDeleteOp *delstate, Page page, ItemPointer htid,
				TM_IndexStatus *istatus)
{
	OffsetNumber off = ItemPointerGetOffsetNumber(htid);
	const char *problem = NULL;

	if (off < FirstOffsetNumber || off > PageGetMaxOffsetNumber(page))
		problem = "points past end of table page line pointer array";
	else if (!ItemIdIsUsed(PageGetItemId(page, off)))
		problem = "points to unused table page item";
	else if (ItemIdIsNormal(PageGetItemId(page, off)) &&
			 HeapTupleHeaderIsHeapOnly((HeapTupleHeader)
									   PageGetItem(page, PageGetItemId(page, off))))
		problem = "points to a version that is not a row's root";
	if (problem)
		ereport(ERROR,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg_internal("table tid from index tuple (%u,%u) %s at offset %u of block %u in index \"%s\"",
								 ItemPointerGetBlockNumber(htid), off, problem,
								 istatus->idxoffnum, delstate->iblknum,
								 RelationGetRelationName(delstate->irel))));
}

/*
 * Walk the chain rooted at offnum (page share-locked).  Returns true if
 * every version is dead to everyone.  If latestRemovedXid is given, it is
 * advanced over every version instead and the walk does not stop early.
 */
static bool
walk_row(Relation rel, Buffer buf, OffsetNumber offnum,
		 GlobalVisState *vistest, TransactionId *latestRemovedXid)
{
	Page		page = BufferGetPage(buf);
	TransactionId priorXmax = InvalidTransactionId;
	bool		at_chain_start = true;
	HeapTupleData tup;

	tup.t_tableOid = RelationGetRelid(rel);
	for (;;)
	{
		ItemId		lp;

		if (offnum < FirstOffsetNumber || offnum > PageGetMaxOffsetNumber(page))
			break;
		lp = PageGetItemId(page, offnum);

		/* a redirect is followed at the root only; LP_DEAD ends the row */
		if (ItemIdIsRedirected(lp) && at_chain_start)
		{
			offnum = ItemIdGetRedirect(lp);
			at_chain_start = false;
			continue;
		}
		if (!ItemIdIsNormal(lp))
			break;

		tup.t_data = (HeapTupleHeader) PageGetItem(page, lp);
		tup.t_len = ItemIdGetLength(lp);
		ItemPointerSet(&tup.t_self, BufferGetBlockNumber(buf), offnum);
		if (TransactionIdIsValid(priorXmax) &&
			!TransactionIdEquals(priorXmax, HeapTupleHeaderGetXmin(tup.t_data)))
			break;

		if (latestRemovedXid)
			HeapTupleHeaderAdvanceLatestRemovedXid(tup.t_data,
												   latestRemovedXid);
		else
		{
			TransactionId dead_after;
			HTSV_Result res;

			res = HeapTupleSatisfiesVacuumHorizon(&tup, buf, &dead_after);
			if (res == HEAPTUPLE_RECENTLY_DEAD &&
				GlobalVisTestIsRemovableXid(vistest, dead_after))
				res = HEAPTUPLE_DEAD;
			if (res != HEAPTUPLE_DEAD)
				return false;
		}

		if (!HeapTupleHeaderIsHotUpdated(tup.t_data))
			break;

		/* a forwarded row lives on elsewhere, as far as we know here */
		if (ItemPointerGetBlockNumber(&tup.t_data->t_ctid) !=
			BufferGetBlockNumber(buf))
			return false;
		offnum = ItemPointerGetOffsetNumber(&tup.t_data->t_ctid);
		priorXmax = HeliosTupleIsStub(tup.t_data) ? InvalidTransactionId :
			HeapTupleHeaderGetUpdateXid(tup.t_data);
		at_chain_start = false;
	}
	return true;
}

/*
 * index_delete_tuples callback: mark knowndeletable the entries whose row
 * has only versions dead to everyone, and return the newest xid removed
 * (for the index AM's WAL record and hot-standby conflicts).  Entries are
 * sorted by TID so that each table page is locked once.
 *
 * Simple deletion checks every entry offered.  Bottom-up deletion checks
 * the entries of the most promising blocks only, and stops once the space
 * target is met or a block yields nothing (heap's rules without its finer
 * block-ordering heuristics).
 */
TransactionId
helios_index_delete_tuples(Relation rel, TM_IndexDeleteOp *delstate)
{
	TransactionId latestRemovedXid = InvalidTransactionId;
	GlobalVisState *vistest = GlobalVisTestFor(rel);
	BlockNumber blkno = InvalidBlockNumber;
	Buffer		buf = InvalidBuffer;
	int			finalndeltids = 0,
				nblocksaccessed = 0,
				actualfreespace = 0,
				lastfreespace = 0;
	bool		bottomup_final_block = false;

	Assert(delstate->ndeltids > 0);
	qsort(delstate->deltids, delstate->ndeltids, sizeof(TM_IndexDelete),
		  deltid_cmp);
	if (delstate->bottomup)
		bottomup_pick_blocks(delstate);

	for (int i = 0; i < delstate->ndeltids; i++)
	{
		TM_IndexDelete *ideltid = &delstate->deltids[i];
		TM_IndexStatus *istatus = delstate->status + ideltid->id;
		ItemPointer htid = &ideltid->tid;

		if (ItemPointerGetBlockNumber(htid) != blkno)
		{
			if (delstate->bottomup &&
				(bottomup_final_block ||
				 (nblocksaccessed >= 1 && actualfreespace == lastfreespace)))
				break;			/* target met, or last block freed nothing */
			lastfreespace = actualfreespace;

			if (BufferIsValid(buf))
				UnlockReleaseBuffer(buf);
			blkno = ItemPointerGetBlockNumber(htid);
			buf = ReadBuffer(rel, blkno);
			nblocksaccessed++;
			LockBuffer(buf, BUFFER_LOCK_SHARE);
			helios_check_page(rel, buf);
		}

		check_index_tid(delstate, BufferGetPage(buf), htid, istatus);

		if (istatus->knowndeletable)
			Assert(!delstate->bottomup && !istatus->promising);
		else
		{
			if (!walk_row(rel, buf, ItemPointerGetOffsetNumber(htid), vistest,
						  NULL))
				continue;
			istatus->knowndeletable = true;
			if (delstate->bottomup)
			{
				Assert(istatus->freespace > 0);
				actualfreespace += istatus->freespace;
				if (actualfreespace >= delstate->bottomupfreespace)
					bottomup_final_block = true;
			}
		}

		/*
		 * An LP_DEAD root adds nothing: the prune that made it so logged
		 * the conflict for its versions already.
		 */
		walk_row(rel, buf, ItemPointerGetOffsetNumber(htid), vistest,
				 &latestRemovedXid);
		finalndeltids = i + 1;
	}
	if (BufferIsValid(buf))
		UnlockReleaseBuffer(buf);

	/*
	 * Drop the entries after the last deletable one; index AMs rely on
	 * ndeltids == 0 meaning that nothing is deletable.
	 */
	Assert(finalndeltids > 0 || delstate->bottomup);
	delstate->ndeltids = finalndeltids;
	return latestRemovedXid;
}
