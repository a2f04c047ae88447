/*-------------------------------------------------------------------------
 *
 * helios_prune.c
 *	  Pruning of helios table pages: removing dead versions, shortening
 *	  version chains and defragmenting the page.
 *
 * Version chains of helios rows follow heap's HOT rules (helios_am.h), so
 * pruning is heap's HOT pruning applied to a helios page: a chain's leading
 * dead versions are removed, the root line pointer becomes a redirect to
 * the first surviving version, or LP_DEAD when the whole chain is dead
 * (index entries still point at it, so only VACUUM may make it LP_UNUSED);
 * dead heap-only versions become LP_UNUSED at once.  Chains that go on on
 * another page (forward links) keep stubs; see prune_chain.  The page
 * differs from a heap page only in where the prune hint and the "page full"
 * flag live (the helios special space).
 *
 * The plan is built outside the critical section and applied inside it by
 * helios_page_prune_execute(), which is also what redo of XLOG_HELIOS_PRUNE
 * runs, so the primary and its standbys end with identical pages.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/transam.h"
#include "access/xlog.h"
#include "access/xloginsert.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "helios.h"
#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_vacuum.h"
#include "table/helios_vm.h"
#include "wal/helios_xlog.h"

/*
 * How many links look_past_link follows from one chain: every page it looks
 * at is read under our cleanup lock, so a long chain is shortened over
 * several prunes rather than all at once.
 */
#define PRUNE_MAX_LOOK	8

/* Working state of one pruning pass over a page */
typedef struct PruneState
{
	Relation	rel;

	/*
	 * Visibility horizon.  oldest_xmin is VACUUM's cutoff (invalid for
	 * on-access pruning); whatever it calls dead must be removed, since
	 * VACUUM cannot freeze the xmax of a dead tuple.
	 */
	TransactionId oldest_xmin;
	GlobalVisState *vistest;

	/* old_snapshot_threshold horizon, computed on demand */
	TimestampTz old_snap_ts;
	TransactionId old_snap_xmin;
	bool		old_snap_used;

	TransactionId new_prune_xid;	/* new prune hint for the page */
	TransactionId latestRemovedXid; /* for hot-standby conflicts */
	int			nredirected;
	int			ndead;
	int			nstubs;
	int			nunused;
	OffsetNumber redirected[MaxHeapTuplesPerPage * 2];
	OffsetNumber nowdead[MaxHeapTuplesPerPage];
	xl_helios_stub stubs[MaxHeapTuplesPerPage];
	OffsetNumber nowunused[MaxHeapTuplesPerPage];

	/*
	 * Dead segments on other pages that links collapsed by this pass skip:
	 * freed once this page's record is written.
	 */
	int			nskipped;
	struct
	{
		ItemPointerData start;	/* the segment's head */
		TransactionId start_xmin;	/* as helios_chain_segment takes it */
		ItemPointerData rowid;	/* the row it belongs to */
	}			skipped[MaxHeapTuplesPerPage];

	/* marked[i]: item i already has a place in the plan (1-based) */
	bool		marked[MaxHeapTuplesPerPage + 1];

	/*
	 * HTSV result of each item, computed once up front (-1: no tuple).  A
	 * second evaluation could disagree with the first (an inserter aborts,
	 * the horizon moves), and a tuple can be reached twice: once on its own
	 * and once through its chain.
	 */
	int8		htsv[MaxHeapTuplesPerPage + 1];
} PruneState;

static HTSV_Result prune_satisfies_vacuum(PruneState *prstate, HeapTuple tup,
										  Buffer buffer);
static int	prune_chain(Buffer buffer, OffsetNumber rootoffnum,
						PruneState *prstate);
static void record_prunable(PruneState *prstate, TransactionId xid);
static void record_redirect(PruneState *prstate, OffsetNumber offnum,
							OffsetNumber rdoffnum);
static void record_dead(PruneState *prstate, OffsetNumber offnum);
static int	record_stub(PruneState *prstate, Page page, OffsetNumber offnum,
						ItemPointer link);
static Buffer pin_link_page(PruneState *prstate, BlockNumber blkno,
							bool *gone);
static bool worth_looking_past(PruneState *prstate, Page page,
							   OffsetNumber *chainitems, int nchain);
static bool look_past_link(PruneState *prstate, ItemPointer rowid,
						   ItemPointer link, TransactionId *link_xmin,
						   bool collapse);
static void record_unused(PruneState *prstate, OffsetNumber offnum);
static void free_skipped_segment(PruneState *prstate, int i);
static void log_prune(Buffer buffer, TransactionId latestRemovedXid,
					  OffsetNumber *redirected, int nredirected,
					  OffsetNumber *nowdead, int ndead,
					  xl_helios_stub *stubs, int nstubs,
					  OffsetNumber *nowunused, int nunused);
static int	prune_page(Relation rel, Buffer buffer, TransactionId oldest_xmin,
					   GlobalVisState *vistest, TransactionId old_snap_xmin,
					   TimestampTz old_snap_ts, int *nnewlpdead,
					   OffsetNumber *off_loc);


/*
 * Prune the page if it looks worth it and a cleanup lock is free.
 *
 * Called on every page access by scans and fetches, so it must be cheap
 * when there is nothing to do: the prune hint and the free space are
 * checked without a lock first.  The caller holds a pin and no lock.
 */
