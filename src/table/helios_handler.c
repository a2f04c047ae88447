/*-------------------------------------------------------------------------
 *
 * helios_handler.c
 *	  The helios TableAmRoutine: wires the table access method API to
 *	  helios's scans (helios_scan.c), row operations (heliosam.c,
 *	  helios_dml.c, helios_lock.c), VACUUM (helios_vacuum.c), and implements
 *	  the relation-level callbacks: storage creation and copying, CLUSTER /
 *	  VACUUM FULL, TOAST decisions and size estimates.
 *
 * Every callback of TableAmRoutine is filled in; see helios_am.h for the
 * row-identity rules (rows are named by their root TID) and
 * src/table/README for invariants and locking.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/multixact.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xloginsert.h"
#include "catalog/catalog.h"
#include "catalog/pg_am.h"
#include "catalog/storage.h"
#include "catalog/storage_xlog.h"
#include "commands/progress.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/smgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplesort.h"

#include "helios.h"
#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_scan.h"

PG_FUNCTION_INFO_V1(helios_tableam_handler);

static const TableAmRoutine helios_methods;


/* ------------------------------------------------------------------------
 * slots and single-row callbacks
 * ------------------------------------------------------------------------
 */

static const TupleTableSlotOps *
helios_slot_callbacks(Relation rel)
{
	return &TTSOpsHeliosTuple;
}

static bool
helios_tuple_tid_valid(TableScanDesc sscan, ItemPointer tid)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	ItemPointerData rowid = helios_row_tid(tid);

	return ItemPointerIsValid(&rowid) && !helios_is_version_tid(&rowid) &&
		ItemPointerGetBlockNumber(&rowid) < scan->rs_nblocks;
}

static void
helios_tuple_get_latest_tid(TableScanDesc sscan, ItemPointer tid)
{
	helios_get_latest_tid(sscan->rs_rd, sscan->rs_snapshot, tid);
}

/*
 * Does the version in slot satisfy snapshot?  Visibility checks may set
 * hint bits, which needs the buffer the version lives in, locked.
 */
static bool
helios_tuple_satisfies_snapshot(Relation rel, TupleTableSlot *slot,
								Snapshot snapshot)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	Buffer		buffer;
	bool		res;

	Assert(slot->tts_ops == &TTSOpsHeliosTuple);

	if (hslot->tuple == NULL || !ItemPointerIsValid(&slot->tts_tid))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot check the visibility of a row that is not stored in relation \"%s\"",
						RelationGetRelationName(rel))));

	if (BufferIsValid(hslot->buffer))
	{
		/* the caller holds the pin, we take the lock */
		LockBuffer(hslot->buffer, BUFFER_LOCK_SHARE);
		helios_check_page(rel, hslot->buffer);
		res = HeapTupleSatisfiesVisibility(hslot->tuple, snapshot,
										   hslot->buffer);
		LockBuffer(hslot->buffer, BUFFER_LOCK_UNLOCK);
		return res;
	}

	/*
	 * A materialized copy has no buffer, but setting a hint bit calls
	 * MarkBufferDirtyHint and looks at the page LSN.  Evaluate the copy with
	 * its row's page locked: the hints land on the copy, and at worst that
	 * page is marked hint-dirty for nothing.
	 */
	buffer = ReadBuffer(rel, ItemPointerGetBlockNumber(&slot->tts_tid));
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	helios_check_page(rel, buffer);
	res = HeapTupleSatisfiesVisibility(hslot->tuple, snapshot, buffer);
	UnlockReleaseBuffer(buffer);

	return res;
}


/* ------------------------------------------------------------------------
 * row changes
 * ------------------------------------------------------------------------
 */

static void
helios_tuple_insert(Relation rel, TupleTableSlot *slot, CommandId cid,
					int options, BulkInsertState bistate)
{
	helios_insert(rel, slot, cid, options, bistate, 0);
}

static void
helios_tuple_insert_speculative(Relation rel, TupleTableSlot *slot,
								CommandId cid, int options,
								BulkInsertState bistate, uint32 specToken)
{
	helios_insert(rel, slot, cid, options, bistate, specToken);
}

static void
helios_tuple_complete_speculative(Relation rel, TupleTableSlot *slot,
								  uint32 specToken, bool succeeded)
{
	if (succeeded)
		helios_finish_speculative(rel, &slot->tts_tid);
	else
		helios_abort_speculative(rel, &slot->tts_tid);
}

/*
 * Nothing to do: helios WAL-logs every insert as it is made (there is no
 * skip-WAL bulk path whose pages would need syncing at the end), and bulk
 * insert state is released by its owner.
 */
