/*-------------------------------------------------------------------------
 *
 * helios_scan.c
 *	  Scans of the helios table access method: sequential, parallel, TID
 *	  range, bitmap and TABLESAMPLE.  Index fetches are in heliosam.c,
 *	  ANALYZE in helios_analyze.c, the table side of CREATE INDEX in
 *	  helios_index.c.
 *
 * A row is named by its root TID (helios_am.h, src/table/README).  Every
 * scan therefore walks ROOT line pointers (a normal line pointer whose tuple
 * is not heap-only, or a redirect), asks helios_chain_search() which member
 * of the root's version chain the snapshot sees, and hands that version out
 * under the root's TID.  A heap-only version is never returned on its own:
 * it would be a second copy of a row that is already reported through its
 * root.  The exceptions are the callers that must see every stored version
 * (ANALYZE's live/dead counts, index builds with SnapshotAny); they visit
 * every item and still report the ROOT TID of each version.
 *
 * The block iteration is heap's (heapam.c: initscan, heapgettup_pagemode):
 * synchronized scans, bulk-read strategy, parallel block allocation, scan
 * limits and backward scans work the same way.  With an MVCC snapshot a
 * page is read once under a share lock ("page-at-a-time"): the visible
 * (root, version) pairs are collected, the lock is dropped and the rows are
 * returned from the pinned page, since a pin keeps pruning (which needs a
 * cleanup lock) away.  Any other snapshot (SnapshotDirty, SnapshotSelf,
 * SnapshotAny) is evaluated one row at a time under the lock, as heap does,
 * because such snapshots report side results (SnapshotDirty's xmin/xmax)
 * that must belong to the row being returned.
 *
 * For non-MVCC snapshots helios_chain_search() returns the first chain
 * member that satisfies the snapshot, so one version per root: with
 * SnapshotAny that is the oldest stored version.  Callers that need every
 * version walk the pages themselves (index builds, CLUSTER).
 *
 * A row whose chain goes on on another page (a forward link) is found
 * through its root like any other; page-at-a-time collection marks it
 * (version offset InvalidOffsetNumber) and the version is looked up on the
 * other page when the row is returned, with no lock held on this page.
 * A sequential scan of the whole relation does better: it reads every
 * page once anyway, so it returns such a row when it reads the page its
 * visible version lies on, as heap returns a moved row (helios_collect_rows).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/syncscan.h"
#include "access/tableam.h"
#include "access/tsmapi.h"
#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/index.h"
#include "commands/progress.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/predicate.h"
#include "storage/procarray.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplesort.h"

#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_scan.h"

static void helios_initscan(HeliosScanDesc scan, ScanKey key,
							bool keep_startblock);
static void helios_readpage(HeliosScanDesc scan, BlockNumber blkno);
static void helios_getpage(HeliosScanDesc scan, BlockNumber blkno);
static BlockNumber helios_scan_first_block(HeliosScanDesc scan,
										   ScanDirection dir);
static BlockNumber helios_scan_following_block(HeliosScanDesc scan,
											   ScanDirection dir);
static void helios_scan_finish(HeliosScanDesc scan);
static bool helios_gettup_pagemode(HeliosScanDesc scan, ScanDirection dir,
								   TupleTableSlot *slot);
static bool helios_gettup(HeliosScanDesc scan, ScanDirection dir,
						  TupleTableSlot *slot);
static bool helios_forwarded_visible(Relation rel, Buffer buffer,
									 Snapshot snapshot, OffsetNumber head,
									 OffsetNumber *veroff);
static int	helios_collect_rows(Relation rel, Buffer buffer, Snapshot snapshot,
								bool lock_rows, OffsetNumber *rootoffs,
								OffsetNumber *veroffs, ItemPointer rowids);
static void helios_conflict_out_segment(Relation rel, Buffer buffer,
										Snapshot snapshot, OffsetNumber head);
static void conflict_out_members(Relation rel, Buffer buffer,
								 Snapshot snapshot, struct HeliosSegment *seg,
								 int from);
static HeapTuple helios_fetch_forwarded(Relation rel, Buffer buffer,
										OffsetNumber root, Snapshot snapshot);
static void helios_conflict_out_newer(Relation rel, Buffer buffer,
									  Snapshot snapshot, OffsetNumber root,
									  OffsetNumber veroff);
static bool helios_key_test(HeliosScanDesc scan, HeapTuple tuple,
							ItemPointer rowid);


/* ----------------------------------------------------------------
 *		small helpers
 * ----------------------------------------------------------------
 */

/*
 * Does the scan return forwarded rows where their visible versions lie
 * (helios_collect_rows)?  Only a sequential scan that reads every page
 * once may: a TID range, sample or bitmap scan reads only some.
 */
static inline bool
helios_scan_where_rows_lie(HeliosScanDesc scan)
{
	return (scan->rs_base.rs_flags & SO_TYPE_SEQSCAN) &&
		scan->rs_numblocks == InvalidBlockNumber && !scan->rs_root_order;
}

/*
 * Is item off of the (locked or pinned) page a row identity?  Redirects
 * are: pruning leaves one where a chain's first versions died.
 */
static inline bool
helios_item_is_root(Page page, OffsetNumber off)
{
	ItemId		lp = PageGetItemId(page, off);

	if (ItemIdIsRedirected(lp))
		return true;
	if (!ItemIdIsNormal(lp))
		return false;
	return !HeapTupleHeaderIsHeapOnly((HeapTupleHeader) PageGetItem(page, lp));
}


/*
 * Collect the rows of the page in buffer (share-locked by the caller) that
 * snapshot sees: for each root, its offset and the offset of the visible
 * version, in increasing root order.  Returns the number of rows.
 *
 * lock_rows asks for a tuple predicate lock on every row returned (bitmap
 * scans); a sequential scan holds a relation predicate lock instead.
 *
 * Most roots carry a one-version chain (never updated in place, or pruned
 * back to one version); those are decided here directly, as heapgetpage
 * does, and on an all-visible page without any visibility test.  Longer
 * chains go through helios_chain_search().
 *
 * A row whose visible version is past a forward link is, by default,
 * listed with veroff InvalidOffsetNumber and resolved when it is returned.
 * With rowids (a sequential scan that reads every page once), it is left
 * out here and collected instead on the page its visible version lies on,
 * from that version's segment: rootoff InvalidOffsetNumber, rowids[i] the
 * row's TID.  An MVCC snapshot's version of a row is in exactly one
 * segment and stays there while the snapshot exists, so every row is
 * returned once, as heap returns a moved row on its new page.
 */