void
helios_page_prune_opt(Relation rel, Buffer buffer)
{
	Page		page = BufferGetPage(buffer);
	PageHeader	phdr = (PageHeader) page;
	TransactionId prune_xid;
	GlobalVisState *vistest;
	TransactionId limited_xmin = InvalidTransactionId;
	TimestampTz limited_ts = 0;
	Size		minfree;

	/*
	 * The prune hint lives in the special space, on the page's last cache
	 * line, and the header on its first: have both loaded at once rather
	 * than one after the other (this is usually a page's first touch).
	 */
	helios_prefetch((char *) page + BLCKSZ - 1);

	/* a standby cannot write WAL; its primary prunes the page anyway */
	if (RecoveryInProgress())
		return;

	/* keep old_snapshot_threshold = 0 behaving as it does for heap */
	if (old_snapshot_threshold == 0)
		SnapshotTooOldMagicForTest();

	/*
	 * Not a (valid) helios page: leave it to the locked check of whoever
	 * reads it next, rather than trust an unlocked special pointer.
	 */
	if (PageIsNew(page) ||
		phdr->pd_special != BLCKSZ - MAXALIGN(sizeof(HeliosPageOpaqueData)))
		return;

	/*
	 * No prune hint means no UPDATE or DELETE left a possibly dead version
	 * here since the last prune; computing the horizon would be a waste.
	 */
	prune_xid = HeliosPageGetOpaque(page)->hp_prune_xid;
	if (!TransactionIdIsValid(prune_xid))
		return;

	/*
	 * Checking the old-snapshot limit before the cleanup lock is fine: at
	 * worst we are a little less aggressive than we could be.  The limited
	 * horizon is only consulted when the normal one does not suffice, since
	 * it is not cheap and relying on it causes snapshot-too-old errors.
	 */
	vistest = GlobalVisTestFor(rel);
	if (!GlobalVisTestIsRemovableXid(vistest, prune_xid))
	{
		if (!OldSnapshotThresholdActive())
			return;
		if (!TransactionIdLimitedForOldSnapshots(GlobalVisTestNonRemovableHorizon(vistest),
												 rel, &limited_xmin, &limited_ts))
			return;
		if (!TransactionIdPrecedes(prune_xid, limited_xmin))
			return;
	}

	/*
	 * Prune when an UPDATE found no room, or when free space is below the
	 * fillfactor target (but at least 10%).  The unlocked read of the free
	 * space may be slightly stale; this is only a heuristic.
	 */
	minfree = RelationGetTargetPageFreeSpace(rel, HEAP_DEFAULT_FILLFACTOR);
	minfree = Max(minfree, BLCKSZ / 10);

	if ((HeliosPageGetOpaque(page)->hp_flags & HP_PAGE_FULL) ||
		helios_page_free_space(page) < minfree)
	{
		if (!ConditionalLockBufferForCleanup(buffer))
			return;
		helios_check_page(rel, buffer);

		/* recheck with the lock held; nobody else can prune meanwhile */
		if ((HeliosPageGetOpaque(page)->hp_flags & HP_PAGE_FULL) ||
			helios_page_free_space(page) < minfree)
		{
			int			ndeleted,
						nnewlpdead;

			ndeleted = prune_page(rel, buffer, InvalidTransactionId, vistest,
								  limited_xmin, limited_ts, &nnewlpdead, NULL);

			/*
			 * Report only the versions whose space is gone for good: items
			 * that became LP_DEAD still need VACUUM, which counts them.
			 */
			if (ndeleted > nnewlpdead)
				pgstat_update_heap_dead_tuples(rel, ndeleted - nnewlpdead);
		}
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

		/*
		 * The FSM is deliberately not told about the space: it is best used
		 * by UPDATEs of rows on this page, which keeps their chains local.
		 */
	}
}

/*
 * Prune the page in buffer, on which the caller holds a cleanup lock.
 *
 * Returns the number of versions removed; *nnewlpdead is set to the number
 * of items newly made LP_DEAD.  off_loc, if given, tracks the offset being
 * processed for the caller's error context.  The FSM is not updated.
 */
int
helios_page_prune(Relation rel, Buffer buffer, GlobalVisState *vistest,
				  TransactionId old_snap_xmin, TimestampTz old_snap_ts,
				  int *nnewlpdead, OffsetNumber *off_loc)
{
	return prune_page(rel, buffer, InvalidTransactionId, vistest,
					  old_snap_xmin, old_snap_ts, nnewlpdead, off_loc);
}

/*
 * VACUUM's variant: everything whose deleter precedes oldest_xmin is
 * removed even if vistest has moved backwards since VACUUM computed its
 * cutoffs (GetOldestNonRemovableTransactionId can do that), so that VACUUM
 * never sees a dead version it would have to freeze.
 */
int
helios_page_prune_vacuum(Relation rel, Buffer buffer,
						 TransactionId oldest_xmin, GlobalVisState *vistest,
						 int *nnewlpdead, OffsetNumber *off_loc)
{
	Assert(TransactionIdIsNormal(oldest_xmin));
	return prune_page(rel, buffer, oldest_xmin, vistest,
					  InvalidTransactionId, 0, nnewlpdead, off_loc);
}