static void
helios_finish_bulk_insert(Relation rel, int options)
{
}


/* ------------------------------------------------------------------------
 * relation storage
 * ------------------------------------------------------------------------
 */

static void
helios_relation_set_new_filenode(Relation rel, const RelFileNode *newrnode,
								 char persistence, TransactionId *freezeXid,
								 MultiXactId *minmulti)
{
	SMgrRelation srel;

	/*
	 * No transaction older than RecentXmin is running, so none can put its
	 * xid in the new storage.
	 */
	*freezeXid = RecentXmin;

	/*
	 * Likewise the oldest multixact anyone might still use; running
	 * transactions may reuse members from their local cache.
	 */
	*minmulti = GetOldestMultiXactId();

	srel = RelationCreateStorage(*newrnode, persistence, true);

	/*
	 * An unlogged table needs an init fork so that it can be reset after a
	 * crash.  It is synced at once even though it is WAL-logged: it was not
	 * written through shared buffers, so a concurrent checkpoint may have
	 * moved the redo pointer past our record.
	 */
	if (persistence == RELPERSISTENCE_UNLOGGED)
	{
		Assert(rel->rd_rel->relkind == RELKIND_RELATION ||
			   rel->rd_rel->relkind == RELKIND_MATVIEW ||
			   rel->rd_rel->relkind == RELKIND_TOASTVALUE);
		smgrcreate(srel, INIT_FORKNUM, false);
		log_smgrcreate(newrnode, INIT_FORKNUM);
		smgrimmedsync(srel, INIT_FORKNUM);
	}

	smgrclose(srel);
}

static void
helios_relation_nontransactional_truncate(Relation rel)
{
	RelationTruncate(rel, 0);
}

/*
 * ALTER TABLE SET TABLESPACE: copy every fork file by file.  helios pages
 * are standard pages, so RelationCopyStorage's WAL logging and checksum
 * handling apply as for heap.
 */
static void
helios_relation_copy_data(Relation rel, const RelFileNode *newrnode)
{
	SMgrRelation dstrel;

	dstrel = smgropen(*newrnode, rel->rd_backend);

	/*
	 * The copy reads the files directly, so changed pages still in shared
	 * buffers must be written first; our lock keeps new changes away.
	 */
	FlushRelationBuffers(rel);

	RelationCreateStorage(*newrnode, rel->rd_rel->relpersistence, true);

	RelationCopyStorage(RelationGetSmgr(rel), dstrel, MAIN_FORKNUM,
						rel->rd_rel->relpersistence);

	for (ForkNumber forkNum = MAIN_FORKNUM + 1;
		 forkNum <= MAX_FORKNUM; forkNum++)
	{
		if (smgrexists(RelationGetSmgr(rel), forkNum))
		{
			smgrcreate(dstrel, forkNum, false);

			/*
			 * Log the creation for permanent relations, and for the init
			 * fork of an unlogged one.
			 */
			if (RelationIsPermanent(rel) ||
				(rel->rd_rel->relpersistence == RELPERSISTENCE_UNLOGGED &&
				 forkNum == INIT_FORKNUM))
				log_smgrcreate(newrnode, forkNum);
			RelationCopyStorage(RelationGetSmgr(rel), dstrel, forkNum,
								rel->rd_rel->relpersistence);
		}
	}

	RelationDropStorage(rel);
	smgrclose(dstrel);
}


/* ------------------------------------------------------------------------
 * CLUSTER and VACUUM FULL
 * ------------------------------------------------------------------------
 */

/*
 * Writer of the new relation.  Like rewriteheap.c's raw path, pages are
 * built in local memory and written with smgrextend, each WAL-logged as a
 * full page image when the relation needs WAL, so the rewrite writes no
 * per-row helios records and redo needs no helios code.
 */
typedef struct HeliosRewriteState
{
	Relation	old_rel;
	Relation	new_rel;
	TupleDesc	old_desc;
	TupleDesc	new_desc;
	HeliosLayout *old_layout;	/* private copies: relcache entries may be */
	HeliosLayout *new_layout;	/* rebuilt while we run (toast inserts) */
	TransactionId freeze_xid;
	MultiXactId cutoff_multi;
	Datum	   *values;
	bool	   *isnull;
	MemoryContext tuple_cxt;	/* reset after every version written */
	Page		page;			/* page being filled */
	bool		page_valid;		/* page holds at least one tuple */
	BlockNumber blkno;			/* block number of page */
} HeliosRewriteState;