static int
helios_collect_rows(Relation rel, Buffer buffer, Snapshot snapshot,
					bool lock_rows, OffsetNumber *rootoffs,
					OffsetNumber *veroffs, ItemPointer rowids)
{
	Page		page = BufferGetPage(buffer);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	bool		all_visible;
	bool		serializable = IsolationIsSerializable();
	OffsetNumber off;
	int			ntup = 0;

	all_visible = IsMVCCSnapshot(snapshot) && HeliosPageIsAllVisible(page) &&
		!snapshot->takenDuringRecovery;

	/*
	 * Every version on an all-visible page is live and visible, so every
	 * chain has one version: a normal item, or the target of a redirect.
	 * Line pointers alone tell them apart; the tuples are first touched
	 * when they are read.  (SSI wants each version checked: not here.)
	 */
	if (all_visible && !serializable)
	{
		bool		is_target[MaxHeapTuplesPerPage + 1];

		memset(is_target, 0, sizeof(bool) * (maxoff + 1));
		for (off = FirstOffsetNumber; off <= maxoff; off = OffsetNumberNext(off))
		{
			ItemId		lp = PageGetItemId(page, off);

			if (ItemIdIsRedirected(lp) && ItemIdGetRedirect(lp) <= maxoff)
				is_target[ItemIdGetRedirect(lp)] = true;
		}
		for (off = FirstOffsetNumber; off <= maxoff; off = OffsetNumberNext(off))
		{
			ItemId		lp = PageGetItemId(page, off);
			OffsetNumber veroff;

			if (ItemIdIsNormal(lp) && !is_target[off])
				veroff = off;
			else if (ItemIdIsRedirected(lp))
				veroff = ItemIdGetRedirect(lp);
			else
				continue;
			/* bounds of the item only: its header is read later */
			lp = PageGetItemId(page, veroff);
			if (unlikely(veroff > maxoff || !ItemIdIsNormal(lp) ||
						 !helios_item_in_bounds(page, lp)))
				helios_report_bad_item(rel, buffer, veroff);
			rootoffs[ntup] = off;
			veroffs[ntup] = veroff;
			ntup++;
		}
		return ntup;
	}

	for (off = FirstOffsetNumber; off <= maxoff; off = OffsetNumberNext(off))
	{
		ItemId		lp = PageGetItemId(page, off);
		HeapTupleData tuple;
		HeliosSegment seg;

		if (ItemIdIsNormal(lp))
		{
			HeapTupleHeader htup = (HeapTupleHeader) PageGetItem(page, lp);
			bool		valid;

			if (HeapTupleHeaderIsHeapOnly(htup))
			{
				OffsetNumber veroff;

				/* reached through its root, possibly on another page */
				if (!HeliosTupleIsForwarded(htup))
					continue;
				if (rowids == NULL)
				{
					if (serializable)
						helios_conflict_out_segment(rel, buffer, snapshot, off);
					continue;
				}
				/* ... or, with rowids, returned from here */
				if (!helios_forwarded_visible(rel, buffer, snapshot, off,
											  &veroff))
					continue;
				rootoffs[ntup] = InvalidOffsetNumber;
				veroffs[ntup] = veroff;
				rowids[ntup] = *HeliosTupleRootTid(htup);
				ntup++;
				continue;
			}
			if (!HeapTupleHeaderIsHotUpdated(htup))
			{
				/* a one-version chain */
				helios_member_tuple(rel, buffer, off, &tuple);
				valid = all_visible ||
					HeapTupleSatisfiesVisibility(&tuple, snapshot, buffer);
				if (serializable)
					HeapCheckForSerializableConflictOut(valid, rel, &tuple,
														buffer, snapshot);
				if (!valid)
					continue;
				if (lock_rows)
					PredicateLockTID(rel, &tuple.t_self, snapshot,
									 HeapTupleHeaderGetXmin(htup));
				rootoffs[ntup] = off;
				veroffs[ntup] = off;
				ntup++;
				continue;
			}
		}
		else if (!ItemIdIsRedirected(lp))
			continue;

		if (!helios_chain_search_page(rel, buffer, snapshot, off, &tuple, NULL,
									  &seg))
		{
			/*
			 * A forwarded row: resolved when it is returned, or (rowids)
			 * collected where its version lies
			 */
			if (ItemPointerIsValid(&seg.next) && rowids == NULL)
			{
				rootoffs[ntup] = off;
				veroffs[ntup] = InvalidOffsetNumber;
				ntup++;
			}
			continue;
		}
		helios_conflict_out_newer(rel, buffer, snapshot, off,
								  ItemPointerGetOffsetNumber(&tuple.t_self));
		rootoffs[ntup] = off;
		veroffs[ntup] = ItemPointerGetOffsetNumber(&tuple.t_self);
		ntup++;
	}
	Assert(ntup <= MaxHeapTuplesPerPage);
	return ntup;
}

/*
 * helios_chain_search() stops at the version the snapshot sees.  Heap's
 * sequential scan checks every tuple of a page for rw-conflicts, versions
 * newer than the visible one included, so that a serializable reader
 * notices every concurrent writer of a row it read even when that writer
 * ran before the reader's relation lock existed.  Do the same for the rest
 * of the chain.  The caller holds the buffer lock.
 */
static void
helios_conflict_out_newer(Relation rel, Buffer buffer, Snapshot snapshot,
						  OffsetNumber root, OffsetNumber veroff)
{
	HeliosSegment seg;
	int			i;

	/* cheap exit; HeapCheckForSerializableConflictOut does the real test */
	if (!IsolationIsSerializable() || !IsMVCCSnapshot(snapshot))
		return;

	helios_root_segment(rel, buffer, root, &seg);
	for (i = 0; i < seg.n && seg.members[i] != veroff; i++)
		;
	conflict_out_members(rel, buffer, snapshot, &seg, i + 1);
}

/* Conflict-out checks for the members of seg from index from on. */
static void
conflict_out_members(Relation rel, Buffer buffer, Snapshot snapshot,
					 HeliosSegment *seg, int from)
{
	for (int i = from; i < seg->n; i++)
	{
		HeapTupleData tuple;

		helios_member_tuple(rel, buffer, seg->members[i], &tuple);
		HeapCheckForSerializableConflictOut(false, rel, &tuple, buffer,
											snapshot);
	}
}

/*
 * The same for the versions of a row whose chain came to this page from
 * its root's page (the segment headed by item head): the scan of the root's
 * page returns the row, this page's scan checks the versions stored here,
 * as heap's scan of this page would.
 */
static void
helios_conflict_out_segment(Relation rel, Buffer buffer, Snapshot snapshot,
							OffsetNumber head)
{
	Page		page = BufferGetPage(buffer);
	HeapTupleHeader htup;
	HeliosSegment seg;

	if (!IsolationIsSerializable() || !IsMVCCSnapshot(snapshot))
		return;
	htup = (HeapTupleHeader) PageGetItem(page, PageGetItemId(page, head));
	seg.hops = 0;
	helios_chain_segment(rel, buffer, HeliosTupleRootTid(htup), head,
						 InvalidTransactionId, &seg);
	conflict_out_members(rel, buffer, snapshot, &seg, 0);
}