static int
prune_page(Relation rel, Buffer buffer, TransactionId oldest_xmin,
		   GlobalVisState *vistest, TransactionId old_snap_xmin,
		   TimestampTz old_snap_ts, int *nnewlpdead, OffsetNumber *off_loc)
{
	Page		page = BufferGetPage(buffer);
	BlockNumber blkno = BufferGetBlockNumber(buffer);
	HeliosPageOpaque opaque = HeliosPageGetOpaque(page);
	OffsetNumber offnum,
				maxoff;
	PruneState	prstate;
	HeapTupleData tup;
	int			ndeleted = 0;

	prstate.rel = rel;
	prstate.oldest_xmin = oldest_xmin;
	prstate.vistest = vistest;
	prstate.old_snap_xmin = old_snap_xmin;
	prstate.old_snap_ts = old_snap_ts;
	prstate.old_snap_used = false;
	prstate.new_prune_xid = InvalidTransactionId;
	prstate.latestRemovedXid = InvalidTransactionId;
	prstate.nredirected = prstate.ndead = prstate.nstubs = prstate.nunused = 0;
	prstate.nskipped = 0;
	memset(prstate.marked, 0, sizeof(prstate.marked));

	maxoff = PageGetMaxOffsetNumber(page);
	tup.t_tableOid = RelationGetRelid(rel);

	/*
	 * Decide the fate of every tuple once.  Going backwards reads the tuple
	 * bodies in ascending address order, which prefetches better.
	 */
	for (offnum = maxoff; offnum >= FirstOffsetNumber;
		 offnum = OffsetNumberPrev(offnum))
	{
		ItemId		itemid = PageGetItemId(page, offnum);

		if (!ItemIdIsNormal(itemid))
		{
			prstate.htsv[offnum] = -1;
			continue;
		}
		helios_check_item(rel, buffer, offnum);
		tup.t_data = (HeapTupleHeader) PageGetItem(page, itemid);
		tup.t_len = ItemIdGetLength(itemid);
		ItemPointerSet(&tup.t_self, blkno, offnum);
		if (off_loc)
			*off_loc = offnum;
		if (HeliosTupleIsStub(tup.t_data))
			prstate.htsv[offnum] = HEAPTUPLE_DEAD;
		else
			prstate.htsv[offnum] = prune_satisfies_vacuum(&prstate, &tup,
														  buffer);
	}

	/* Plan every chain, starting from each item not yet planned */
	for (offnum = FirstOffsetNumber; offnum <= maxoff;
		 offnum = OffsetNumberNext(offnum))
	{
		ItemId		itemid;

		if (prstate.marked[offnum])
			continue;
		if (off_loc)
			*off_loc = offnum;
		itemid = PageGetItemId(page, offnum);
		if (!ItemIdIsUsed(itemid) || ItemIdIsDead(itemid))
			continue;
		ndeleted += prune_chain(buffer, offnum, &prstate);
	}
	if (off_loc)
		*off_loc = InvalidOffsetNumber;

	START_CRIT_SECTION();

	if (prstate.nredirected > 0 || prstate.ndead > 0 || prstate.nstubs > 0 ||
		prstate.nunused > 0)
	{
		helios_page_prune_execute(buffer,
								  prstate.redirected, prstate.nredirected,
								  prstate.nowdead, prstate.ndead,
								  prstate.stubs, prstate.nstubs,
								  prstate.nowunused, prstate.nunused);

		/*
		 * The hint now names the oldest xid that may make a surviving
		 * version prunable, and "page full" is reset: there is no point in
		 * pruning again until something else happens to the page.
		 */
		opaque->hp_prune_xid = prstate.new_prune_xid;
		opaque->hp_flags &= ~HP_PAGE_FULL;

		MarkBufferDirty(buffer);

		if (RelationNeedsWAL(rel))
			log_prune(buffer, prstate.latestRemovedXid,
					  prstate.redirected, prstate.nredirected,
					  prstate.nowdead, prstate.ndead,
					  prstate.stubs, prstate.nstubs,
					  prstate.nowunused, prstate.nunused);
	}
	else if (opaque->hp_prune_xid != prstate.new_prune_xid ||
			 (opaque->hp_flags & HP_PAGE_FULL))
	{
		/*
		 * Nothing to remove, but the hints are stale.  They are hints only
		 * (redo masks them), so they are not WAL-logged.
		 */
		opaque->hp_prune_xid = prstate.new_prune_xid;
		opaque->hp_flags &= ~HP_PAGE_FULL;
		MarkBufferDirtyHint(buffer, true);
	}

	END_CRIT_SECTION();

	/* now that nothing links to them, the segments collapsed links skip go */
	for (int i = 0; i < prstate.nskipped; i++)
		free_skipped_segment(&prstate, i);

	*nnewlpdead = prstate.ndead;
	return ndeleted;
}

/*
 * WAL-log a pruning of the page in buffer (the caller is in the critical
 * section that changed it).  The arrays are registered as buffer data so
 * that a full-page image makes them redundant and they are left out.
 */
static void
log_prune(Buffer buffer, TransactionId latestRemovedXid,
		  OffsetNumber *redirected, int nredirected,
		  OffsetNumber *nowdead, int ndead,
		  xl_helios_stub *stubs, int nstubs,
		  OffsetNumber *nowunused, int nunused)
{
	xl_helios_prune xlrec;
	XLogRecPtr	recptr;

	xlrec.latestRemovedXid = latestRemovedXid;
	xlrec.nredirected = nredirected;
	xlrec.ndead = ndead;
	xlrec.nstubs = nstubs;

	XLogBeginInsert();
	XLogRegisterData((char *) &xlrec, SizeOfHeliosPrune);
	XLogRegisterBuffer(0, buffer, REGBUF_STANDARD);
	if (nredirected > 0)
		XLogRegisterBufData(0, (char *) redirected,
							nredirected * sizeof(OffsetNumber) * 2);
	if (ndead > 0)
		XLogRegisterBufData(0, (char *) nowdead, ndead * sizeof(OffsetNumber));
	if (nstubs > 0)
		XLogRegisterBufData(0, (char *) stubs, nstubs * sizeof(xl_helios_stub));
	if (nunused > 0)
		XLogRegisterBufData(0, (char *) nowunused,
							nunused * sizeof(OffsetNumber));

	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_PRUNE);
	PageSetLSN(BufferGetPage(buffer), recptr);
}