/* Write out the page being filled. */
static void
helios_rewrite_flush(HeliosRewriteState *rw)
{
	if (RelationNeedsWAL(rw->new_rel))
		log_newpage(&rw->new_rel->rd_node, MAIN_FORKNUM, rw->blkno,
					rw->page, true);

	PageSetChecksumInplace(rw->page, rw->blkno);

	/*
	 * skipFsync: the whole relation is synced at the end (or, without WAL,
	 * at commit by the pending-sync machinery).
	 */
	smgrextend(RelationGetSmgr(rw->new_rel), MAIN_FORKNUM, rw->blkno,
			   (char *) rw->page, true);

	rw->blkno++;
	rw->page_valid = false;
}

/* Append tup (helios format, header final) to the new relation. */
static void
helios_rewrite_insert(HeliosRewriteState *rw, HeapTuple tup)
{
	Relation	rel = rw->new_rel;
	HeapTuple	stored;
	Size		len;
	Size		saveFreeSpace;
	OffsetNumber off;
	HeapTupleHeader onpage;

	/*
	 * Oversized rows, and rows pointing into another relation's toast table,
	 * go through the toaster.  TOAST changes must not be logically decoded:
	 * the main relation is logged as page images, which are not.
	 */
	if (HeapTupleHasExternal(tup) || tup->t_len > TOAST_TUPLE_THRESHOLD)
		stored = helios_toast_tuple(rel, tup, NULL,
									HEAP_INSERT_SKIP_FSM | HEAP_INSERT_NO_LOGICAL);
	else
		stored = tup;

	len = MAXALIGN(stored->t_len);
	if (len > HeliosMaxTupleSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("row is too big: size %zu, maximum size %zu in table \"%s\"",
						len, (Size) HeliosMaxTupleSize,
						RelationGetRelationName(rw->old_rel))));

	/* leave fillfactor's room free, on every page (rewriteheap's rule) */
	saveFreeSpace = RelationGetTargetPageFreeSpace(rel, HEAP_DEFAULT_FILLFACTOR);

	if (rw->page_valid && len + saveFreeSpace > PageGetHeapFreeSpace(rw->page))
		helios_rewrite_flush(rw);

	if (!rw->page_valid)
	{
		helios_page_init(rw->page);
		rw->page_valid = true;
	}

	off = PageAddItem(rw->page, (Item) stored->t_data, stored->t_len,
					  InvalidOffsetNumber, false, true);
	if (off == InvalidOffsetNumber)
		elog(ERROR, "failed to add row to page %u of relation \"%s\"",
			 rw->blkno, RelationGetRelationName(rel));

	/* an invalid ctid means "points at itself": it is a root now */
	onpage = (HeapTupleHeader) PageGetItem(rw->page,
										   PageGetItemId(rw->page, off));
	if (!ItemPointerIsValid(&onpage->t_ctid))
		ItemPointerSet(&onpage->t_ctid, rw->blkno, off);

	if (stored != tup)
		heap_freetuple(stored);
}

/*
 * Form the new relation's version of a row from its values, carrying the
 * MVCC header of the old version hdr, and append it.
 *
 * Every version becomes an independent root: version chains do not survive
 * the rewrite, so the chain bits are cleared and ctid points at the version
 * itself (kept only when it marks a row moved to another partition).  An
 * old snapshot that sees a recently-dead version and tries to change it
 * then finds it deleted rather than updated; either way that is a
 * serialization failure, and READ COMMITTED statements start after CLUSTER
 * released its lock with a snapshot that sees the new version.
 */
static void
helios_rewrite_values(HeliosRewriteState *rw, HeapTupleHeader hdr)
{
	HeapTuple	newtup;
	MemoryContext oldcxt;

	/* the toaster may leave allocations behind; keep them per version */
	oldcxt = MemoryContextSwitchTo(rw->tuple_cxt);

	/* dropped columns are stored as NULL, whatever the old row held */
	for (int i = 0; i < rw->new_desc->natts; i++)
	{
		if (TupleDescAttr(rw->new_desc, i)->attisdropped)
			rw->isnull[i] = true;
	}

	newtup = helios_form_tuple(rw->new_layout, rw->new_desc, rw->values,
							   rw->isnull);

	newtup->t_data->t_choice.t_heap = hdr->t_choice.t_heap;
	newtup->t_data->t_infomask &= ~HEAP_XACT_MASK;
	newtup->t_data->t_infomask |= hdr->t_infomask & HEAP_XACT_MASK;
	newtup->t_data->t_infomask2 &= ~HEAP2_XACT_MASK;
	newtup->t_data->t_infomask2 |= hdr->t_infomask2 & HEAP_KEYS_UPDATED;

	/* freeze what can be frozen now, saving VACUUM the work later */
	heap_freeze_tuple(newtup->t_data,
					  rw->old_rel->rd_rel->relfrozenxid,
					  rw->old_rel->rd_rel->relminmxid,
					  rw->freeze_xid, rw->cutoff_multi);

	if (HeapTupleHeaderIndicatesMovedPartitions(hdr))
		newtup->t_data->t_ctid = hdr->t_ctid;
	else
		ItemPointerSetInvalid(&newtup->t_data->t_ctid);

	newtup->t_tableOid = RelationGetRelid(rw->new_rel);
	helios_rewrite_insert(rw, newtup);

	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(rw->tuple_cxt);
}