/*
 * The member of the forwarded segment headed by item head of the locked
 * buffer that the MVCC snapshot sees, if any (*veroff).  The members
 * tested are checked for rw-conflicts, as helios_chain_search does.
 */
static bool
helios_forwarded_visible(Relation rel, Buffer buffer, Snapshot snapshot,
						 OffsetNumber head, OffsetNumber *veroff)
{
	Page		page = BufferGetPage(buffer);
	HeapTupleHeader htup;
	HeliosSegment seg;

	htup = (HeapTupleHeader) PageGetItem(page, PageGetItemId(page, head));
	seg.hops = 0;
	helios_chain_segment(rel, buffer, HeliosTupleRootTid(htup), head,
						 InvalidTransactionId, &seg);
	/* newest first, as search_segment (heliosam.c) explains */
	for (int i = seg.n - 1; i >= 0; i--)
	{
		HeapTupleData tuple;
		bool		valid;

		helios_member_tuple(rel, buffer, seg.members[i], &tuple);
		valid = HeapTupleSatisfiesVisibility(&tuple, snapshot, buffer);
		HeapCheckForSerializableConflictOut(valid, rel, &tuple, buffer,
											snapshot);
		if (valid)
		{
			*veroff = seg.members[i];
			return true;
		}
	}
	return false;
}

/*
 * The version of row (blkno of buffer, root) that snapshot sees, when the
 * row's chain leaves the page and its versions here were found invisible
 * already: a palloc'd copy, or NULL.  The buffer is pinned, not locked.
 */
static HeapTuple
helios_fetch_forwarded(Relation rel, Buffer buffer, OffsetNumber root,
					   Snapshot snapshot)
{
	HeliosSegment seg;

	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	helios_root_segment(rel, buffer, root, &seg);
	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
	if (!ItemPointerIsValid(&seg.next))
		return NULL;
	return helios_search_forward(rel, BufferGetBlockNumber(buffer), root,
								 &seg, snapshot, NULL);
}

/*
 * Does tuple (reported as rowid) satisfy the scan keys?  This is heap's
 * HeapKeyTest with helios's attribute access; heap_getattr must never see
 * a helios tuple.  System attributes only read the header, which helios
 * shares with heap.
 */
static bool
helios_key_test(HeliosScanDesc scan, HeapTuple tuple, ItemPointer rowid)
{
	Relation	rel = scan->rs_base.rs_rd;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	ScanKey		key = scan->rs_base.rs_key;
	int			nkeys = scan->rs_base.rs_nkeys;

	for (; nkeys--; key++)
	{
		Datum		value;
		bool		isnull;

		if (key->sk_flags & SK_ISNULL)
			return false;

		if (key->sk_attno > 0)
			value = helios_getattr(helios_relation_layout(rel), tupdesc,
								   tuple, key->sk_attno - 1, &isnull);
		else
		{
			HeapTupleData row = *tuple;

			row.t_self = *rowid;
			value = heap_getsysattr(&row, key->sk_attno, tupdesc, &isnull);
		}
		if (isnull)
			return false;

		if (!DatumGetBool(FunctionCall2Coll(&key->sk_func,
											key->sk_collation,
											value, key->sk_argument)))
			return false;
	}
	return true;
}


/* ----------------------------------------------------------------
 *		scan set-up and block iteration
 * ----------------------------------------------------------------
 */

/*
 * Common part of scan begin and rescan, as heap's initscan: decide on the
 * buffer strategy and synchronized scanning, and reset the position.
 */
static void
helios_initscan(HeliosScanDesc scan, ScanKey key, bool keep_startblock)
{
	Relation	rel = scan->rs_base.rs_rd;
	bool		allow_strat;
	bool		allow_sync;

	/*
	 * The block count is taken once: rows added later are invisible to an
	 * MVCC snapshot anyway, and for other snapshots the caller must hold a
	 * lock that keeps the interesting rows from changing (as for heap).
	 */
	if (scan->rs_base.rs_parallel != NULL)
	{
		ParallelBlockTableScanDesc bpscan =
		(ParallelBlockTableScanDesc) scan->rs_base.rs_parallel;

		scan->rs_nblocks = bpscan->phs_nblocks;
	}
	else
		scan->rs_nblocks = RelationGetNumberOfBlocks(rel);

	/*
	 * Large tables get a ring buffer and synchronized scans, with heap's
	 * threshold, so that helios and heap tables behave alike under the same
	 * settings (table_block_parallelscan_initialize uses the same test).
	 */
	if (!RelationUsesLocalBuffers(rel) && scan->rs_nblocks > NBuffers / 4)
	{
		allow_strat = (scan->rs_base.rs_flags & SO_ALLOW_STRAT) != 0;
		allow_sync = (scan->rs_base.rs_flags & SO_ALLOW_SYNC) != 0;
	}
	else
		allow_strat = allow_sync = false;

	if (allow_strat)
	{
		/* a rescan keeps its strategy object */
		if (scan->rs_strategy == NULL)
			scan->rs_strategy = GetAccessStrategy(BAS_BULKREAD);
	}
	else
	{
		if (scan->rs_strategy != NULL)
			FreeAccessStrategy(scan->rs_strategy);
		scan->rs_strategy = NULL;
	}

	if (scan->rs_base.rs_parallel != NULL)
	{
		/* a parallel scan decided once, for every participant */
		if (scan->rs_base.rs_parallel->phs_syncscan)
			scan->rs_base.rs_flags |= SO_ALLOW_SYNC;
		else
			scan->rs_base.rs_flags &= ~SO_ALLOW_SYNC;
	}
	else if (keep_startblock)
	{
		/*
		 * A rescan keeps its start block, so that rewinding a cursor gives
		 * the same order again; only the reporting flag is reset.
		 */
		if (allow_sync && synchronize_seqscans)
			scan->rs_base.rs_flags |= SO_ALLOW_SYNC;
		else
			scan->rs_base.rs_flags &= ~SO_ALLOW_SYNC;
	}
	else if (allow_sync && synchronize_seqscans)
	{
		scan->rs_base.rs_flags |= SO_ALLOW_SYNC;
		scan->rs_startblock = ss_get_location(rel, scan->rs_nblocks);
	}
	else
	{
		scan->rs_base.rs_flags &= ~SO_ALLOW_SYNC;
		scan->rs_startblock = 0;
	}

	scan->rs_numblocks = InvalidBlockNumber;
	scan->rs_inited = false;
	scan->rs_cbuf = InvalidBuffer;
	scan->rs_cblock = InvalidBlockNumber;
	scan->rs_cindex = 0;
	scan->rs_ntuples = 0;
	scan->rs_coffset = InvalidOffsetNumber;
	scan->rs_cveroff = InvalidOffsetNumber;

	if (key != NULL && scan->rs_base.rs_nkeys > 0)
		memcpy(scan->rs_base.rs_key, key,
			   scan->rs_base.rs_nkeys * sizeof(ScanKeyData));

	/* only sequential scans have a statistics counter of their own */
	if (scan->rs_base.rs_flags & SO_TYPE_SEQSCAN)
		pgstat_count_heap_scan(rel);
}