/*
 * Make items of the page in buffer, on which the caller holds a cleanup
 * lock, LP_UNUSED and WAL-log it, with latestRemovedXid for the standby
 * conflict (invalid when an earlier record resolved it already).
 */
void
helios_page_free_items(Relation rel, Buffer buffer,
					   TransactionId latestRemovedXid,
					   OffsetNumber *unused, int nunused)
{
	START_CRIT_SECTION();
	helios_page_prune_execute(buffer, NULL, 0, NULL, 0, NULL, 0,
							  unused, nunused);
	MarkBufferDirty(buffer);
	if (RelationNeedsWAL(rel))
		log_prune(buffer, latestRemovedXid, NULL, 0, NULL, 0, NULL, 0,
				  unused, nunused);
	END_CRIT_SECTION();
}

/*
 * HeapTupleSatisfiesVacuum for pruning: RECENTLY_DEAD becomes DEAD when the
 * deleter precedes VACUUM's cutoff, the current horizon, or (only as a last
 * resort, because it makes old snapshots fail) old_snapshot_threshold's
 * limited horizon.
 */
static HTSV_Result
prune_satisfies_vacuum(PruneState *prstate, HeapTuple tup, Buffer buffer)
{
	HTSV_Result res;
	TransactionId dead_after;

	res = HeapTupleSatisfiesVacuumHorizon(tup, buffer, &dead_after);
	if (res != HEAPTUPLE_RECENTLY_DEAD)
		return res;

	/* once we rely on the limited horizon, keep doing so */
	if (prstate->old_snap_used)
	{
		Assert(TransactionIdIsValid(prstate->old_snap_xmin));
		if (TransactionIdPrecedes(dead_after, prstate->old_snap_xmin))
			res = HEAPTUPLE_DEAD;
		return res;
	}

	if (TransactionIdIsValid(prstate->oldest_xmin) &&
		NormalTransactionIdPrecedes(dead_after, prstate->oldest_xmin))
		return HEAPTUPLE_DEAD;

	if (GlobalVisTestIsRemovableXid(prstate->vistest, dead_after))
		return HEAPTUPLE_DEAD;

	if (OldSnapshotThresholdActive())
	{
		if (!TransactionIdIsValid(prstate->old_snap_xmin))
		{
			TransactionId horizon =
			GlobalVisTestNonRemovableHorizon(prstate->vistest);

			TransactionIdLimitedForOldSnapshots(horizon, prstate->rel,
												&prstate->old_snap_xmin,
												&prstate->old_snap_ts);
		}
		if (TransactionIdIsValid(prstate->old_snap_xmin) &&
			TransactionIdPrecedes(dead_after, prstate->old_snap_xmin))
		{
			/* snapshots older than the limit must now fail when used */
			SetOldSnapshotThresholdTimestamp(prstate->old_snap_ts,
											 prstate->old_snap_xmin);
			prstate->old_snap_used = true;
			res = HEAPTUPLE_DEAD;
		}
	}
	return res;
}

/*
 * Plan the pruning of the chain starting at rootoffnum (or of the single
 * item there).  The chain's leading DEAD versions go, together with any
 * RECENTLY_DEAD ones before the last DEAD one: those are really dead, the
 * horizon test is just too coarse to see it, and leaving a DEAD version
 * with storage behind would confuse VACUUM.  The root is redirected to the
 * first survivor, or marked LP_DEAD when nothing survives.
 *
 * Forward links add two cases (src/table/README, "Forward links"):
 *
 * - A chain may start at the head of a forwarded segment, a heap-only
 *   version naming a root on another page, which links here.  Such a head
 *   cannot become a redirect (the link must find the root TID in it): when
 *   it is dead it becomes a stub linking to the first survivor, and when
 *   the whole row is dead everything goes, LP_UNUSED at once, since no
 *   index entry points here.
 *
 * - When every version here is dead but the chain goes on on another page,
 *   one stub keeps the link: the root itself, the first version after a
 *   redirect root, or the head.  Its link skips the segments past it that
 *   hold nothing but dead versions (look_past_link).  Only when the
 *   versions past the link are dead too is the whole row dead: root
 *   LP_DEAD, or the segment's items LP_UNUSED.
 *
 * Returns the number of versions that will be removed.
 */