/* Copy an old version (helios format) into the new relation. */
static void
helios_rewrite_version(HeliosRewriteState *rw, HeapTuple oldtup)
{
	helios_deform_tuple(rw->old_layout, rw->old_desc, oldtup, rw->values,
						rw->isnull, rw->old_desc->natts);
	helios_rewrite_values(rw, oldtup->t_data);
}

/*
 * Heap-format copy of a helios version, for tuplesort (which reads its
 * sort keys with heap_getattr), MVCC header included.
 */
static HeapTuple
helios_version_to_heap(HeliosRewriteState *rw, HeapTuple oldtup)
{
	HeapTuple	htup;

	helios_deform_tuple(rw->old_layout, rw->old_desc, oldtup, rw->values,
						rw->isnull, rw->old_desc->natts);
	htup = heap_form_tuple(rw->old_desc, rw->values, rw->isnull);
	htup->t_data->t_choice.t_heap = oldtup->t_data->t_choice.t_heap;
	/* heap_form_tuple's infomask may carry xmax bits: replace them all */
	htup->t_data->t_infomask &= ~HEAP_XACT_MASK;
	htup->t_data->t_infomask |= oldtup->t_data->t_infomask & HEAP_XACT_MASK;
	htup->t_data->t_infomask2 &= ~HEAP2_XACT_MASK;
	htup->t_data->t_infomask2 |= oldtup->t_data->t_infomask2 & HEAP2_XACT_MASK;
	htup->t_data->t_ctid = oldtup->t_data->t_ctid;
	htup->t_self = oldtup->t_self;
	htup->t_tableOid = oldtup->t_tableOid;
	return htup;
}

/*
 * Must CLUSTER copy this version?  Counts it as heapam_relation_copy_for_
 * cluster does.  The caller holds the buffer's share lock.
 */
static bool
helios_cluster_keep(Relation OldHeap, HeapTuple tuple, Buffer buffer,
					TransactionId OldestXmin, bool is_system_catalog,
					double *tups_vacuumed, double *tups_recently_dead)
{
	switch (HeapTupleSatisfiesVacuum(tuple, OldestXmin, buffer))
	{
		case HEAPTUPLE_DEAD:
			*tups_vacuumed += 1;
			return false;

		case HEAPTUPLE_RECENTLY_DEAD:
			*tups_recently_dead += 1;
			return true;

		case HEAPTUPLE_LIVE:
			return true;

		case HEAPTUPLE_INSERT_IN_PROGRESS:

			/*
			 * With our exclusive lock this is normally our own insert; only
			 * system catalogs release write locks before commit.  Copy it in
			 * any case.
			 */
			if (!is_system_catalog &&
				!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple->t_data)))
				ereport(WARNING,
						(errcode(ERRCODE_WARNING),
						 errmsg("concurrent insert in progress within table \"%s\"",
								RelationGetRelationName(OldHeap))));
			return true;

		case HEAPTUPLE_DELETE_IN_PROGRESS:
			if (!is_system_catalog &&
				!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetUpdateXid(tuple->t_data)))
				ereport(WARNING,
						(errcode(ERRCODE_WARNING),
						 errmsg("concurrent delete in progress within table \"%s\"",
								RelationGetRelationName(OldHeap))));
			/* treated as recently dead */
			*tups_recently_dead += 1;
			return true;

		default:
			elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
			return false;		/* keep compiler quiet */
	}
}

/*
 * Copies of the versions of one page (or one row) that CLUSTER keeps,
 * taken under the buffer lock and written out after it is released: the
 * toaster and the sort must not run with a buffer locked.
 */
typedef struct HeliosKeptVersions
{
	int			n;
	/* a page's versions, or a row's on its root's page and one more */
	HeapTuple	tuples[2 * MaxHeapTuplesPerPage];
} HeliosKeptVersions;