/* Pin block blkno as the scan's current page (no lock taken). */
static void
helios_readpage(HeliosScanDesc scan, BlockNumber blkno)
{
	Assert(blkno < scan->rs_nblocks);

	if (BufferIsValid(scan->rs_cbuf))
	{
		ReleaseBuffer(scan->rs_cbuf);
		scan->rs_cbuf = InvalidBuffer;
	}

	/*
	 * At least once per page, so that a scan over many pages without a
	 * visible row can still be cancelled.
	 */
	CHECK_FOR_INTERRUPTS();

	scan->rs_cbuf = ReadBufferExtended(scan->rs_base.rs_rd, MAIN_FORKNUM,
									   blkno, RBM_NORMAL, scan->rs_strategy);
	scan->rs_cblock = blkno;
	scan->rs_cindex = 0;
	scan->rs_ntuples = 0;
	scan->rs_coffset = InvalidOffsetNumber;
	scan->rs_cveroff = InvalidOffsetNumber;
}

/*
 * Make blkno the current page.  In page-at-a-time mode also prune it if
 * worthwhile and collect the rows the snapshot sees, as heapgetpage does.
 */
static void
helios_getpage(HeliosScanDesc scan, BlockNumber blkno)
{
	Relation	rel = scan->rs_base.rs_rd;
	Snapshot	snapshot = scan->rs_base.rs_snapshot;
	Buffer		buffer;

	helios_readpage(scan, blkno);
	if (!(scan->rs_base.rs_flags & SO_ALLOW_PAGEMODE))
		return;

	buffer = scan->rs_cbuf;
	helios_page_prune_opt(rel, buffer);

	/*
	 * Visibility needs the share lock; afterwards the rows found stay valid
	 * for as long as we hold the pin.
	 */
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	helios_check_page(rel, buffer);
	TestForOldSnapshot(snapshot, rel, BufferGetPage(buffer));
	scan->rs_ntuples = helios_collect_rows(rel, buffer, snapshot, false,
										   scan->rs_rootoffs,
										   scan->rs_veroffs,
										   helios_scan_where_rows_lie(scan) ?
										   scan->rs_rowids : NULL);
	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
}

/*
 * The first block a scan in direction dir reads, or InvalidBlockNumber if
 * it has nothing to read.
 */
static BlockNumber
helios_scan_first_block(HeliosScanDesc scan, ScanDirection dir)
{
	Relation	rel = scan->rs_base.rs_rd;

	if (scan->rs_nblocks == 0 || scan->rs_numblocks == 0)
		return InvalidBlockNumber;

	if (scan->rs_base.rs_parallel != NULL)
	{
		ParallelBlockTableScanDesc pbscan =
		(ParallelBlockTableScanDesc) scan->rs_base.rs_parallel;

		if (ScanDirectionIsBackward(dir))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("backward parallel scans of relation \"%s\" are not supported",
							RelationGetRelationName(rel))));

		table_block_parallelscan_startblock_init(rel,
												 scan->rs_parallelworkerdata,
												 pbscan);
		/* may be InvalidBlockNumber: the other workers took everything */
		return table_block_parallelscan_nextpage(rel,
												 scan->rs_parallelworkerdata,
												 pbscan);
	}

	if (ScanDirectionIsBackward(dir))
	{
		/*
		 * A backward scan does not report its position: it would only
		 * mislead forward scans that synchronize with us.
		 */
		scan->rs_base.rs_flags &= ~SO_ALLOW_SYNC;

		if (scan->rs_numblocks != InvalidBlockNumber)
			return (scan->rs_startblock + scan->rs_numblocks - 1) %
				scan->rs_nblocks;
		if (scan->rs_startblock > 0)
			return scan->rs_startblock - 1;
		return scan->rs_nblocks - 1;
	}
	return scan->rs_startblock;
}

/*
 * The block after the current one in direction dir, or InvalidBlockNumber
 * at the end of the scan.
 */
static BlockNumber
helios_scan_following_block(HeliosScanDesc scan, ScanDirection dir)
{
	Relation	rel = scan->rs_base.rs_rd;
	BlockNumber blkno = scan->rs_cblock;
	bool		finished;

	if (scan->rs_base.rs_parallel != NULL)
	{
		ParallelBlockTableScanDesc pbscan =
		(ParallelBlockTableScanDesc) scan->rs_base.rs_parallel;

		if (ScanDirectionIsBackward(dir))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("backward parallel scans of relation \"%s\" are not supported",
							RelationGetRelationName(rel))));

		blkno = table_block_parallelscan_nextpage(rel,
												  scan->rs_parallelworkerdata,
												  pbscan);
		finished = (blkno == InvalidBlockNumber);
	}
	else if (ScanDirectionIsBackward(dir))
	{
		finished = (blkno == scan->rs_startblock) ||
			(scan->rs_numblocks != InvalidBlockNumber ?
			 --scan->rs_numblocks == 0 : false);
		if (blkno == 0)
			blkno = scan->rs_nblocks;
		blkno--;
	}
	else
	{
		blkno++;
		if (blkno >= scan->rs_nblocks)
			blkno = 0;
		finished = (blkno == scan->rs_startblock) ||
			(scan->rs_numblocks != InvalidBlockNumber ?
			 --scan->rs_numblocks == 0 : false);

		/*
		 * Report the position before checking for the end, so that the hint
		 * ends up back at the start of the relation and repeated scans do
		 * not drift (heapgettup does the same).
		 */
		if (scan->rs_base.rs_flags & SO_ALLOW_SYNC)
			ss_report_location(rel, blkno);
	}

	return finished ? InvalidBlockNumber : blkno;
}

/* The scan fell off the end: drop the page, next call starts over. */
static void
helios_scan_finish(HeliosScanDesc scan)
{
	if (BufferIsValid(scan->rs_cbuf))
		ReleaseBuffer(scan->rs_cbuf);
	scan->rs_cbuf = InvalidBuffer;
	scan->rs_cblock = InvalidBlockNumber;
	scan->rs_inited = false;
	scan->rs_ntuples = 0;
	scan->rs_cindex = 0;
	scan->rs_coffset = InvalidOffsetNumber;
	scan->rs_cveroff = InvalidOffsetNumber;
}

bool
helios_scan_next_page(HeliosScanDesc scan)
{
	BlockNumber blkno;

	if (!scan->rs_inited)
	{
		blkno = helios_scan_first_block(scan, ForwardScanDirection);
		scan->rs_inited = true;
	}
	else
		blkno = helios_scan_following_block(scan, ForwardScanDirection);

	if (blkno == InvalidBlockNumber)
	{
		helios_scan_finish(scan);
		return false;
	}
	helios_readpage(scan, blkno);
	return true;
}