static int
prune_chain(Buffer buffer, OffsetNumber rootoffnum, PruneState *prstate)
{
	Page		page = BufferGetPage(buffer);
	BlockNumber blkno = BufferGetBlockNumber(buffer);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	TransactionId priorXmax = InvalidTransactionId;
	OffsetNumber latestdead = InvalidOffsetNumber;
	OffsetNumber offnum;
	OffsetNumber chainitems[MaxHeapTuplesPerPage];
	ItemPointerData link;
	TransactionId link_xmin = InvalidTransactionId;
	ItemPointerData rowid;		/* the row the chain belongs to */
	ItemId		rootlp;
	HeapTupleHeader htup;
	bool		is_head = false;
	int			nchain = 0;
	int			ndeleted = 0;
	int			i;

	ItemPointerSetInvalid(&link);
	ItemPointerSet(&rowid, blkno, rootoffnum);
	rootlp = PageGetItemId(page, rootoffnum);

	if (ItemIdIsNormal(rootlp))
	{
		Assert(prstate->htsv[rootoffnum] != -1);
		htup = (HeapTupleHeader) PageGetItem(page, rootlp);

		if (HeliosTupleIsForwarded(htup))
		{
			is_head = true;
			rowid = *HeliosTupleRootTid(htup);
		}
		else if (HeapTupleHeaderIsHeapOnly(htup))
		{
			/*
			 * A heap-only version is not a chain start.  If it is DEAD and
			 * links to nothing, it can go now: that is how versions made by
			 * an aborted in-chain UPDATE are reclaimed, since their
			 * predecessor may have been updated again and no longer points
			 * at them.  (An aborted version is never HOT-updated.)
			 * Otherwise it goes, if at all, with its chain.
			 */
			if (prstate->htsv[rootoffnum] == HEAPTUPLE_DEAD &&
				!HeapTupleHeaderIsHotUpdated(htup))
			{
				record_unused(prstate, rootoffnum);
				HeapTupleHeaderAdvanceLatestRemovedXid(htup,
													   &prstate->latestRemovedXid);
				ndeleted++;
			}
			return ndeleted;
		}
	}

	offnum = rootoffnum;
	for (;;)
	{
		ItemId		lp;
		bool		tupdead = false,
					recent_dead = false;

		if (offnum < FirstOffsetNumber || offnum > maxoff)
			break;
		/* planned already: it belongs to another chain */
		if (prstate->marked[offnum])
			break;

		lp = PageGetItemId(page, offnum);
		if (!ItemIdIsUsed(lp))
			break;

		/* a redirect is followed only at the start of the chain */
		if (ItemIdIsRedirected(lp))
		{
			if (nchain > 0)
				break;
			chainitems[nchain++] = offnum;
			offnum = ItemIdGetRedirect(rootlp);
			continue;
		}
		if (ItemIdIsDead(lp))
			break;

		Assert(ItemIdIsNormal(lp));
		Assert(prstate->htsv[offnum] != -1);
		htup = (HeapTupleHeader) PageGetItem(page, lp);

		/* the successor must have been created by our xmax */
		if (TransactionIdIsValid(priorXmax) &&
			!TransactionIdEquals(HeapTupleHeaderGetXmin(htup), priorXmax))
			break;

		chainitems[nchain++] = offnum;

		switch ((HTSV_Result) prstate->htsv[offnum])
		{
			case HEAPTUPLE_DEAD:
				tupdead = true;
				break;
			case HEAPTUPLE_RECENTLY_DEAD:
				recent_dead = true;
				/* it may become DEAD soon: remember when to look again */
				record_prunable(prstate, HeapTupleHeaderGetUpdateXid(htup));
				break;
			case HEAPTUPLE_DELETE_IN_PROGRESS:
				record_prunable(prstate, HeapTupleHeaderGetUpdateXid(htup));
				break;
			case HEAPTUPLE_LIVE:
			case HEAPTUPLE_INSERT_IN_PROGRESS:

				/*
				 * An in-progress insert might abort, but like heap we do not
				 * optimize for aborts.
				 */
				break;
			default:
				elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
				break;
		}

		/*
		 * Walk past RECENTLY_DEAD versions in case a DEAD one follows, but
		 * not past anything that is alive.
		 */
		if (tupdead)
		{
			latestdead = offnum;
			HeapTupleHeaderAdvanceLatestRemovedXid(htup,
												   &prstate->latestRemovedXid);
		}
		else if (!recent_dead)
			break;

		if (!HeapTupleHeaderIsHotUpdated(htup))
			break;

		/* chains never cross partitions */
		Assert(!HeapTupleHeaderIndicatesMovedPartitions(htup));
		priorXmax = HeliosTupleIsStub(htup) ? InvalidTransactionId :
			HeapTupleHeaderGetUpdateXid(htup);
		if (ItemPointerGetBlockNumber(&htup->t_ctid) != blkno)
		{
			/* the chain goes on on another page */
			link = htup->t_ctid;
			link_xmin = priorXmax;
			break;
		}
		offnum = ItemPointerGetOffsetNumber(&htup->t_ctid);
	}

	if (OffsetNumberIsValid(latestdead))
	{
		/* i: the first survivor, past the last DEAD member */
		for (i = 1; i < nchain && chainitems[i - 1] != latestdead; i++)
			;

		if (i < nchain)
		{
			/* every member between the root and the last DEAD one goes */
			for (int j = 1; j < i; j++)
			{
				record_unused(prstate, chainitems[j]);
				ndeleted++;
			}
			if (is_head)
			{
				ItemPointerData first;

				/* the head stays, as a stub, for the link that leads here */
				ItemPointerSet(&first, blkno, chainitems[i]);
				ndeleted += record_stub(prstate, page, rootoffnum, &first);
			}
			else
			{
				/* the root counts as removed only if it held a version */
				if (ItemIdIsNormal(rootlp))
					ndeleted++;
				record_redirect(prstate, rootoffnum, chainitems[i]);
			}
		}
		else if (ItemPointerIsValid(&link) &&
				 (!worth_looking_past(prstate, page, chainitems, nchain) ||
				  !look_past_link(prstate, &rowid, &link, &link_xmin,
								  !is_head)))
		{
			/* all dead here, the row lives on elsewhere: keep one stub */
			int			keep = ItemIdIsNormal(rootlp) ? 0 : 1;

			Assert(keep < nchain);
			for (int j = 1; j < nchain; j++)
			{
				if (j == keep)
					continue;
				record_unused(prstate, chainitems[j]);
				ndeleted++;
			}
			ndeleted += record_stub(prstate, page, chainitems[keep], &link);
		}
		else
		{
			/* nothing survives */
			for (int j = 1; j < nchain; j++)
			{
				record_unused(prstate, chainitems[j]);
				ndeleted++;
			}
			if (ItemIdIsNormal(rootlp))
				ndeleted++;
			if (is_head)
				record_unused(prstate, rootoffnum); /* no index points here */
			else
				record_dead(prstate, rootoffnum);
		}
	}
	else if (nchain < 2 && ItemIdIsRedirected(rootlp))
	{
		/*
		 * A redirect whose target was already planned away: the page loop
		 * reached the dead target before the redirect.  The whole chain is
		 * dead.
		 */
		record_dead(prstate, rootoffnum);
	}

	return ndeleted;
}