static void
helios_cluster_collect(Relation OldHeap, Buffer buffer, OffsetNumber off,
					   TransactionId OldestXmin, bool is_system_catalog,
					   double *tups_vacuumed, double *tups_recently_dead,
					   HeliosKeptVersions *kept)
{
	Page		page = BufferGetPage(buffer);
	ItemId		lp = PageGetItemId(page, off);
	HeapTupleData tuple;

	Assert(ItemIdIsNormal(lp));
	tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
	tuple.t_len = ItemIdGetLength(lp);
	tuple.t_tableOid = RelationGetRelid(OldHeap);
	ItemPointerSet(&tuple.t_self, BufferGetBlockNumber(buffer), off);

	/* a stub is no version, only a link */
	if (HeliosTupleIsStub(tuple.t_data))
		return;
	if (kept->n >= lengthof(kept->tuples))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("too many versions of one row in relation \"%s\"",
						RelationGetRelationName(OldHeap))));

	if (helios_cluster_keep(OldHeap, &tuple, buffer, OldestXmin,
							is_system_catalog, tups_vacuumed,
							tups_recently_dead))
		kept->tuples[kept->n++] = heap_copytuple(&tuple);
}

/*
 * CLUSTER / VACUUM FULL: copy every version that some transaction may
 * still need into the new relation, reading the old one in index order or
 * sequentially (and then sorting, when the planner prefers that).  As for
 * heap, every version is judged with HeapTupleSatisfiesVacuum against
 * OldestXmin; dead ones are dropped, xids older than the freeze cutoffs
 * are frozen on the way.
 *
 * In index order the index gives each row's root once; the row's chain is
 * then walked here, since an index fetch returns one version per row.
 */