BlockNumber
helios_scan_blocks_done(HeliosScanDesc scan)
{
	ParallelBlockTableScanDesc bpscan = NULL;
	BlockNumber startblock;

	if (scan->rs_base.rs_parallel != NULL)
	{
		bpscan = (ParallelBlockTableScanDesc) scan->rs_base.rs_parallel;
		startblock = bpscan->phs_startblock;
	}
	else
		startblock = scan->rs_startblock;

	/* the scan may have wrapped around if it did not start at block 0 */
	if (scan->rs_cblock > startblock)
		return scan->rs_cblock - startblock;
	else
	{
		BlockNumber nblocks;

		nblocks = bpscan != NULL ? bpscan->phs_nblocks : scan->rs_nblocks;
		return nblocks - startblock + scan->rs_cblock;
	}
}


/* ----------------------------------------------------------------
 *		fetching rows
 * ----------------------------------------------------------------
 */

/* Read the scan's first page; false if the scan has no block to read. */
static bool
helios_scan_start(HeliosScanDesc scan, ScanDirection dir)
{
	BlockNumber blkno = helios_scan_first_block(scan, dir);

	if (blkno == InvalidBlockNumber)
	{
		Assert(!BufferIsValid(scan->rs_cbuf));
		return false;
	}
	helios_getpage(scan, blkno);
	scan->rs_inited = true;
	return true;
}

/*
 * Page-at-a-time: return the next collected row in direction dir, reading
 * pages as needed.  No buffer lock is taken here; the rows were found
 * visible under the lock by helios_getpage().
 */
static bool
helios_gettup_pagemode(HeliosScanDesc scan, ScanDirection dir,
					   TupleTableSlot *slot)
{
	Relation	rel = scan->rs_base.rs_rd;
	bool		backward = ScanDirectionIsBackward(dir);
	BlockNumber blkno;
	int			lineindex;

	if (ScanDirectionIsNoMovement(dir))
	{
		HeapTupleData tuple;
		ItemPointerData rowid;

		/* refetch the row returned last, if there is one */
		if (!scan->rs_inited || scan->rs_cindex < 0 ||
			scan->rs_cindex >= scan->rs_ntuples)
			return false;
		if (scan->rs_rootoffs[scan->rs_cindex] == InvalidOffsetNumber)
			rowid = scan->rs_rowids[scan->rs_cindex];
		else
			ItemPointerSet(&rowid, scan->rs_cblock,
						   scan->rs_rootoffs[scan->rs_cindex]);
		if (scan->rs_veroffs[scan->rs_cindex] == InvalidOffsetNumber)
		{
			HeapTuple	copy = helios_fetch_forwarded(rel, scan->rs_cbuf,
													  scan->rs_rootoffs[scan->rs_cindex],
													  scan->rs_base.rs_snapshot);

			if (copy == NULL)
				return false;
			helios_slot_store_found(slot, NULL, copy, InvalidBuffer, &rowid);
			return true;
		}
		helios_member_tuple(rel, scan->rs_cbuf,
							scan->rs_veroffs[scan->rs_cindex], &tuple);
		helios_slot_store(slot, &tuple, scan->rs_cbuf, &rowid, false);
		return true;
	}

	if (!scan->rs_inited)
	{
		if (!helios_scan_start(scan, dir))
			return false;
		lineindex = backward ? scan->rs_ntuples - 1 : 0;
	}
	else
		lineindex = backward ? scan->rs_cindex - 1 : scan->rs_cindex + 1;

	for (;;)
	{
		TestForOldSnapshot(scan->rs_base.rs_snapshot, rel,
						   BufferGetPage(scan->rs_cbuf));

		while (lineindex >= 0 && lineindex < scan->rs_ntuples)
		{
			if (unlikely(scan->rs_veroffs[lineindex] == InvalidOffsetNumber))
			{
				ItemPointerData rowid;
				HeapTuple	copy;

				ItemPointerSet(&rowid, scan->rs_cblock,
							   scan->rs_rootoffs[lineindex]);
				copy = helios_fetch_forwarded(rel, scan->rs_cbuf,
											  scan->rs_rootoffs[lineindex],
											  scan->rs_base.rs_snapshot);
				if (copy == NULL ||
					(scan->rs_base.rs_nkeys > 0 &&
					 !helios_key_test(scan, copy, &rowid)))
				{
					if (copy)
						heap_freetuple(copy);
					lineindex += backward ? -1 : 1;
					continue;
				}
				scan->rs_cindex = lineindex;
				helios_slot_store_found(slot, NULL, copy, InvalidBuffer, &rowid);
				return true;
			}
			if (scan->rs_base.rs_nkeys > 0)
			{
				HeapTupleData tuple;
				ItemPointerData rowid;

				helios_member_tuple(rel, scan->rs_cbuf,
									scan->rs_veroffs[lineindex], &tuple);
				if (scan->rs_rootoffs[lineindex] == InvalidOffsetNumber)
					rowid = scan->rs_rowids[lineindex];
				else
					ItemPointerSet(&rowid, scan->rs_cblock,
								   scan->rs_rootoffs[lineindex]);
				if (!helios_key_test(scan, &tuple, &rowid))
				{
					lineindex += backward ? -1 : 1;
					continue;
				}
			}
			/* start loading a later row while this one is processed */
			{
				int			ahead = lineindex + (backward ? -2 : 2);

				if (ahead >= 0 && ahead < scan->rs_ntuples &&
					scan->rs_veroffs[ahead] != InvalidOffsetNumber)
				{
					Page		page = BufferGetPage(scan->rs_cbuf);

					helios_prefetch(PageGetItem(page,
												PageGetItemId(page, scan->rs_veroffs[ahead])));
				}
			}
			/* items were checked when the page was read */
			scan->rs_cindex = lineindex;
			slot->tts_tableOid = RelationGetRelid(rel);
			helios_slot_store_page_version(slot, scan->rs_cbuf,
										   scan->rs_cblock,
										   scan->rs_veroffs[lineindex],
										   scan->rs_rootoffs[lineindex]);
			if (unlikely(scan->rs_rootoffs[lineindex] == InvalidOffsetNumber))
				slot->tts_tid = scan->rs_rowids[lineindex];
			return true;
		}

		blkno = helios_scan_following_block(scan, dir);
		if (blkno == InvalidBlockNumber)
		{
			helios_scan_finish(scan);
			return false;
		}
		helios_getpage(scan, blkno);
		lineindex = backward ? scan->rs_ntuples - 1 : 0;
	}
}

/*
 * Tuple-at-a-time (non-MVCC snapshots): find the next root whose chain has
 * a version satisfying the snapshot, evaluated under the share lock right
 * before the row is returned.
 */