/*
 * Pin page blkno, which a link from the page being pruned names, if that
 * needs no I/O or pruning may do I/O: on-access pruning, which runs inside
 * readers, looks only at pages already in shared buffers (no I/O under our
 * cleanup lock); VACUUM reads them.  *gone says that the page is past the
 * end of the relation (VACUUM truncated it after every version on it
 * died).  Locks on it must be conditional: we hold a cleanup lock here,
 * and a writer may hold that page while waiting for ours (the page may even
 * be this one, whose lock we hold: then the attempt fails).
 */
static Buffer
pin_link_page(PruneState *prstate, BlockNumber blkno, bool *gone)
{
	Buffer		buffer;

	*gone = false;
	if (TransactionIdIsValid(prstate->oldest_xmin))
	{
		buffer = helios_read_link_page(prstate->rel, blkno);
		if (!BufferIsValid(buffer))
			*gone = true;
	}
	else
	{
		PrefetchBufferResult cached;

		/* as in helios_read_link_page: no prefetch into a removed segment */
		if (blkno >= RELSEG_SIZE &&
			blkno >= RelationGetNumberOfBlocks(prstate->rel))
		{
			*gone = true;
			return InvalidBuffer;
		}
		cached = PrefetchBuffer(prstate->rel, MAIN_FORKNUM, blkno);
		buffer = cached.recent_buffer;
		if (BufferIsValid(buffer) &&
			!ReadRecentBuffer(prstate->rel->rd_node, MAIN_FORKNUM, blkno,
							  buffer))
			buffer = InvalidBuffer;
	}
	return buffer;
}

/*
 * Should pruning look past the link that leaves the chain chainitems (all
 * dead here)?  VACUUM always does.  On-access pruning only when versions
 * here have just died: a chain that is nothing but a stub an earlier prune
 * left (after a redirect, maybe) is left for VACUUM, since every look
 * costs a buffer lookup and a lock on another page, and a page holding
 * many such stubs is pruned often.
 */
static bool
worth_looking_past(PruneState *prstate, Page page, OffsetNumber *chainitems,
				   int nchain)
{
	if (TransactionIdIsValid(prstate->oldest_xmin))
		return true;
	for (int j = 0; j < nchain; j++)
	{
		ItemId		lp = PageGetItemId(page, chainitems[j]);

		if (ItemIdIsNormal(lp) &&
			!HeliosTupleIsStub((HeapTupleHeader) PageGetItem(page, lp)))
			return true;
	}
	return false;
}

/*
 * Look past the forward link *link (made by *link_xmin, or a stub's) that
 * leaves this page for row rowid, whose versions here are all dead.
 * Returns true if every version past it is dead to everyone too, or gone:
 * the row is dead.  "Don't know" is false.  One page is locked at a time,
 * never waiting.
 *
 * If collapse, *link is moved past the segments that are nothing but a
 * stub, which are remembered for free_skipped_stub: COLLAPSING the link,
 * so that the row's versions are one hop away again.  Only a root's page
 * collapses links (see src/table/README for why that makes freeing the
 * skipped stubs safe).
 */
static bool
look_past_link(PruneState *prstate, ItemPointer rowid, ItemPointer link,
			   TransactionId *link_xmin, bool collapse)
{
	ItemPointerData at = *link;
	TransactionId at_xmin = *link_xmin;

	for (int hops = 0; hops < PRUNE_MAX_LOOK; hops++)
	{
		HeliosSegment seg;
		Buffer		buffer;
		bool		gone;
		bool		dead = true;

		buffer = pin_link_page(prstate, ItemPointerGetBlockNumber(&at), &gone);
		if (!BufferIsValid(buffer))
			return gone;
		if (!ConditionalLockBuffer(buffer))
		{
			ReleaseBuffer(buffer);
			return false;
		}
		helios_check_page(prstate->rel, buffer);
		seg.hops = 0;
		helios_chain_segment(prstate->rel, buffer, rowid,
							 ItemPointerGetOffsetNumber(&at), at_xmin, &seg);
		for (int i = 0; dead && i < seg.n; i++)
		{
			HeapTupleData tup;

			helios_member_tuple(prstate->rel, buffer, seg.members[i], &tup);
			if (prune_satisfies_vacuum(prstate, &tup, buffer) != HEAPTUPLE_DEAD)
				dead = false;
		}
		if (dead && collapse && ItemPointerIsValid(&seg.next) &&
			prstate->nskipped < MaxHeapTuplesPerPage)
		{
			/*
			 * Nobody needs this segment's versions: the link can skip it.
			 * This page's record then makes them unreachable, so it must
			 * conflict with standby queries that could still see them.
			 */
			for (int i = 0; i < seg.n; i++)
			{
				HeapTupleData tup;

				helios_member_tuple(prstate->rel, buffer, seg.members[i], &tup);
				HeapTupleHeaderAdvanceLatestRemovedXid(tup.t_data,
													   &prstate->latestRemovedXid);
			}
			prstate->skipped[prstate->nskipped].start = at;
			prstate->skipped[prstate->nskipped].start_xmin = at_xmin;
			prstate->skipped[prstate->nskipped].rowid = *rowid;
			prstate->nskipped++;
			*link = seg.next;
			*link_xmin = InvalidTransactionId;	/* a stub's link */
		}
		else
			collapse = false;
		UnlockReleaseBuffer(buffer);
		if (!dead)
			return false;
		if (!ItemPointerIsValid(&seg.next))
			return true;		/* the chain ends there, dead */
		at = seg.next;
		at_xmin = seg.next_xmin;
	}
	return false;
}