static void
helios_relation_copy_for_cluster(Relation OldHeap, Relation NewHeap,
								 Relation OldIndex, bool use_sort,
								 TransactionId OldestXmin,
								 TransactionId *xid_cutoff,
								 MultiXactId *multi_cutoff,
								 double *num_tuples,
								 double *tups_vacuumed,
								 double *tups_recently_dead)
{
	HeliosRewriteState rw;
	bool		is_system_catalog = IsSystemRelation(OldHeap);
	Tuplesortstate *tuplesort = NULL;
	IndexScanDesc indexScan = NULL;
	TableScanDesc tableScan = NULL;
	TupleTableSlot *slot = NULL;
	HeliosKeptVersions *kept;
	BlockNumber prev_cblock = InvalidBlockNumber;

	/*
	 * A relation decoded by logical decoding (user_catalog_table) needs
	 * rewrite mappings for historic snapshots, which helios does not write.
	 */
	if (RelationIsAccessibleInLogicalDecoding(OldHeap))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot rewrite helios relation \"%s\" while it is accessible to logical decoding",
						RelationGetRelationName(OldHeap)),
				 errhint("Set user_catalog_table to false, or lower wal_level below \"logical\".")));

	/* something writing to the new relation already would be unexpected */
	Assert(RelationGetTargetBlock(NewHeap) == InvalidBlockNumber);

	rw.old_rel = OldHeap;
	rw.new_rel = NewHeap;
	rw.old_desc = RelationGetDescr(OldHeap);
	rw.new_desc = RelationGetDescr(NewHeap);
	rw.old_layout = helios_layout_build(rw.old_desc, CurrentMemoryContext);
	rw.new_layout = helios_layout_build(rw.new_desc, CurrentMemoryContext);
	rw.freeze_xid = *xid_cutoff;
	rw.cutoff_multi = *multi_cutoff;
	Assert(rw.old_desc->natts == rw.new_desc->natts);
	rw.values = palloc(sizeof(Datum) * rw.new_desc->natts);
	rw.isnull = palloc(sizeof(bool) * rw.new_desc->natts);
	rw.tuple_cxt = AllocSetContextCreate(CurrentMemoryContext,
										 "helios rewrite tuple",
										 ALLOCSET_DEFAULT_SIZES);
	rw.page = (Page) palloc(BLCKSZ);
	rw.page_valid = false;
	/* the new relation need not be empty, only locked */
	rw.blkno = RelationGetNumberOfBlocks(NewHeap);

	kept = palloc(sizeof(HeliosKeptVersions));

	/* the sort needs heap-format tuples; see helios_version_to_heap */
	if (use_sort)
		tuplesort = tuplesort_begin_cluster(rw.old_desc, OldIndex,
											maintenance_work_mem,
											NULL, TUPLESORT_NONE);

	/*
	 * SnapshotAny everywhere: recently dead versions must be seen and
	 * copied; HeapTupleSatisfiesVacuum decides.
	 */
	if (OldIndex != NULL && !use_sort)
	{
		const int	ci_index[] = {
			PROGRESS_CLUSTER_PHASE,
			PROGRESS_CLUSTER_INDEX_RELID
		};
		int64		ci_val[2];

		ci_val[0] = PROGRESS_CLUSTER_PHASE_INDEX_SCAN_HEAP;
		ci_val[1] = RelationGetRelid(OldIndex);
		pgstat_progress_update_multi_param(2, ci_index, ci_val);

		indexScan = index_beginscan(OldHeap, OldIndex, SnapshotAny, 0, 0);
		index_rescan(indexScan, NULL, 0, NULL, 0);
		slot = table_slot_create(OldHeap, NULL);
	}
	else
	{
		pgstat_progress_update_param(PROGRESS_CLUSTER_PHASE,
									 PROGRESS_CLUSTER_PHASE_SEQ_SCAN_HEAP);
		tableScan = table_beginscan(OldHeap, SnapshotAny, 0, (ScanKey) NULL);
		pgstat_progress_update_param(PROGRESS_CLUSTER_TOTAL_HEAP_BLKS,
									 ((HeliosScanDesc) tableScan)->rs_nblocks);
	}

	for (;;)
	{
		Buffer		buffer;
		Page		page;

		CHECK_FOR_INTERRUPTS();

		kept->n = 0;

		if (indexScan != NULL)
		{
			HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
			HeliosSegment seg;
			Buffer		fwdroot = InvalidBuffer;

			if (!index_getnext_slot(indexScan, ForwardScanDirection, slot))
				break;

			/* no scan keys, so nothing can need a recheck */
			if (indexScan->xs_recheck)
				elog(ERROR, "CLUSTER does not support lossy index conditions");

			/*
			 * The slot holds a pin on the row's page, unless the version it
			 * found is a forwarded one (a copy): then pin the page here.
			 */
			buffer = hslot->buffer;
			if (!BufferIsValid(buffer))
				buffer = fwdroot = ReadBuffer(OldHeap,
											  ItemPointerGetBlockNumber(&slot->tts_tid));

			LockBuffer(buffer, BUFFER_LOCK_SHARE);
			helios_check_page(OldHeap, buffer);
			page = BufferGetPage(buffer);
			helios_root_segment(OldHeap, buffer,
								ItemPointerGetOffsetNumber(&slot->tts_tid),
								&seg);
			for (int i = 0; i < seg.n; i++)
				helios_cluster_collect(OldHeap, buffer, seg.members[i],
									   OldestXmin, is_system_catalog,
									   tups_vacuumed, tups_recently_dead,
									   kept);
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

			/* a forwarded row's versions on other pages, one at a time */
			while (ItemPointerIsValid(&seg.next))
			{
				Buffer		fwd = helios_segment_follow(OldHeap,
														&slot->tts_tid,
														&seg,
														BUFFER_LOCK_SHARE);

				if (!BufferIsValid(fwd))
					break;
				for (int i = 0; i < seg.n; i++)
					helios_cluster_collect(OldHeap, fwd, seg.members[i],
										   OldestXmin, is_system_catalog,
										   tups_vacuumed, tups_recently_dead,
										   kept);
				UnlockReleaseBuffer(fwd);
			}
			if (BufferIsValid(fwdroot))
			{
				ReleaseBuffer(fwdroot);
				fwdroot = InvalidBuffer;
			}
		}
		else
		{
			HeliosScanDesc hscan = (HeliosScanDesc) tableScan;
			OffsetNumber maxoff;

			if (!helios_scan_next_page(hscan))
			{
				/*
				 * Make the blocks-scanned count end at the total even if the
				 * last pages were empty.
				 */
				pgstat_progress_update_param(PROGRESS_CLUSTER_HEAP_BLKS_SCANNED,
											 hscan->rs_nblocks);
				break;
			}

			/*
			 * Report blocks scanned counting from the scan's start block,
			 * so that a synchronized scan's wrap-around is not visible.
			 */
			if (prev_cblock != hscan->rs_cblock)
			{
				pgstat_progress_update_param(PROGRESS_CLUSTER_HEAP_BLKS_SCANNED,
											 (hscan->rs_cblock +
											  hscan->rs_nblocks -
											  hscan->rs_startblock
											  ) % hscan->rs_nblocks + 1);
				prev_cblock = hscan->rs_cblock;
			}

			/* every stored version, heap-only ones included */
			buffer = hscan->rs_cbuf;
			LockBuffer(buffer, BUFFER_LOCK_SHARE);
			helios_check_page(OldHeap, buffer);
			page = BufferGetPage(buffer);
			maxoff = PageGetMaxOffsetNumber(page);
			for (OffsetNumber off = FirstOffsetNumber; off <= maxoff;
				 off = OffsetNumberNext(off))
			{
				if (ItemIdIsNormal(PageGetItemId(page, off)))
					helios_cluster_collect(OldHeap, buffer, off, OldestXmin,
										   is_system_catalog, tups_vacuumed,
										   tups_recently_dead, kept);
			}
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		}

		for (int i = 0; i < kept->n; i++)
		{
			HeapTuple	tup = kept->tuples[i];

			*num_tuples += 1;
			if (tuplesort != NULL)
			{
				HeapTuple	htup = helios_version_to_heap(&rw, tup);

				tuplesort_putheaptuple(tuplesort, htup);
				heap_freetuple(htup);
				pgstat_progress_update_param(PROGRESS_CLUSTER_HEAP_TUPLES_SCANNED,
											 *num_tuples);
			}
			else
			{
				const int	ct_index[] = {
					PROGRESS_CLUSTER_HEAP_TUPLES_SCANNED,
					PROGRESS_CLUSTER_HEAP_TUPLES_WRITTEN
				};
				int64		ct_val[2];

				helios_rewrite_version(&rw, tup);
				ct_val[0] = *num_tuples;
				ct_val[1] = *num_tuples;
				pgstat_progress_update_multi_param(2, ct_index, ct_val);
			}
			heap_freetuple(tup);
		}
	}

	if (indexScan != NULL)
		index_endscan(indexScan);
	if (tableScan != NULL)
		table_endscan(tableScan);
	if (slot != NULL)
		ExecDropSingleTupleTableSlot(slot);

	if (tuplesort != NULL)
	{
		double		n_tuples = 0;

		pgstat_progress_update_param(PROGRESS_CLUSTER_PHASE,
									 PROGRESS_CLUSTER_PHASE_SORT_TUPLES);
		tuplesort_performsort(tuplesort);
		pgstat_progress_update_param(PROGRESS_CLUSTER_PHASE,
									 PROGRESS_CLUSTER_PHASE_WRITE_NEW_HEAP);

		for (;;)
		{
			HeapTuple	htup;

			CHECK_FOR_INTERRUPTS();

			htup = tuplesort_getheaptuple(tuplesort, true);
			if (htup == NULL)
				break;

			/* a heap-format tuple: heap_deform_tuple is right here */
			heap_deform_tuple(htup, rw.old_desc, rw.values, rw.isnull);
			helios_rewrite_values(&rw, htup->t_data);

			n_tuples += 1;
			pgstat_progress_update_param(PROGRESS_CLUSTER_HEAP_TUPLES_WRITTEN,
										 n_tuples);
		}
		tuplesort_end(tuplesort);
	}

	if (rw.page_valid)
		helios_rewrite_flush(&rw);

	/*
	 * The pages bypassed shared buffers, so a checkpoint that happened
	 * meanwhile did not sync them: do it now (RelationCopyStorage's rule).
	 * Without WAL the pending-sync machinery syncs at commit.
	 */
	if (RelationNeedsWAL(NewHeap))
		smgrimmedsync(RelationGetSmgr(NewHeap), MAIN_FORKNUM);

	MemoryContextDelete(rw.tuple_cxt);
	pfree(kept);
	pfree(rw.page);
	pfree(rw.values);
	pfree(rw.isnull);
}