static bool
helios_gettup(HeliosScanDesc scan, ScanDirection dir, TupleTableSlot *slot)
{
	Relation	rel = scan->rs_base.rs_rd;
	Snapshot	snapshot = scan->rs_base.rs_snapshot;
	bool		backward = ScanDirectionIsBackward(dir);
	bool		from_end = false;
	BlockNumber blkno;
	OffsetNumber lineoff;

	if (ScanDirectionIsNoMovement(dir))
	{
		HeapTupleData tuple;
		ItemPointerData rowid;

		/* refetch the row returned last; the pin kept it in place */
		if (!scan->rs_inited || !OffsetNumberIsValid(scan->rs_coffset))
			return false;
		ItemPointerSet(&rowid, scan->rs_cblock, scan->rs_coffset);
		if (!OffsetNumberIsValid(scan->rs_cveroff))
		{
			HeapTuple	copy;
			bool		found;

			/* a forwarded row: look it up again */
			LockBuffer(scan->rs_cbuf, BUFFER_LOCK_SHARE);
			found = helios_chain_search(rel, scan->rs_cbuf, snapshot,
										scan->rs_coffset, &tuple, NULL, &copy);
			LockBuffer(scan->rs_cbuf, BUFFER_LOCK_UNLOCK);
			if (!found)
				return false;
			helios_slot_store_found(slot, &tuple, copy, scan->rs_cbuf, &rowid);
			return true;
		}
		helios_member_tuple(rel, scan->rs_cbuf, scan->rs_cveroff, &tuple);
		helios_slot_store(slot, &tuple, scan->rs_cbuf, &rowid, false);
		return true;
	}

	if (!scan->rs_inited)
	{
		if (!helios_scan_start(scan, dir))
			return false;
		lineoff = FirstOffsetNumber;
		from_end = backward;
	}
	else if (backward)
		lineoff = scan->rs_coffset - 1;	/* 0 ends this page at once */
	else
		lineoff = scan->rs_coffset + 1;

	for (;;)
	{
		Buffer		buffer = scan->rs_cbuf;
		Page		page;
		OffsetNumber maxoff;

		LockBuffer(buffer, BUFFER_LOCK_SHARE);
		helios_check_page(rel, buffer);
		page = BufferGetPage(buffer);
		TestForOldSnapshot(snapshot, rel, page);
		maxoff = PageGetMaxOffsetNumber(page);
		if (from_end)
		{
			lineoff = maxoff;
			from_end = false;
		}

		while (lineoff >= FirstOffsetNumber && lineoff <= maxoff)
		{
			HeapTupleData tuple;
			ItemPointerData rowid;
			HeapTuple	copy;

			if (helios_item_is_root(page, lineoff) &&
				helios_chain_search(rel, buffer, snapshot, lineoff, &tuple,
									NULL, &copy))
			{
				if (copy == NULL)
					helios_conflict_out_newer(rel, buffer, snapshot, lineoff,
											  ItemPointerGetOffsetNumber(&tuple.t_self));
				ItemPointerSet(&rowid, scan->rs_cblock, lineoff);
				if (scan->rs_base.rs_nkeys == 0 ||
					helios_key_test(scan, &tuple, &rowid))
				{
					LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
					scan->rs_coffset = lineoff;
					/* no version offset for a forwarded row: refetched */
					scan->rs_cveroff = copy ? InvalidOffsetNumber :
						ItemPointerGetOffsetNumber(&tuple.t_self);
					helios_slot_store_found(slot, &tuple, copy, buffer, &rowid);
					return true;
				}
				if (copy != NULL)
					heap_freetuple(copy);
			}
			if (backward)
				lineoff--;
			else
				lineoff++;
		}
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

		blkno = helios_scan_following_block(scan, dir);
		if (blkno == InvalidBlockNumber)
		{
			helios_scan_finish(scan);
			return false;
		}
		helios_getpage(scan, blkno);
		lineoff = FirstOffsetNumber;
		from_end = backward;
	}
}


/* ----------------------------------------------------------------
 *		sequential, parallel and TID range scan callbacks
 * ----------------------------------------------------------------
 */

TableScanDesc
helios_scan_begin(Relation rel, Snapshot snapshot, int nkeys, ScanKey key,
				  ParallelTableScanDesc pscan, uint32 flags)
{
	HeliosScanDesc scan;

	/*
	 * Keep the relcache entry around while the scan points at it, as heap
	 * does; callers hold the relation open anyway.
	 */
	RelationIncrementReferenceCount(rel);

	scan = (HeliosScanDesc) palloc0(sizeof(HeliosScanDescData));
	scan->rs_base.rs_rd = rel;
	scan->rs_base.rs_snapshot = snapshot;
	scan->rs_base.rs_nkeys = nkeys;
	scan->rs_base.rs_flags = flags;
	scan->rs_base.rs_parallel = pscan;
	scan->rs_strategy = NULL;
	scan->rs_cbuf = InvalidBuffer;

	/*
	 * Page-at-a-time is only sound for MVCC snapshots, whose answer cannot
	 * change while we hold the pin; see the file header.
	 */
	if (!(snapshot && IsMVCCSnapshot(snapshot)))
		scan->rs_base.rs_flags &= ~SO_ALLOW_PAGEMODE;

	/*
	 * A sequential or sample scan of a serializable transaction locks the
	 * whole relation for SSI: that covers every row it reads and conflicts
	 * with later inserts.  (Bitmap scans rely on the index's page locks plus
	 * the tuple locks helios_chain_search takes.)  Same rule as heap.
	 */
	if (scan->rs_base.rs_flags & (SO_TYPE_SEQSCAN | SO_TYPE_SAMPLESCAN))
	{
		Assert(snapshot);
		PredicateLockRelation(rel, snapshot);
	}

	if (pscan != NULL)
		scan->rs_parallelworkerdata =
			palloc(sizeof(ParallelBlockTableScanWorkerData));
	else
		scan->rs_parallelworkerdata = NULL;

	if (nkeys > 0)
		scan->rs_base.rs_key = (ScanKey) palloc(sizeof(ScanKeyData) * nkeys);
	else
		scan->rs_base.rs_key = NULL;

	helios_initscan(scan, key, false);

	return (TableScanDesc) scan;
}

void
helios_scan_rescan(TableScanDesc sscan, ScanKey key, bool set_params,
				   bool allow_strat, bool allow_sync, bool allow_pagemode)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;

	if (set_params)
	{
		if (allow_strat)
			sscan->rs_flags |= SO_ALLOW_STRAT;
		else
			sscan->rs_flags &= ~SO_ALLOW_STRAT;

		if (allow_sync)
			sscan->rs_flags |= SO_ALLOW_SYNC;
		else
			sscan->rs_flags &= ~SO_ALLOW_SYNC;

		if (allow_pagemode && sscan->rs_snapshot &&
			IsMVCCSnapshot(sscan->rs_snapshot))
			sscan->rs_flags |= SO_ALLOW_PAGEMODE;
		else
			sscan->rs_flags &= ~SO_ALLOW_PAGEMODE;
	}

	if (BufferIsValid(scan->rs_cbuf))
		ReleaseBuffer(scan->rs_cbuf);
	scan->rs_cbuf = InvalidBuffer;

	helios_initscan(scan, key, true);
}