/*
 * Free the dead segment skipped[i], which a link collapsed by this pass
 * skipped, if its page's cleanup lock is free at once.  Nothing links to it
 * now: the only link to it came from the root's page, which we hold, or
 * from another skipped segment; and no chain walk is still on its way
 * there, since every walk holds a pin on the row's root page until it is
 * done (src/table/README).  If the lock is not free, the segment's own
 * page's pruning cuts it down to a stub, which stays until that pruning
 * finds the row dead.
 */
static void
free_skipped_segment(PruneState *prstate, int i)
{
	ItemPointer start = &prstate->skipped[i].start;
	OffsetNumber head = ItemPointerGetOffsetNumber(start);
	OffsetNumber unused[MaxHeapTuplesPerPage + 1];
	TransactionId latestRemovedXid = InvalidTransactionId;
	HeliosSegment seg;
	Buffer		buffer;
	Page		page;
	bool		gone;
	int			nunused = 0;

	buffer = pin_link_page(prstate, ItemPointerGetBlockNumber(start), &gone);
	if (!BufferIsValid(buffer))
		return;
	if (!ConditionalLockBufferForCleanup(buffer))
	{
		ReleaseBuffer(buffer);
		return;
	}
	helios_check_page(prstate->rel, buffer);
	page = BufferGetPage(buffer);

	/* the segment as it is now: dead it was, dead it stays */
	seg.hops = 0;
	helios_chain_segment(prstate->rel, buffer, &prstate->skipped[i].rowid,
						 head, prstate->skipped[i].start_xmin, &seg);
	if (seg.n > 0 || ItemPointerIsValid(&seg.next))
	{
		if (seg.n == 0 || seg.members[0] != head)
			unused[nunused++] = head;	/* a stub */
		for (int j = 0; j < seg.n; j++)
		{
			HeapTupleData tup;

			helios_member_tuple(prstate->rel, buffer, seg.members[j], &tup);
			if (prune_satisfies_vacuum(prstate, &tup, buffer) != HEAPTUPLE_DEAD)
			{
				nunused = 0;	/* cannot be: leave it to its own pruning */
				break;
			}
			HeapTupleHeaderAdvanceLatestRemovedXid(tup.t_data,
												   &latestRemovedXid);
			unused[nunused++] = seg.members[j];
		}
	}
	if (nunused > 0 &&
		ItemIdIsNormal(PageGetItemId(page, head)) &&
		HeliosTupleIsForwarded((HeapTupleHeader) PageGetItem(page, PageGetItemId(page, head))))
		helios_page_free_items(prstate->rel, buffer, latestRemovedXid,
							   unused, nunused);
	UnlockReleaseBuffer(buffer);
}

/* Remember the oldest xid that may make a surviving version prunable */
static void
record_prunable(PruneState *prstate, TransactionId xid)
{
	Assert(TransactionIdIsNormal(xid));
	if (!TransactionIdIsValid(prstate->new_prune_xid) ||
		TransactionIdPrecedes(xid, prstate->new_prune_xid))
		prstate->new_prune_xid = xid;
}

static void
record_redirect(PruneState *prstate, OffsetNumber offnum,
				OffsetNumber rdoffnum)
{
	Assert(prstate->nredirected < MaxHeapTuplesPerPage);
	prstate->redirected[prstate->nredirected * 2] = offnum;
	prstate->redirected[prstate->nredirected * 2 + 1] = rdoffnum;
	prstate->nredirected++;
	Assert(!prstate->marked[offnum]);
	prstate->marked[offnum] = true;
	Assert(!prstate->marked[rdoffnum]);
	prstate->marked[rdoffnum] = true;
}

static void
record_dead(PruneState *prstate, OffsetNumber offnum)
{
	Assert(prstate->ndead < MaxHeapTuplesPerPage);
	prstate->nowdead[prstate->ndead++] = offnum;
	Assert(!prstate->marked[offnum]);
	prstate->marked[offnum] = true;
}

/*
 * Plan item offnum (a version or a stub) to become a stub linking to *link;
 * nothing to do if it is one already.  Returns 1 if a version's data goes.
 */