/* ------------------------------------------------------------------------
 * TOAST and planner support
 * ------------------------------------------------------------------------
 */

/*
 * Does the relation need a toast table?  Only if some attribute is
 * toastable and the widest possible row exceeds TOAST_TUPLE_THRESHOLD,
 * heap's rule, with helios's row arithmetic: the biggest header a version
 * can have, the whole fixed region (fixed-width slots exist even for NULLs
 * and dropped columns, variable-width ones take a 2-byte slot), then the
 * variable-width values at their maximum length and alignment.
 */
static bool
helios_relation_needs_toast_table(Relation rel)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	HeliosLayout *layout;
	Size		data_length;
	bool		maxlength_unknown = false;
	bool		has_toastable_attrs = false;
	Size		tuple_length;

	/* also refuses descriptors whose fixed region cannot fit a page */
	layout = helios_layout_build(tupdesc, CurrentMemoryContext);
	data_length = layout->fixed_end[tupdesc->natts];

	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		int32		maxlen;

		if (att->attisdropped || att->attlen > 0)
			continue;

		maxlen = type_maximum_size(att->atttypid, att->atttypmod);
		if (maxlen < 0)
			maxlength_unknown = true;
		else
			data_length = att_align_nominal(data_length, att->attalign) + maxlen;
		if (att->attstorage != TYPSTORAGE_PLAIN)
			has_toastable_attrs = true;
	}

	pfree(layout);

	if (!has_toastable_attrs)
		return false;			/* nothing to toast */
	if (maxlength_unknown)
		return true;			/* some value has no length limit */

	tuple_length = helios_header_size(tupdesc->natts, true, true) +
		MAXALIGN(data_length);
	return tuple_length > TOAST_TUPLE_THRESHOLD;
}