void
helios_scan_end(TableScanDesc sscan)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;

	if (BufferIsValid(scan->rs_cbuf))
		ReleaseBuffer(scan->rs_cbuf);

	RelationDecrementReferenceCount(sscan->rs_rd);

	if (sscan->rs_key)
		pfree(sscan->rs_key);
	if (scan->rs_strategy != NULL)
		FreeAccessStrategy(scan->rs_strategy);
	if (scan->rs_parallelworkerdata != NULL)
		pfree(scan->rs_parallelworkerdata);
	if (sscan->rs_flags & SO_TEMP_SNAPSHOT)
		UnregisterSnapshot(sscan->rs_snapshot);

	pfree(scan);
}

bool
helios_scan_getnextslot(TableScanDesc sscan, ScanDirection dir,
						TupleTableSlot *slot)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	bool		found;

	if (sscan->rs_flags & SO_ALLOW_PAGEMODE)
		found = helios_gettup_pagemode(scan, dir, slot);
	else
		found = helios_gettup(scan, dir, slot);

	if (!found)
	{
		ExecClearTuple(slot);
		return false;
	}

	pgstat_count_heap_getnext(sscan->rs_rd);
	return true;
}

/* Restrict the scan to numBlks blocks from startBlk, as heap_setscanlimits. */
void
helios_scan_setlimits(TableScanDesc sscan, BlockNumber startBlk,
					  BlockNumber numBlks)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;

	Assert(!scan->rs_inited);	/* else too late to change */
	/* else rs_startblock is significant */
	Assert(!(sscan->rs_flags & SO_ALLOW_SYNC));
	/* zero blocks is fine, otherwise startBlk must exist */
	Assert(startBlk == 0 || startBlk < scan->rs_nblocks);

	scan->rs_startblock = startBlk;
	scan->rs_numblocks = numBlks;
}

/*
 * TID range scans range over ROOT TIDs, the row identities helios reports;
 * the blocks to read are narrowed exactly as heap_set_tidrange does.
 */
void
helios_scan_set_tidrange(TableScanDesc sscan, ItemPointer mintid,
						 ItemPointer maxtid)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	ItemPointerData highestItem;
	ItemPointerData lowestItem;
	BlockNumber startBlk;
	BlockNumber numBlks;

	/* an empty relation has no row outside any range */
	if (scan->rs_nblocks == 0)
		return;

	ItemPointerSet(&highestItem, scan->rs_nblocks - 1, MaxOffsetNumber);
	ItemPointerSet(&lowestItem, 0, FirstOffsetNumber);

	if (ItemPointerCompare(maxtid, &highestItem) < 0)
		ItemPointerCopy(maxtid, &highestItem);
	if (ItemPointerCompare(mintid, &lowestItem) > 0)
		ItemPointerCopy(mintid, &lowestItem);

	if (ItemPointerCompare(&highestItem, &lowestItem) < 0)
	{
		/* empty range: scan nothing */
		helios_scan_setlimits(sscan, 0, 0);
		return;
	}

	startBlk = ItemPointerGetBlockNumberNoCheck(&lowestItem);
	numBlks = ItemPointerGetBlockNumberNoCheck(&highestItem) - startBlk + 1;
	helios_scan_setlimits(sscan, startBlk, numBlks);

	ItemPointerCopy(&lowestItem, &sscan->rs_mintid);
	ItemPointerCopy(&highestItem, &sscan->rs_maxtid);
}

bool
helios_scan_getnextslot_tidrange(TableScanDesc sscan, ScanDirection dir,
								 TupleTableSlot *slot)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	ItemPointer mintid = &sscan->rs_mintid;
	ItemPointer maxtid = &sscan->rs_maxtid;

	for (;;)
	{
		bool		found;

		if (sscan->rs_flags & SO_ALLOW_PAGEMODE)
			found = helios_gettup_pagemode(scan, dir, slot);
		else
			found = helios_gettup(scan, dir, slot);

		if (!found)
		{
			ExecClearTuple(slot);
			return false;
		}

		/*
		 * The scan limits cover whole blocks; drop the rows of the first and
		 * last block that lie outside the range.  Rows come in root TID
		 * order, so passing an end of the range ends the scan.
		 */
		if (ItemPointerCompare(&slot->tts_tid, mintid) < 0)
		{
			ExecClearTuple(slot);
			if (ScanDirectionIsBackward(dir))
				return false;
			continue;
		}
		if (ItemPointerCompare(&slot->tts_tid, maxtid) > 0)
		{
			ExecClearTuple(slot);
			if (ScanDirectionIsForward(dir))
				return false;
			continue;
		}
		break;
	}

	pgstat_count_heap_getnext(sscan->rs_rd);
	return true;
}


/* ----------------------------------------------------------------
 *		bitmap scans
 * ----------------------------------------------------------------
 */

/*
 * Collect the rows of a bitmap page.  An exact page lists index TIDs, that
 * is roots: each is resolved through its chain.  A lossy page means every
 * row of the page, so every root is.
 */
bool
helios_scan_bitmap_next_block(TableScanDesc sscan, TBMIterateResult *tbmres)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	Relation	rel = sscan->rs_rd;
	Snapshot	snapshot = sscan->rs_snapshot;
	BlockNumber blkno = tbmres->blockno;
	Buffer		buffer;
	int			ntup = 0;

	scan->rs_cindex = 0;
	scan->rs_ntuples = 0;

	/*
	 * Entries past the end we saw at scan start can only be rows added
	 * since, which our snapshot cannot see; skip them, except under
	 * SERIALIZABLE, where every row the index leads to must be checked for
	 * conflicts (heap's rule).
	 */
	if (!IsolationIsSerializable() && blkno >= scan->rs_nblocks)
		return false;

	scan->rs_cbuf = ReleaseAndReadBuffer(scan->rs_cbuf, rel, blkno);
	scan->rs_cblock = blkno;
	buffer = scan->rs_cbuf;

	helios_page_prune_opt(rel, buffer);

	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	helios_check_page(rel, buffer);

	if (tbmres->ntuples >= 0)
	{
		Page		page = BufferGetPage(buffer);
		OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

		for (int i = 0; i < tbmres->ntuples; i++)
		{
			OffsetNumber off = tbmres->offsets[i];
			HeapTupleData tuple;
			HeliosSegment seg;

			/* an entry for an item pruned away, or junk: no row */
			if (off < FirstOffsetNumber || off > maxoff)
				continue;
			if (helios_chain_search_page(rel, buffer, snapshot, off, &tuple,
										 NULL, &seg))
			{
				scan->rs_rootoffs[ntup] = off;
				scan->rs_veroffs[ntup] = ItemPointerGetOffsetNumber(&tuple.t_self);
				ntup++;
			}
			else if (ItemPointerIsValid(&seg.next))
			{
				/* a forwarded row: resolved when it is returned */
				scan->rs_rootoffs[ntup] = off;
				scan->rs_veroffs[ntup] = InvalidOffsetNumber;
				ntup++;
			}
		}
	}
	else
		ntup = helios_collect_rows(rel, buffer, snapshot, true,
								   scan->rs_rootoffs, scan->rs_veroffs, NULL);

	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

	Assert(ntup <= MaxHeapTuplesPerPage);
	scan->rs_ntuples = ntup;

	return ntup > 0;
}