static int
record_stub(PruneState *prstate, Page page, OffsetNumber offnum,
			ItemPointer link)
{
	HeapTupleHeader htup;
	xl_helios_stub *stub;

	htup = (HeapTupleHeader) PageGetItem(page, PageGetItemId(page, offnum));
	if (HeliosTupleIsStub(htup) && ItemPointerEquals(&htup->t_ctid, link))
		return 0;
	Assert(prstate->nstubs < MaxHeapTuplesPerPage);
	stub = &prstate->stubs[prstate->nstubs++];
	stub->offnum = offnum;
	stub->link = *link;
	Assert(!prstate->marked[offnum]);
	prstate->marked[offnum] = true;
	return HeliosTupleIsStub(htup) ? 0 : 1;
}

static void
record_unused(PruneState *prstate, OffsetNumber offnum)
{
	Assert(prstate->nunused < MaxHeapTuplesPerPage);
	prstate->nowunused[prstate->nunused++] = offnum;
	Assert(!prstate->marked[offnum]);
	prstate->marked[offnum] = true;
}

/*
 * For every item on the page, find the root of its chain: afterwards
 * root_offsets[k - 1] = j when item k belongs to the chain rooted at j
 * (j = k for a root itself), HELIOS_ROOT_ELSEWHERE when it belongs to the
 * segment of a row whose root is on another page (forward links), and
 * InvalidOffsetNumber for items that belong to no chain.  root_offsets
 * must have MaxHeapTuplesPerPage entries.
 *
 * The caller holds at least a share lock, so nobody prunes meanwhile; the
 * answer stays valid only while the caller keeps its pin, since afterwards
 * an item may be pruned and its slot reused by an unrelated version.
 */
void
helios_get_root_tuples(Page page, BlockNumber blkno,
					   OffsetNumber *root_offsets)
{
	OffsetNumber offnum,
				maxoff;

	MemSet(root_offsets, InvalidOffsetNumber,
		   MaxHeapTuplesPerPage * sizeof(OffsetNumber));

	maxoff = PageGetMaxOffsetNumber(page);
	for (offnum = FirstOffsetNumber; offnum <= maxoff;
		 offnum = OffsetNumberNext(offnum))
	{
		ItemId		lp = PageGetItemId(page, offnum);
		HeapTupleHeader htup;
		OffsetNumber nextoffnum;
		TransactionId priorXmax;
		OffsetNumber mark;

		if (!ItemIdIsUsed(lp) || ItemIdIsDead(lp))
			continue;

		if (ItemIdIsNormal(lp))
		{
			htup = (HeapTupleHeader) PageGetItem(page, lp);

			/* members are handled when their chain's start is reached */
			if (HeapTupleHeaderIsHeapOnly(htup) &&
				!HeliosTupleIsForwarded(htup))
				continue;

			/* a forwarded head starts the segment of a row rooted elsewhere */
			mark = HeliosTupleIsForwarded(htup) ? HELIOS_ROOT_ELSEWHERE : offnum;
			root_offsets[offnum - 1] = mark;
			if (!HeapTupleHeaderIsHotUpdated(htup) ||
				ItemPointerGetBlockNumber(&htup->t_ctid) != blkno)
				continue;
			nextoffnum = ItemPointerGetOffsetNumber(&htup->t_ctid);
			priorXmax = HeliosTupleIsStub(htup) ? InvalidTransactionId :
				HeapTupleHeaderGetUpdateXid(htup);
		}
		else
		{
			/* a redirect is a root without a version of its own */
			Assert(ItemIdIsRedirected(lp));
			mark = offnum;
			nextoffnum = ItemIdGetRedirect(lp);
			priorXmax = InvalidTransactionId;
		}

		/*
		 * Follow the chain on this page.  Each item is visited at most twice
		 * overall (here and in the outer loop), so this stays O(items).
		 */
		for (;;)
		{
			/* the array may have been truncated past a chain's old end */
			if (nextoffnum < FirstOffsetNumber || nextoffnum > maxoff)
				break;

			lp = PageGetItemId(page, nextoffnum);
			if (!ItemIdIsNormal(lp))
				break;

			htup = (HeapTupleHeader) PageGetItem(page, lp);
			if (TransactionIdIsValid(priorXmax) &&
				!TransactionIdEquals(priorXmax, HeapTupleHeaderGetXmin(htup)))
				break;

			root_offsets[nextoffnum - 1] = mark;

			if (!HeapTupleHeaderIsHotUpdated(htup) ||
				ItemPointerGetBlockNumber(&htup->t_ctid) != blkno)
				break;
			Assert(!HeapTupleHeaderIndicatesMovedPartitions(htup));
			nextoffnum = ItemPointerGetOffsetNumber(&htup->t_ctid);
			priorXmax = HeliosTupleIsStub(htup) ? InvalidTransactionId :
				HeapTupleHeaderGetUpdateXid(htup);
		}
	}
}

/*
 * The roots of the page in buffer whose chains go on on another page;
 * returns their number.  The caller holds at least a share lock.
 */
int
helios_forwarded_roots(Relation rel, Buffer buffer, OffsetNumber *roots)
{
	Page		page = BufferGetPage(buffer);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	int			n = 0;

	for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off++)
	{
		ItemId		lp = PageGetItemId(page, off);
		HeliosSegment seg;

		/* only an updated root or a redirect can lead off the page */
		if (ItemIdIsNormal(lp))
		{
			HeapTupleHeader htup = (HeapTupleHeader) PageGetItem(page, lp);

			if (HeapTupleHeaderIsHeapOnly(htup) ||
				!HeapTupleHeaderIsHotUpdated(htup))
				continue;
		}
		else if (!ItemIdIsRedirected(lp))
			continue;
		helios_root_segment(rel, buffer, off, &seg);
		if (ItemPointerIsValid(&seg.next))
			roots[n++] = off;
	}
	return n;
}