/* Toast tables of helios relations are heap tables. */
static Oid
helios_relation_toast_am(Relation rel)
{
	return HEAP_TABLE_AM_OID;
}

/*
 * Page and tuple overheads for the planner's row-count estimate: the
 * special space is helios's, the tuple header is heap's.
 */
#define HELIOS_OVERHEAD_BYTES_PER_TUPLE \
	(MAXALIGN(SizeofHeapTupleHeader) + sizeof(ItemIdData))
#define HELIOS_USABLE_BYTES_PER_PAGE \
	(BLCKSZ - SizeOfPageHeaderData - MAXALIGN(sizeof(HeliosPageOpaqueData)))

static void
helios_relation_estimate_size(Relation rel, int32 *attr_widths,
							  BlockNumber *pages, double *tuples,
							  double *allvisfrac)
{
	table_block_relation_estimate_size(rel, attr_widths, pages, tuples,
									   allvisfrac,
									   HELIOS_OVERHEAD_BYTES_PER_TUPLE,
									   HELIOS_USABLE_BYTES_PER_PAGE);
}


/* ------------------------------------------------------------------------
 * the routine
 * ------------------------------------------------------------------------
 */

static const TableAmRoutine helios_methods = {
	.type = T_TableAmRoutine,

	.slot_callbacks = helios_slot_callbacks,

	.scan_begin = helios_scan_begin,
	.scan_end = helios_scan_end,
	.scan_rescan = helios_scan_rescan,
	.scan_getnextslot = helios_scan_getnextslot,

	.scan_set_tidrange = helios_scan_set_tidrange,
	.scan_getnextslot_tidrange = helios_scan_getnextslot_tidrange,

	.parallelscan_estimate = table_block_parallelscan_estimate,
	.parallelscan_initialize = table_block_parallelscan_initialize,
	.parallelscan_reinitialize = table_block_parallelscan_reinitialize,

	.index_fetch_begin = helios_index_fetch_begin,
	.index_fetch_reset = helios_index_fetch_reset,
	.index_fetch_end = helios_index_fetch_end,
	.index_fetch_tuple = helios_index_fetch_tuple,

	.tuple_insert = helios_tuple_insert,
	.tuple_insert_speculative = helios_tuple_insert_speculative,
	.tuple_complete_speculative = helios_tuple_complete_speculative,
	.multi_insert = helios_multi_insert,
	.tuple_delete = helios_delete,
	.tuple_update = helios_update,
	.tuple_lock = helios_lock,
	.finish_bulk_insert = helios_finish_bulk_insert,

	.tuple_fetch_row_version = helios_fetch_row,
	.tuple_get_latest_tid = helios_tuple_get_latest_tid,
	.tuple_tid_valid = helios_tuple_tid_valid,
	.tuple_satisfies_snapshot = helios_tuple_satisfies_snapshot,
	.index_delete_tuples = helios_index_delete_tuples,

	.relation_set_new_filenode = helios_relation_set_new_filenode,
	.relation_nontransactional_truncate = helios_relation_nontransactional_truncate,
	.relation_copy_data = helios_relation_copy_data,
	.relation_copy_for_cluster = helios_relation_copy_for_cluster,
	.relation_vacuum = helios_vacuum_rel,
	.scan_analyze_next_block = helios_scan_analyze_next_block,
	.scan_analyze_next_tuple = helios_scan_analyze_next_tuple,
	.index_build_range_scan = helios_index_build_range_scan,
	.index_validate_scan = helios_index_validate_scan,

	.relation_size = table_block_relation_size,
	.relation_needs_toast_table = helios_relation_needs_toast_table,
	.relation_toast_am = helios_relation_toast_am,
	.relation_fetch_toast_slice = heap_fetch_toast_slice,

	.relation_estimate_size = helios_relation_estimate_size,

	.scan_bitmap_next_block = helios_scan_bitmap_next_block,
	.scan_bitmap_next_tuple = helios_scan_bitmap_next_tuple,
	.scan_sample_next_block = helios_scan_sample_next_block,
	.scan_sample_next_tuple = helios_scan_sample_next_tuple
};

const TableAmRoutine *
helios_tableam_routine(void)
{
	return &helios_methods;
}

bool
helios_is_helios_rel(Relation rel)
{
	return rel->rd_tableam == &helios_methods;
}

Datum
helios_tableam_handler(PG_FUNCTION_ARGS)
{
	/* without the preloaded rmgr, helios tables must not be touched */
	helios_check_preloaded();

	PG_RETURN_POINTER(&helios_methods);
}