bool
helios_scan_bitmap_next_tuple(TableScanDesc sscan, TBMIterateResult *tbmres,
							  TupleTableSlot *slot)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	HeapTupleData tuple;
	ItemPointerData rowid;

	for (;;)
	{
		if (scan->rs_cindex < 0 || scan->rs_cindex >= scan->rs_ntuples)
			return false;

		if (scan->rs_rootoffs[scan->rs_cindex] == InvalidOffsetNumber)
			rowid = scan->rs_rowids[scan->rs_cindex];
		else
			ItemPointerSet(&rowid, scan->rs_cblock,
						   scan->rs_rootoffs[scan->rs_cindex]);
		if (scan->rs_veroffs[scan->rs_cindex] == InvalidOffsetNumber)
		{
			HeapTuple	copy = helios_fetch_forwarded(sscan->rs_rd,
													  scan->rs_cbuf,
													  scan->rs_rootoffs[scan->rs_cindex],
													  sscan->rs_snapshot);

			scan->rs_cindex++;
			if (copy == NULL)
				continue;
			pgstat_count_heap_fetch(sscan->rs_rd);
			helios_slot_store_found(slot, NULL, copy, InvalidBuffer, &rowid);
			return true;
		}
		helios_member_tuple(sscan->rs_rd, scan->rs_cbuf,
							scan->rs_veroffs[scan->rs_cindex], &tuple);

		pgstat_count_heap_fetch(sscan->rs_rd);

		helios_slot_store(slot, &tuple, scan->rs_cbuf, &rowid, false);
		scan->rs_cindex++;

		return true;
	}
}


/* ----------------------------------------------------------------
 *		TABLESAMPLE
 * ----------------------------------------------------------------
 */

bool
helios_scan_sample_next_block(TableScanDesc sscan, SampleScanState *scanstate)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	TsmRoutine *tsm = scanstate->tsmroutine;
	BlockNumber blkno;

	if (scan->rs_nblocks == 0)
		return false;

	if (tsm->NextSampleBlock)
	{
		blkno = tsm->NextSampleBlock(scanstate, scan->rs_nblocks);
		scan->rs_cblock = blkno;
	}
	else
	{
		/* the method reads the whole table, in scan order */
		if (scan->rs_cblock == InvalidBlockNumber)
		{
			Assert(!scan->rs_inited);
			blkno = scan->rs_startblock;
		}
		else
		{
			Assert(scan->rs_inited);

			blkno = scan->rs_cblock + 1;
			if (blkno >= scan->rs_nblocks)
				blkno = 0;		/* wrap: we may not have started at 0 */

			/* see helios_scan_following_block about reporting first */
			if (sscan->rs_flags & SO_ALLOW_SYNC)
				ss_report_location(sscan->rs_rd, blkno);

			if (blkno == scan->rs_startblock)
				blkno = InvalidBlockNumber;
		}
	}

	if (!BlockNumberIsValid(blkno))
	{
		helios_scan_finish(scan);
		return false;
	}

	helios_getpage(scan, blkno);
	scan->rs_inited = true;

	return true;
}

/*
 * The sampling method picks line pointers; those that are roots stand for
 * their rows.  Any other offset (a heap-only version, a dead or unused
 * item) yields nothing, so each row is sampled with the probability of a
 * single item, as for heap.
 */
bool
helios_scan_sample_next_tuple(TableScanDesc sscan, SampleScanState *scanstate,
							  TupleTableSlot *slot)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	Relation	rel = sscan->rs_rd;
	TsmRoutine *tsm = scanstate->tsmroutine;
	BlockNumber blkno = scan->rs_cblock;
	bool		pagemode = (sscan->rs_flags & SO_ALLOW_PAGEMODE) != 0;
	Buffer		buffer = scan->rs_cbuf;
	Page		page;
	OffsetNumber maxoffset;

	/* without page-at-a-time, visibility is decided here, under the lock */
	if (!pagemode)
	{
		LockBuffer(buffer, BUFFER_LOCK_SHARE);
		helios_check_page(rel, buffer);
	}

	page = BufferGetPage(buffer);
	maxoffset = PageGetMaxOffsetNumber(page);

	for (;;)
	{
		OffsetNumber tupoffset;
		HeapTupleData tuple;
		ItemPointerData rowid;
		HeapTuple	copy = NULL;
		bool		visible = false;

		CHECK_FOR_INTERRUPTS();

		tupoffset = tsm->NextSampleTuple(scanstate, blkno, maxoffset);
		if (!OffsetNumberIsValid(tupoffset))
			break;

		if (pagemode)
		{
			/* binary search of the rows helios_getpage collected */
			int			lo = 0,
						hi = scan->rs_ntuples - 1;

			while (lo <= hi)
			{
				int			mid = (lo + hi) / 2;

				if (scan->rs_rootoffs[mid] == tupoffset)
				{
					if (scan->rs_veroffs[mid] == InvalidOffsetNumber)
					{
						copy = helios_fetch_forwarded(rel, buffer, tupoffset,
													  sscan->rs_snapshot);
						visible = copy != NULL;
						break;
					}
					helios_member_tuple(rel, buffer, scan->rs_veroffs[mid],
										&tuple);
					visible = true;
					break;
				}
				else if (scan->rs_rootoffs[mid] > tupoffset)
					hi = mid - 1;
				else
					lo = mid + 1;
			}
		}
		else if (helios_item_is_root(page, tupoffset))
			visible = helios_chain_search(rel, buffer, sscan->rs_snapshot,
										  tupoffset, &tuple, NULL, &copy);

		if (!visible)
			continue;

		if (!pagemode)
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

		ItemPointerSet(&rowid, blkno, tupoffset);
		helios_slot_store_found(slot, &tuple, copy, buffer, &rowid);

		/* successfully fetched sample rows count as tuple fetches */
		pgstat_count_heap_getnext(rel);

		return true;
	}

	/* this page is exhausted */
	if (!pagemode)
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

	ExecClearTuple(slot);
	return false;
}
