/*-------------------------------------------------------------------------
 *
 * helios_vacuum.c
 *	  Lazy VACUUM of helios tables, and index entry deletion support.
 *
 * helios_vacuum_rel() is the relation_vacuum callback (VACUUM and
 * autovacuum).  Tuple headers, version chains and line pointer rules are
 * heap's, so this is heap's lazy vacuum (vacuumlazy.c) on helios pages:
 *
 * 1. Scan the table, skipping pages the visibility map says need no work.
 *    Each page is pruned (helios_prune.c), its versions counted and, if old
 *    enough, frozen (XLOG_HELIOS_FREEZE), and it is marked all-visible /
 *    all-frozen when it qualifies.  TIDs of LP_DEAD items are collected,
 *    since index entries still point at them.
 * 2. When the TID array is full (maintenance_work_mem) or the scan is done,
 *    delete the TIDs from every index, then make the items LP_UNUSED (an
 *    index entry must never point at an unused item, which an unrelated
 *    row could reuse).  A table without indexes does this page by page.
 * 3. Clean up the indexes, vacuum the FSM, truncate empty pages off the
 *    end, and update pg_class: relfrozenxid / relminmxid advance to the
 *    oldest xid / multixact left unfrozen (tracked as PostgreSQL 15 does;
 *    a VACUUM that skipped all-visible pages keeps the old values).
 *
 * Differences from heap: flags and prune hint live in the helios special
 * space; the all-visible state is set with helios_vm_set(), which logs a
 * helios record (visibilitymap_set would log a heap record whose redo sets
 * PD_ALL_VISIBLE); freezing and freeing items use helios WAL records.
 * Parallel index vacuuming and the wraparound failsafe are PostgreSQL's own
 * (both are table-AM agnostic).
 *
 * helios_index_delete_tuples() is the index_delete_tuples callback: index
 * AMs ask which entries can go because every version of their row is dead.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/heapam.h"
#include "access/heapam_xlog.h"
#include "access/htup_details.h"
#include "access/multixact.h"
#include "access/tableam.h"
#include "access/transam.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "access/xloginsert.h"
#include "catalog/storage.h"
#include "commands/dbcommands.h"
#include "commands/progress.h"
#include "commands/vacuum.h"
#include "executor/instrument.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "portability/instr_time.h"
#include "postmaster/autovacuum.h"
#include "storage/bufmgr.h"
#include "storage/freespace.h"
#include "storage/lmgr.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/pg_rusage.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "btree/hbt.h"

#include "helios.h"
#include "table/helios_am.h"
#include "table/helios_vacuum.h"
#include "table/helios_vm.h"
#include "wal/helios_xlog.h"

/* truncate only if >= 1000 pages or 1/16 of the table can go */
#define REL_TRUNCATE_MINIMUM	1000
#define REL_TRUNCATE_FRACTION	16
/* truncation lock heuristics, in milliseconds */
#define TRUNCATE_LOCK_CHECK_INTERVAL	20
#define TRUNCATE_LOCK_WAIT_INTERVAL		50
#define TRUNCATE_LOCK_TIMEOUT			5000
/* skip index vacuuming if < 2% of the pages have LP_DEAD items */
#define BYPASS_THRESHOLD_PAGES	0.02
/* failsafe check every 4GB, FSM vacuum every 8GB (no indexes) scanned */
#define FAILSAFE_EVERY_PAGES \
	((BlockNumber) (((uint64) 4 * 1024 * 1024 * 1024) / BLCKSZ))
#define VACUUM_FSM_EVERY_PAGES \
	((BlockNumber) (((uint64) 8 * 1024 * 1024 * 1024) / BLCKSZ))
/* skip a run of VM-clean pages only if it is at least this long */
#define SKIP_PAGES_THRESHOLD	((BlockNumber) 32)
/* prefetch window of the backwards truncation scan (power of 2) */
#define PREFETCH_SIZE			((BlockNumber) 32)

typedef enum VacErrPhase
{
	PHASE_UNKNOWN,
	PHASE_SCAN_HEAP,
	PHASE_VACUUM_INDEX,
	PHASE_VACUUM_HEAP,
	PHASE_INDEX_CLEANUP,
	PHASE_TRUNCATE
} VacErrPhase;

/* Where VACUUM is, for the error context */
typedef struct VacErrInfo
{
	BlockNumber blkno;
	OffsetNumber offnum;
	VacErrPhase phase;
} VacErrInfo;

typedef struct LVRelState
{
	Relation	rel;
	Relation   *indrels;
	int			nindexes;

	bool		aggressive;		/* must leave nothing older than cutoffs */
	bool		skipwithvm;		/* false with DISABLE_PAGE_SKIPPING */
	bool		failsafe_active;
	bool		consider_bypass_optimization;
	bool		do_index_vacuuming;
	bool		do_index_cleanup;
	bool		do_rel_truncate;
	BufferAccessStrategy bstrategy;
	ParallelVacuumState *pvs;

	/* pg_class values before this VACUUM */
	TransactionId relfrozenxid;
	MultiXactId relminmxid;
	double		old_live_tuples;

	/* cutoffs */
	TransactionId OldestXmin;	/* DEAD vs RECENTLY_DEAD */
	GlobalVisState *vistest;
	TransactionId FreezeLimit;	/* freeze xids older than this */
	MultiXactId MultiXactCutoff;

	/* oldest xid / multixact left unfrozen so far */
	TransactionId NewRelfrozenXid;
	MultiXactId NewRelminMxid;
	bool		skippedallvis;	/* skipped all-visible, not all-frozen, pages */

	char	   *relnamespace;
	char	   *relname;
	char	   *indname;
	VacErrInfo	err;
	bool		verbose;

	VacDeadItems *dead_items;	/* TIDs of LP_DEAD items, in TID order */
	BlockNumber rel_pages;
	BlockNumber scanned_pages;
	BlockNumber removed_pages;
	BlockNumber lpdead_item_pages;
	BlockNumber missed_dead_pages;
	BlockNumber nonempty_pages; /* last page with items + 1 */

	double		new_rel_tuples;
	double		new_live_tuples;
	IndexBulkDeleteResult **indstats;

	int			num_index_scans;
	int64		tuples_deleted;
	int64		lpdead_items;
	int64		lpdead_items_kept;	/* LP_DEAD left: cleanup lock was busy */
	int64		live_tuples;
	int64		recently_dead_tuples;
	int64		missed_dead_tuples;
} LVRelState;

/* What scanning one page found */
typedef struct LVPagePruneState
{
	bool		hastup;			/* page keeps the table from shrinking */
	bool		has_lpdead_items;
	bool		all_visible;	/* implies !has_lpdead_items */
	bool		all_frozen;		/* meaningful only if all_visible */
	TransactionId visibility_cutoff_xid;	/* newest xmin, for conflicts */
} LVPagePruneState;


/* ----------------------------------------------------------------
 *		error context
 * ----------------------------------------------------------------
 */

static void
vacuum_error_callback(void *arg)
{
	LVRelState *vacrel = arg;
	VacErrInfo *err = &vacrel->err;

	switch (err->phase)
	{
		case PHASE_SCAN_HEAP:
		case PHASE_VACUUM_HEAP:
			{
				const char *verb = err->phase == PHASE_SCAN_HEAP ?
				"scanning" : "vacuuming";

				if (!BlockNumberIsValid(err->blkno))
					errcontext("while %s relation \"%s.%s\"", verb,
							   vacrel->relnamespace, vacrel->relname);
				else if (OffsetNumberIsValid(err->offnum))
					errcontext("while %s block %u offset %u of relation \"%s.%s\"",
							   verb, err->blkno, err->offnum,
							   vacrel->relnamespace, vacrel->relname);
				else
					errcontext("while %s block %u of relation \"%s.%s\"",
							   verb, err->blkno, vacrel->relnamespace,
							   vacrel->relname);
				break;
			}
		case PHASE_VACUUM_INDEX:
			errcontext("while vacuuming index \"%s\" of relation \"%s.%s\"",
					   vacrel->indname, vacrel->relnamespace, vacrel->relname);
			break;
		case PHASE_INDEX_CLEANUP:
			errcontext("while cleaning up index \"%s\" of relation \"%s.%s\"",
					   vacrel->indname, vacrel->relnamespace, vacrel->relname);
			break;
		case PHASE_TRUNCATE:
			if (BlockNumberIsValid(err->blkno))
				errcontext("while truncating relation \"%s.%s\" to %u blocks",
						   vacrel->relnamespace, vacrel->relname, err->blkno);
			break;
		case PHASE_UNKNOWN:
			break;
	}
}

/* Enter a phase; returns where we were, for restoring afterwards */
static VacErrInfo
set_err_phase(LVRelState *vacrel, VacErrPhase phase, BlockNumber blkno,
			  OffsetNumber offnum)
{
	VacErrInfo	saved = vacrel->err;

	vacrel->err.phase = phase;
	vacrel->err.blkno = blkno;
	vacrel->err.offnum = offnum;
	return saved;
}


/* ----------------------------------------------------------------
 *		per-page work
 * ----------------------------------------------------------------
 */

/*
 * Is every version on the page visible to everyone?  Also returns the
 * newest xmin (for recovery conflicts) and whether all are frozen.  Must
 * agree with lazy_scan_prune, which asserts that it does.
 */
static bool
page_is_all_visible(LVRelState *vacrel, Buffer buf,
					TransactionId *visibility_cutoff_xid, bool *all_frozen)
{
	Page		page = BufferGetPage(buf);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	bool		all_visible = true;

	*visibility_cutoff_xid = InvalidTransactionId;
	*all_frozen = true;

	for (OffsetNumber offnum = FirstOffsetNumber;
		 offnum <= maxoff && all_visible; offnum = OffsetNumberNext(offnum))
	{
		ItemId		itemid = PageGetItemId(page, offnum);
		HeapTupleData tuple;
		TransactionId xmin;

		vacrel->err.offnum = offnum;
		if (!ItemIdIsUsed(itemid) || ItemIdIsRedirected(itemid))
			continue;
		/* index entries may still point at an LP_DEAD item */
		if (ItemIdIsDead(itemid))
		{
			all_visible = false;
			break;
		}

		helios_check_item(vacrel->rel, buf, offnum);
		ItemPointerSet(&tuple.t_self, BufferGetBlockNumber(buf), offnum);
		tuple.t_data = (HeapTupleHeader) PageGetItem(page, itemid);
		tuple.t_len = ItemIdGetLength(itemid);
		tuple.t_tableOid = RelationGetRelid(vacrel->rel);

		/* see lazy_scan_prune: forward links keep a page from all-visible */
		if (HeliosTupleIsStub(tuple.t_data) ||
			HeliosTupleIsForwarded(tuple.t_data))
		{
			all_visible = false;
			break;
		}

		switch (HeapTupleSatisfiesVacuum(&tuple, vacrel->OldestXmin, buf))
		{
			case HEAPTUPLE_LIVE:
				/* see lazy_scan_prune */
				xmin = HeapTupleHeaderGetXmin(tuple.t_data);
				if (!HeapTupleHeaderXminCommitted(tuple.t_data) ||
					!TransactionIdPrecedes(xmin, vacrel->OldestXmin))
				{
					all_visible = false;
					break;
				}
				if (TransactionIdFollows(xmin, *visibility_cutoff_xid))
					*visibility_cutoff_xid = xmin;
				if (heap_tuple_needs_eventual_freeze(tuple.t_data))
					*all_frozen = false;
				break;
			case HEAPTUPLE_DEAD:
			case HEAPTUPLE_RECENTLY_DEAD:
			case HEAPTUPLE_INSERT_IN_PROGRESS:
			case HEAPTUPLE_DELETE_IN_PROGRESS:
				all_visible = false;
				break;
			default:
				elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
				break;
		}
	}
	vacrel->err.offnum = InvalidOffsetNumber;
	if (!all_visible)
		*all_frozen = false;
	return all_visible;
}

/* Remember the LP_DEAD items of a page for index vacuuming */
static void
save_dead_items(LVRelState *vacrel, BlockNumber blkno,
				OffsetNumber *deadoffsets, int ndead)
{
	VacDeadItems *dead_items = vacrel->dead_items;

	vacrel->lpdead_item_pages++;
	for (int i = 0; i < ndead; i++)
	{
		/* ItemPointerSet evaluates its pointer argument more than once */
		ItemPointer tid = &dead_items->items[dead_items->num_items++];

		ItemPointerSet(tid, blkno, deadoffsets[i]);
	}
	Assert(dead_items->num_items <= dead_items->max_items);
	pgstat_progress_update_param(PROGRESS_VACUUM_NUM_DEAD_TUPLES,
								 dead_items->num_items);
}

/*
 * Handle an all-zeroes or empty page; returns true if it did, having
 * released lock and pin.
 *
 * All-zeroes pages are left by an extension that crashed before the page
 * was written, or by bulk extension.  We initialize and WAL-log them as a
 * full page, so they become ordinary empty pages that redo knows about.
 * Empty pages are marked all-visible and all-frozen.
 */
static bool
lazy_scan_new_or_empty(LVRelState *vacrel, Buffer buf, BlockNumber blkno,
					   Page page, bool sharelock, Buffer vmbuffer)
{
	Size		freespace;

	if (!PageIsNew(page) && !PageIsEmpty(page))
		return false;

	if (sharelock)
	{
		LockBuffer(buf, BUFFER_LOCK_UNLOCK);
		LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
		helios_check_page(vacrel->rel, buf);
		if (!PageIsNew(page) && !PageIsEmpty(page))
			return false;		/* used meanwhile: keep lock and pin */
	}

	if (PageIsNew(page) || !HeliosPageIsAllVisible(page))
	{
		START_CRIT_SECTION();
		if (PageIsNew(page))
			helios_page_init(page);
		MarkBufferDirty(buf);

		/*
		 * Also log a page that was initialized by an inserter whose WAL
		 * record never made it (it failed): redo of the visibility record
		 * must find an initialized page.
		 */
		if (RelationNeedsWAL(vacrel->rel) &&
			PageGetLSN(page) == InvalidXLogRecPtr)
			log_newpage_buffer(buf, true);
		END_CRIT_SECTION();

		helios_vm_set(vacrel->rel, blkno, buf, vmbuffer, InvalidTransactionId,
					  VISIBILITYMAP_ALL_VISIBLE | VISIBILITYMAP_ALL_FROZEN);
	}

	freespace = helios_page_free_space(page);
	UnlockReleaseBuffer(buf);
	RecordPageWithFreeSpace(vacrel->rel, blkno, freespace);
	return true;
}

/*
 * Prune, count and freeze one page (the caller holds a cleanup lock).
 *
 * Afterwards every item is LP_DEAD (collected for index vacuuming), a
 * version with storage that was considered for freezing, a redirect, or
 * unused.  If a version turns DEAD after pruning looked at it (its
 * inserter aborted meanwhile) we prune again, so that a DEAD version with
 * storage is never left behind to be frozen.
 */
static void
lazy_scan_prune(LVRelState *vacrel, Buffer buf, BlockNumber blkno, Page page,
				LVPagePruneState *ps)
{
	Relation	rel = vacrel->rel;
	OffsetNumber maxoff;
	int			tuples_deleted,
				lpdead_items,
				live_tuples,
				recently_dead_tuples,
				nnewlpdead,
				nfrozen;
	TransactionId NewRelfrozenXid;
	MultiXactId NewRelminMxid;
	OffsetNumber deadoffsets[MaxHeapTuplesPerPage];
	xl_heap_freeze_tuple frozen[MaxHeapTuplesPerPage];

	/* if pruning shortens the array, the rest reads as unused items */
	maxoff = PageGetMaxOffsetNumber(page);

retry:
	NewRelfrozenXid = vacrel->NewRelfrozenXid;
	NewRelminMxid = vacrel->NewRelminMxid;
	lpdead_items = live_tuples = recently_dead_tuples = nfrozen = 0;

	/* removed versions count as deleted; LP_DEAD items separately */
	tuples_deleted = helios_page_prune_vacuum(rel, buf, vacrel->OldestXmin,
											  vacrel->vistest, &nnewlpdead,
											  &vacrel->err.offnum);

	ps->hastup = false;
	ps->has_lpdead_items = false;
	ps->all_visible = true;
	ps->all_frozen = true;
	ps->visibility_cutoff_xid = InvalidTransactionId;

	for (OffsetNumber offnum = FirstOffsetNumber; offnum <= maxoff;
		 offnum = OffsetNumberNext(offnum))
	{
		ItemId		itemid = PageGetItemId(page, offnum);
		HeapTupleData tuple;
		HTSV_Result res;
		bool		totally_frozen;

		vacrel->err.offnum = offnum;
		if (!ItemIdIsUsed(itemid))
			continue;
		if (ItemIdIsRedirected(itemid))
		{
			ps->hastup = true;
			continue;
		}

		/*
		 * LP_DEAD items do not count as content: they should be unused by
		 * the time truncation looks (which rechecks anyway).
		 */
		if (ItemIdIsDead(itemid))
		{
			deadoffsets[lpdead_items++] = offnum;
			ps->all_visible = false;
			ps->has_lpdead_items = true;
			continue;
		}

		Assert(ItemIdIsNormal(itemid));
		ItemPointerSet(&tuple.t_self, blkno, offnum);
		tuple.t_data = (HeapTupleHeader) PageGetItem(page, itemid);
		tuple.t_len = ItemIdGetLength(itemid);
		tuple.t_tableOid = RelationGetRelid(rel);

		/*
		 * A page that a forward link leaves (a stub) or reaches (a forwarded
		 * segment) is never all-visible: the sequential scan's all-visible
		 * path takes every stored version for a row of its own.  A stub is
		 * no version: nothing to count or freeze.
		 */
		if (HeliosTupleIsStub(tuple.t_data))
		{
			ps->all_visible = false;
			ps->hastup = true;
			continue;
		}
		if (HeliosTupleIsForwarded(tuple.t_data))
			ps->all_visible = false;

		res = HeapTupleSatisfiesVacuum(&tuple, vacrel->OldestXmin, buf);
		if (unlikely(res == HEAPTUPLE_DEAD))
			goto retry;

		/* counted as ANALYZE's acquire_sample_rows does, so they agree */
		switch (res)
		{
			case HEAPTUPLE_LIVE:
				live_tuples++;

				/*
				 * All-visible needs the inserter hinted committed (an
				 * asynchronous commit may not be flushed yet; SetHintBits)
				 * and older than every snapshot.
				 */
				if (ps->all_visible)
				{
					TransactionId xmin = HeapTupleHeaderGetXmin(tuple.t_data);

					if (!HeapTupleHeaderXminCommitted(tuple.t_data) ||
						!TransactionIdPrecedes(xmin, vacrel->OldestXmin))
						ps->all_visible = false;
					else if (TransactionIdFollows(xmin, ps->visibility_cutoff_xid))
						ps->visibility_cutoff_xid = xmin;
				}
				break;
			case HEAPTUPLE_RECENTLY_DEAD:
				recently_dead_tuples++;
				ps->all_visible = false;
				break;
			case HEAPTUPLE_INSERT_IN_PROGRESS:
				/* its inserter counts it at commit */
				ps->all_visible = false;
				break;
			case HEAPTUPLE_DELETE_IN_PROGRESS:
				/* live until its deleter commits and counts it */
				live_tuples++;
				ps->all_visible = false;
				break;
			default:
				elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
				break;
		}

		ps->hastup = true;
		if (heap_prepare_freeze_tuple(tuple.t_data,
									  vacrel->relfrozenxid, vacrel->relminmxid,
									  vacrel->FreezeLimit,
									  vacrel->MultiXactCutoff,
									  &frozen[nfrozen], &totally_frozen,
									  &NewRelfrozenXid, &NewRelminMxid))
			frozen[nfrozen++].offset = offnum;
		if (!totally_frozen)
			ps->all_frozen = false;
	}
	vacrel->err.offnum = InvalidOffsetNumber;
	vacrel->NewRelfrozenXid = NewRelfrozenXid;
	vacrel->NewRelminMxid = NewRelminMxid;

	/*
	 * Freeze.  This must be WAL-logged: clog before the new relfrozenxid
	 * may be truncated away, and then the old xids could not be read.
	 */
	if (nfrozen > 0)
	{
		START_CRIT_SECTION();
		MarkBufferDirty(buf);
		for (int i = 0; i < nfrozen; i++)
		{
			ItemId		itemid = PageGetItemId(page, frozen[i].offset);

			heap_execute_freeze_tuple((HeapTupleHeader) PageGetItem(page, itemid),
									  &frozen[i]);
		}
		if (RelationNeedsWAL(rel))
		{
			xl_helios_freeze xlrec;

			xlrec.cutoff_xid = vacrel->FreezeLimit;
			xlrec.ntuples = nfrozen;
			XLogBeginInsert();
			XLogRegisterData((char *) &xlrec, SizeOfHeliosFreeze);
			XLogRegisterBuffer(0, buf, REGBUF_STANDARD);
			XLogRegisterBufData(0, (char *) frozen,
								nfrozen * sizeof(xl_heap_freeze_tuple));
			{
				XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_FREEZE);

				PageSetLSN(page, recptr);
			}
		}
		END_CRIT_SECTION();
	}

#ifdef USE_ASSERT_CHECKING
	/* the second pass decides all-visibility the same way */
	if (ps->all_visible)
	{
		TransactionId cutoff;
		bool		all_frozen;

		Assert(page_is_all_visible(vacrel, buf, &cutoff, &all_frozen));
		Assert(lpdead_items == 0);
		Assert(ps->all_frozen == all_frozen);
		Assert(cutoff == FrozenTransactionId ||
			   cutoff == ps->visibility_cutoff_xid);
	}
#endif

	if (lpdead_items > 0)
		save_dead_items(vacrel, blkno, deadoffsets, lpdead_items);

	vacrel->tuples_deleted += tuples_deleted;
	vacrel->lpdead_items += lpdead_items;
	vacrel->live_tuples += live_tuples;
	vacrel->recently_dead_tuples += recently_dead_tuples;
}

/*
 * lazy_scan_prune under a share lock, when the cleanup lock is busy: no
 * pruning or freezing, but LP_DEAD items left by earlier pruning are
 * collected and versions counted.  Returns false if an aggressive VACUUM
 * must freeze something here and so has to wait for the cleanup lock.
 */
static bool
lazy_scan_noprune(LVRelState *vacrel, Buffer buf, BlockNumber blkno,
				  Page page, bool *hastup, bool *recordfreespace)
{
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	int			lpdead_items = 0,
				live_tuples = 0,
				recently_dead_tuples = 0,
				missed_dead_tuples = 0;
	TransactionId NewRelfrozenXid = vacrel->NewRelfrozenXid;
	MultiXactId NewRelminMxid = vacrel->NewRelminMxid;
	OffsetNumber deadoffsets[MaxHeapTuplesPerPage];

	*hastup = false;
	*recordfreespace = false;

	for (OffsetNumber offnum = FirstOffsetNumber; offnum <= maxoff;
		 offnum = OffsetNumberNext(offnum))
	{
		ItemId		itemid = PageGetItemId(page, offnum);
		HeapTupleData tuple;

		vacrel->err.offnum = offnum;
		if (!ItemIdIsUsed(itemid))
			continue;
		if (ItemIdIsRedirected(itemid))
		{
			*hastup = true;
			continue;
		}
		if (ItemIdIsDead(itemid))
		{
			deadoffsets[lpdead_items++] = offnum;
			continue;
		}

		*hastup = true;
		tuple.t_data = (HeapTupleHeader) PageGetItem(page, itemid);
		if (HeliosTupleIsStub(tuple.t_data))
			continue;			/* no version: nothing to count or freeze */

		/*
		 * An aggressive VACUUM must be able to advance relfrozenxid to
		 * FreezeLimit, so it has to freeze this version; a non-aggressive
		 * one settles for an older relfrozenxid.
		 */
		if (heap_tuple_would_freeze(tuple.t_data, vacrel->FreezeLimit,
									vacrel->MultiXactCutoff,
									&NewRelfrozenXid, &NewRelminMxid) &&
			vacrel->aggressive)
		{
			vacrel->err.offnum = InvalidOffsetNumber;
			return false;
		}

		ItemPointerSet(&tuple.t_self, blkno, offnum);
		tuple.t_len = ItemIdGetLength(itemid);
		tuple.t_tableOid = RelationGetRelid(vacrel->rel);
		switch (HeapTupleSatisfiesVacuum(&tuple, vacrel->OldestXmin, buf))
		{
			case HEAPTUPLE_DELETE_IN_PROGRESS:
			case HEAPTUPLE_LIVE:
				live_tuples++;
				break;
			case HEAPTUPLE_DEAD:
				missed_dead_tuples++;	/* pruning would have removed it */
				break;
			case HEAPTUPLE_RECENTLY_DEAD:
				recently_dead_tuples++;
				break;
			case HEAPTUPLE_INSERT_IN_PROGRESS:
				break;
			default:
				elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
				break;
		}
	}
	vacrel->err.offnum = InvalidOffsetNumber;
	vacrel->NewRelfrozenXid = NewRelfrozenXid;
	vacrel->NewRelminMxid = NewRelminMxid;

	if (vacrel->nindexes == 0)
	{
		/* freeing LP_DEAD items in one pass needs the cleanup lock */
		if (lpdead_items > 0)
		{
			*hastup = true;
			missed_dead_tuples += lpdead_items;
		}
		*recordfreespace = true;
	}
	else if (lpdead_items == 0)
		*recordfreespace = true;
	else
	{
		/* the second pass frees them and records the free space */
		save_dead_items(vacrel, blkno, deadoffsets, lpdead_items);
		vacrel->lpdead_items += lpdead_items;
	}

	vacrel->live_tuples += live_tuples;
	vacrel->recently_dead_tuples += recently_dead_tuples;
	vacrel->missed_dead_tuples += missed_dead_tuples;
	if (missed_dead_tuples > 0)
		vacrel->missed_dead_pages++;
	return true;
}

/*
 * Make the page's LP_DEAD items listed in dead_items from position index on
 * LP_UNUSED, then set the page all-visible if it now is.  The caller holds
 * a cleanup lock: freeing items is the pruning page operation
 * (helios_page_prune_execute, logged as XLOG_HELIOS_PRUNE with only unused
 * items), which defragments the page.  Returns the position after the
 * page's last item.
 */
static int
lazy_vacuum_heap_page(LVRelState *vacrel, BlockNumber blkno, Buffer buffer,
					  int index, Buffer *vmbuffer)
{
	VacDeadItems *dead_items = vacrel->dead_items;
	Page		page = BufferGetPage(buffer);
	OffsetNumber unused[MaxHeapTuplesPerPage];
	int			uncnt = 0;
	TransactionId visibility_cutoff_xid;
	bool		all_frozen;
	VacErrInfo	saved;

	Assert(vacrel->nindexes == 0 || vacrel->do_index_vacuuming);
	pgstat_progress_update_param(PROGRESS_VACUUM_HEAP_BLKS_VACUUMED, blkno);
	saved = set_err_phase(vacrel, PHASE_VACUUM_HEAP, blkno,
						  InvalidOffsetNumber);

	for (; index < dead_items->num_items; index++)
	{
		OffsetNumber toff;

		if (ItemPointerGetBlockNumber(&dead_items->items[index]) != blkno)
			break;
		toff = ItemPointerGetOffsetNumber(&dead_items->items[index]);
		Assert(ItemIdIsDead(PageGetItemId(page, toff)) &&
			   !ItemIdHasStorage(PageGetItemId(page, toff)));
		unused[uncnt++] = toff;
	}
	Assert(uncnt > 0);

	/* the prune that made them LP_DEAD has logged the conflict */
	helios_page_free_items(vacrel->rel, buffer, InvalidTransactionId,
						   unused, uncnt);

	/*
	 * Visibility checks may do I/O, so they come after the critical
	 * section; a crash in between only leaves the VM bits for later.
	 */
	if (page_is_all_visible(vacrel, buffer, &visibility_cutoff_xid,
							&all_frozen))
	{
		uint8		vm_status = visibilitymap_get_status(vacrel->rel, blkno,
														 vmbuffer);
		uint8		flags = 0;

		if (!(vm_status & VISIBILITYMAP_ALL_VISIBLE) ||
			!HeliosPageIsAllVisible(page))
			flags |= VISIBILITYMAP_ALL_VISIBLE;
		if (!(vm_status & VISIBILITYMAP_ALL_FROZEN) && all_frozen)
			flags |= VISIBILITYMAP_ALL_FROZEN;
		if (flags != 0)
			helios_vm_set(vacrel->rel, blkno, buffer, *vmbuffer,
						  visibility_cutoff_xid, flags);
	}

	vacrel->err = saved;
	return index;
}


/* ----------------------------------------------------------------
 *		index vacuuming and the second pass
 * ----------------------------------------------------------------
 */

/*
 * If relfrozenxid or relminmxid is dangerously old, stop everything that is
 * not needed to advance them: index vacuuming and cleanup, truncation, and
 * cost-based delay.  Returns true once triggered.
 */
static bool
lazy_check_wraparound_failsafe(LVRelState *vacrel)
{
	if (vacrel->failsafe_active)
		return true;
	if (likely(!vacuum_xid_failsafe_check(vacrel->relfrozenxid,
										  vacrel->relminmxid)))
		return false;

	vacrel->failsafe_active = true;
	vacrel->do_index_vacuuming = false;
	vacrel->do_index_cleanup = false;
	vacrel->do_rel_truncate = false;
	ereport(WARNING,
			(errmsg("bypassing nonessential maintenance of table \"%s.%s.%s\" as a failsafe after %d index scans",
					get_database_name(MyDatabaseId), vacrel->relnamespace,
					vacrel->relname, vacrel->num_index_scans),
			 errdetail("The table's relfrozenxid or relminmxid is too far in the past."),
			 errhint("Consider increasing configuration parameter \"maintenance_work_mem\" or \"autovacuum_work_mem\".\n"
					 "You might also need to consider other ways for VACUUM to keep up with the allocation of transaction IDs.")));
	VacuumCostActive = false;
	VacuumCostBalance = 0;
	return true;
}

/*
 * Bulk-delete the collected TIDs from index idx (cleanup = false), or run
 * its post-vacuum cleanup (cleanup = true); updates its stats.
 */
static void
lazy_one_index(LVRelState *vacrel, int idx, bool cleanup, double reltuples,
			   bool estimated_count)
{
	Relation	indrel = vacrel->indrels[idx];
	IndexVacuumInfo ivinfo;
	VacErrInfo	saved;

	ivinfo.index = indrel;
	ivinfo.analyze_only = false;
	ivinfo.report_progress = false;
	ivinfo.estimated_count = estimated_count;
	ivinfo.message_level = DEBUG2;
	ivinfo.num_heap_tuples = reltuples;
	ivinfo.strategy = vacrel->bstrategy;

	Assert(vacrel->indname == NULL);
	vacrel->indname = pstrdup(RelationGetRelationName(indrel));
	saved = set_err_phase(vacrel,
						  cleanup ? PHASE_INDEX_CLEANUP : PHASE_VACUUM_INDEX,
						  InvalidBlockNumber, InvalidOffsetNumber);
	if (cleanup)
		vacrel->indstats[idx] = vac_cleanup_one_index(&ivinfo,
													  vacrel->indstats[idx]);
	else
		vacrel->indstats[idx] = vac_bulkdel_one_index(&ivinfo,
													  vacrel->indstats[idx],
													  vacrel->dead_items);
	vacrel->err = saved;
	pfree(vacrel->indname);
	vacrel->indname = NULL;
}

/*
 * Second pass: free the collected LP_DEAD items, page by page, now that no
 * index entry points at them.  Like heap's second pass we never wait for
 * pins: a page whose cleanup lock is busy keeps its LP_DEAD items, which is
 * safe (their index entries are gone), and the next VACUUM frees them.
 */
static void
lazy_vacuum_heap_rel(LVRelState *vacrel)
{
	VacDeadItems *dead_items = vacrel->dead_items;
	int			index = 0;
	BlockNumber vacuumed_pages = 0;
	Buffer		vmbuffer = InvalidBuffer;
	VacErrInfo	saved;

	Assert(vacrel->do_index_vacuuming && vacrel->do_index_cleanup);
	pgstat_progress_update_param(PROGRESS_VACUUM_PHASE,
								 PROGRESS_VACUUM_PHASE_VACUUM_HEAP);
	saved = set_err_phase(vacrel, PHASE_VACUUM_HEAP, InvalidBlockNumber,
						  InvalidOffsetNumber);

	while (index < dead_items->num_items)
	{
		BlockNumber tblk = ItemPointerGetBlockNumber(&dead_items->items[index]);
		Buffer		buf;
		Size		freespace;

		vacuum_delay_point();
		vacrel->err.blkno = tblk;

		/* pin the VM page first: no I/O while the page is locked */
		visibilitymap_pin(vacrel->rel, tblk, &vmbuffer);
		buf = ReadBufferExtended(vacrel->rel, MAIN_FORKNUM, tblk, RBM_NORMAL,
								 vacrel->bstrategy);
		if (!ConditionalLockBufferForCleanup(buf))
		{
			int			start = index;

			while (index < dead_items->num_items &&
				   ItemPointerGetBlockNumber(&dead_items->items[index]) == tblk)
				index++;
			vacrel->lpdead_items_kept += index - start;
			ReleaseBuffer(buf);
			continue;
		}
		helios_check_page(vacrel->rel, buf);
		index = lazy_vacuum_heap_page(vacrel, tblk, buf, index, &vmbuffer);

		freespace = helios_page_free_space(BufferGetPage(buf));
		UnlockReleaseBuffer(buf);
		RecordPageWithFreeSpace(vacrel->rel, tblk, freespace);
		vacuumed_pages++;
	}
	if (BufferIsValid(vmbuffer))
		ReleaseBuffer(vmbuffer);

	ereport(DEBUG2,
			(errmsg_internal("table \"%s\": removed %d dead item identifiers in %u pages",
							 vacrel->relname, index, vacuumed_pages)));
	vacrel->err = saved;
}

/*
 * One round of index vacuuming and second-pass vacuuming for the collected
 * TIDs; empties the TID array.
 *
 * When almost nothing is dead (LP_DEAD items on under 2% of the pages) and
 * this is the only round, index vacuuming is skipped altogether, so that a
 * table whose updates mostly stay in their chains does not pay for whole
 * index scans that would remove a handful of entries.
 */
static void
lazy_vacuum(LVRelState *vacrel)
{
	bool		bypass = false;
	bool		allindexes = true;

	Assert(vacrel->nindexes > 0 && vacrel->lpdead_item_pages > 0);

	if (!vacrel->do_index_vacuuming)
	{
		Assert(!vacrel->do_index_cleanup);
		vacrel->dead_items->num_items = 0;
		return;
	}

	if (vacrel->consider_bypass_optimization && vacrel->rel_pages > 0)
	{
		BlockNumber threshold = (double) vacrel->rel_pages * BYPASS_THRESHOLD_PAGES;

		Assert(vacrel->num_index_scans == 0);
		bypass = (vacrel->lpdead_item_pages < threshold &&
				  vacrel->lpdead_items < MAXDEADITEMS(32L * 1024L * 1024L));
	}

	if (bypass)
	{
		/* behave as if nothing were dead; index cleanup still happens */
		vacrel->do_index_vacuuming = false;
		vacrel->dead_items->num_items = 0;
		return;
	}

	if (lazy_check_wraparound_failsafe(vacrel))
		allindexes = false;
	else
	{
		pgstat_progress_update_param(PROGRESS_VACUUM_PHASE,
									 PROGRESS_VACUUM_PHASE_VACUUM_INDEX);
		if (vacrel->pvs == NULL)
		{
			for (int idx = 0; idx < vacrel->nindexes && allindexes; idx++)
			{
				lazy_one_index(vacrel, idx, false, vacrel->old_live_tuples,
							   true);
				if (lazy_check_wraparound_failsafe(vacrel))
					allindexes = false;
			}
		}
		else
		{
			parallel_vacuum_bulkdel_all_indexes(vacrel->pvs,
												vacrel->old_live_tuples,
												vacrel->num_index_scans);
			if (lazy_check_wraparound_failsafe(vacrel))
				allindexes = false;
		}
		vacrel->num_index_scans++;
		pgstat_progress_update_param(PROGRESS_VACUUM_NUM_INDEX_VACUUMS,
									 vacrel->num_index_scans);
	}

	/*
	 * Only after a complete round may items become unused; the failsafe
	 * stops all further index and second-pass work.
	 */
	if (allindexes)
		lazy_vacuum_heap_rel(vacrel);
	else
		Assert(vacrel->failsafe_active);
	vacrel->dead_items->num_items = 0;
}


/* ----------------------------------------------------------------
 *		the scan
 * ----------------------------------------------------------------
 */

/*
 * Find the next block, from next_block on, that the VM does not let us
 * skip.  A run of skippable blocks is skipped only if it is at least
 * SKIP_PAGES_THRESHOLD long: short skips defeat OS readahead, and skipping
 * all-visible pages costs the chance to advance relfrozenxid.  Aggressive
 * VACUUM skips only all-frozen pages; the last page is never skipped (it
 * decides whether truncation is worth trying).
 */
static BlockNumber
lazy_scan_skip(LVRelState *vacrel, Buffer *vmbuffer, BlockNumber next_block,
			   bool *next_unskippable_allvis, bool *skipping_current_range)
{
	BlockNumber next_unskippable_block = next_block,
				nskippable_blocks = 0;
	bool		skipsallvis = false;

	*next_unskippable_allvis = true;
	while (next_unskippable_block < vacrel->rel_pages)
	{
		uint8		mapbits = visibilitymap_get_status(vacrel->rel,
													   next_unskippable_block,
													   vmbuffer);

		if ((mapbits & VISIBILITYMAP_ALL_VISIBLE) == 0)
		{
			Assert((mapbits & VISIBILITYMAP_ALL_FROZEN) == 0);
			*next_unskippable_allvis = false;
			break;
		}
		if (next_unskippable_block == vacrel->rel_pages - 1 ||
			!vacrel->skipwithvm)
			break;
		if ((mapbits & VISIBILITYMAP_ALL_FROZEN) == 0)
		{
			if (vacrel->aggressive)
				break;
			skipsallvis = true;
		}
		vacuum_delay_point();
		next_unskippable_block++;
		nskippable_blocks++;
	}

	*skipping_current_range = nskippable_blocks >= SKIP_PAGES_THRESHOLD;
	if (*skipping_current_range && skipsallvis)
		vacrel->skippedallvis = true;
	return next_unskippable_block;
}

/* Set, repair or complete the VM state of a scanned page */
static void
update_vm_after_scan(LVRelState *vacrel, Buffer buf, BlockNumber blkno,
					 Buffer *vmbuffer, bool all_visible_according_to_vm,
					 LVPagePruneState *ps)
{
	Page		page = BufferGetPage(buf);

	if (!all_visible_according_to_vm && ps->all_visible)
	{
		/* also when only the VM bit was missing: get both back in sync */
		helios_vm_set(vacrel->rel, blkno, buf, *vmbuffer,
					  ps->visibility_cutoff_xid,
					  VISIBILITYMAP_ALL_VISIBLE |
					  (ps->all_frozen ? VISIBILITYMAP_ALL_FROZEN : 0));
	}
	else if (all_visible_according_to_vm && !HeliosPageIsAllVisible(page) &&
			 VM_ALL_VISIBLE(vacrel->rel, blkno, vmbuffer))
	{
		/*
		 * The VM bit must never be set without the page flag.  (The flag
		 * may have been cleared since lazy_scan_skip looked, hence the
		 * recheck under the lock.)
		 */
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("page is not marked all-visible but visibility map bit is set in relation \"%s\" page %u",
						vacrel->relname, blkno)));
		visibilitymap_clear(vacrel->rel, blkno, *vmbuffer,
							VISIBILITYMAP_VALID_BITS);
	}
	else if (ps->has_lpdead_items && HeliosPageIsAllVisible(page))
	{
		/*
		 * Versions not yet visible to all on an all-visible page are fine
		 * (our horizon can be conservative); LP_DEAD items are not.
		 */
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("page containing LP_DEAD items is marked as all-visible in relation \"%s\" page %u",
						vacrel->relname, blkno)));
		HeliosPageClearAllVisible(page);
		MarkBufferDirty(buf);
		visibilitymap_clear(vacrel->rel, blkno, *vmbuffer,
							VISIBILITYMAP_VALID_BITS);
	}
	else if (all_visible_according_to_vm && ps->all_visible &&
			 ps->all_frozen && !VM_ALL_FROZEN(vacrel->rel, blkno, vmbuffer))
	{
		/* setting only all-frozen causes no recovery conflict */
		helios_vm_set(vacrel->rel, blkno, buf, *vmbuffer,
					  InvalidTransactionId, VISIBILITYMAP_ALL_FROZEN);
	}
}

/*
 * The first pass over the table, interleaved with rounds of index and
 * second-pass vacuuming whenever the TID array fills up; then the last
 * round and index cleanup.
 */
static void
lazy_scan_heap(LVRelState *vacrel)
{
	BlockNumber rel_pages = vacrel->rel_pages,
				blkno,
				next_unskippable_block,
				next_failsafe_block = 0,
				next_fsm_block_to_vacuum = 0;
	VacDeadItems *dead_items = vacrel->dead_items;
	Buffer		vmbuffer = InvalidBuffer;
	bool		next_unskippable_allvis,
				skipping_current_range;
	const int	initprog_index[] = {
		PROGRESS_VACUUM_PHASE,
		PROGRESS_VACUUM_TOTAL_HEAP_BLKS,
		PROGRESS_VACUUM_MAX_DEAD_TUPLES
	};
	int64		initprog_val[3];

	initprog_val[0] = PROGRESS_VACUUM_PHASE_SCAN_HEAP;
	initprog_val[1] = rel_pages;
	initprog_val[2] = dead_items->max_items;
	pgstat_progress_update_multi_param(3, initprog_index, initprog_val);

	next_unskippable_block = lazy_scan_skip(vacrel, &vmbuffer, 0,
											&next_unskippable_allvis,
											&skipping_current_range);
	for (blkno = 0; blkno < rel_pages; blkno++)
	{
		Buffer		buf;
		Page		page;
		bool		all_visible_according_to_vm;
		LVPagePruneState ps;
		Size		freespace;

		if (blkno == next_unskippable_block)
		{
			all_visible_according_to_vm = next_unskippable_allvis;
			next_unskippable_block = lazy_scan_skip(vacrel, &vmbuffer,
													blkno + 1,
													&next_unskippable_allvis,
													&skipping_current_range);
		}
		else
		{
			Assert(blkno < rel_pages - 1);
			if (skipping_current_range)
				continue;
			all_visible_according_to_vm = true; /* run too short to skip */
		}

		vacrel->scanned_pages++;
		pgstat_progress_update_param(PROGRESS_VACUUM_HEAP_BLKS_SCANNED, blkno);
		set_err_phase(vacrel, PHASE_SCAN_HEAP, blkno, InvalidOffsetNumber);
		vacuum_delay_point();

		if (blkno - next_failsafe_block >= FAILSAFE_EVERY_PAGES)
		{
			lazy_check_wraparound_failsafe(vacrel);
			next_failsafe_block = blkno;
		}

		/* no room for another page's TIDs: do a round of index vacuuming */
		if (dead_items->max_items - dead_items->num_items < MaxHeapTuplesPerPage)
		{
			if (BufferIsValid(vmbuffer))
			{
				ReleaseBuffer(vmbuffer);
				vmbuffer = InvalidBuffer;
			}
			vacrel->consider_bypass_optimization = false;
			lazy_vacuum(vacrel);
			FreeSpaceMapVacuumRange(vacrel->rel, next_fsm_block_to_vacuum,
									blkno);
			next_fsm_block_to_vacuum = blkno;
			pgstat_progress_update_param(PROGRESS_VACUUM_PHASE,
										 PROGRESS_VACUUM_PHASE_SCAN_HEAP);
		}

		/* pinned before the page lock, in case the page gets VM bits */
		visibilitymap_pin(vacrel->rel, blkno, &vmbuffer);
		buf = ReadBufferExtended(vacrel->rel, MAIN_FORKNUM, blkno,
								 RBM_NORMAL, vacrel->bstrategy);
		page = BufferGetPage(buf);

		/*
		 * Pruning needs a cleanup lock.  If someone holds a pin, do what can
		 * be done under a share lock, unless an aggressive VACUUM must
		 * freeze something here: then wait for the cleanup lock.
		 */
		if (!ConditionalLockBufferForCleanup(buf))
		{
			bool		hastup,
						recordfreespace;

			LockBuffer(buf, BUFFER_LOCK_SHARE);
			helios_check_page(vacrel->rel, buf);
			if (lazy_scan_new_or_empty(vacrel, buf, blkno, page, true,
									   vmbuffer))
				continue;
			if (lazy_scan_noprune(vacrel, buf, blkno, page, &hastup,
								  &recordfreespace))
			{
				if (hastup)
					vacrel->nonempty_pages = blkno + 1;
				freespace = helios_page_free_space(page);
				UnlockReleaseBuffer(buf);
				if (recordfreespace)
					RecordPageWithFreeSpace(vacrel->rel, blkno, freespace);
				continue;
			}
			Assert(vacrel->aggressive);
			LockBuffer(buf, BUFFER_LOCK_UNLOCK);
			LockBufferForCleanup(buf);
		}
		helios_check_page(vacrel->rel, buf);
		if (lazy_scan_new_or_empty(vacrel, buf, blkno, page, false, vmbuffer))
			continue;

		lazy_scan_prune(vacrel, buf, blkno, page, &ps);
		Assert(!ps.all_visible || !ps.has_lpdead_items);
		if (ps.hastup)
			vacrel->nonempty_pages = blkno + 1;

		if (vacrel->nindexes == 0 && ps.has_lpdead_items)
		{
			/*
			 * One-pass strategy: no index entries point at the items, so
			 * free them now (this also sets the VM bits if it can).
			 */
			lazy_vacuum_heap_page(vacrel, blkno, buf, 0, &vmbuffer);
			dead_items->num_items = 0;
			if (blkno - next_fsm_block_to_vacuum >= VACUUM_FSM_EVERY_PAGES)
			{
				FreeSpaceMapVacuumRange(vacrel->rel, next_fsm_block_to_vacuum,
										blkno);
				next_fsm_block_to_vacuum = blkno;
			}
			freespace = helios_page_free_space(page);
			UnlockReleaseBuffer(buf);
			RecordPageWithFreeSpace(vacrel->rel, blkno, freespace);
			continue;
		}

		update_vm_after_scan(vacrel, buf, blkno, &vmbuffer,
							 all_visible_according_to_vm, &ps);

		/*
		 * A page with LP_DEAD items gets its FSM entry in the second pass,
		 * which frees more space.
		 */
		freespace = helios_page_free_space(page);
		UnlockReleaseBuffer(buf);
		if (!(ps.has_lpdead_items && vacrel->do_index_vacuuming))
			RecordPageWithFreeSpace(vacrel->rel, blkno, freespace);
	}

	vacrel->err.blkno = InvalidBlockNumber;
	if (BufferIsValid(vmbuffer))
		ReleaseBuffer(vmbuffer);
	pgstat_progress_update_param(PROGRESS_VACUUM_HEAP_BLKS_SCANNED, blkno);

	vacrel->new_live_tuples = vac_estimate_reltuples(vacrel->rel, rel_pages,
													 vacrel->scanned_pages,
													 vacrel->live_tuples);
	vacrel->new_rel_tuples = Max(vacrel->new_live_tuples, 0) +
		vacrel->recently_dead_tuples + vacrel->missed_dead_tuples;

	if (dead_items->num_items > 0)
		lazy_vacuum(vacrel);

	if (blkno > next_fsm_block_to_vacuum)
		FreeSpaceMapVacuumRange(vacrel->rel, next_fsm_block_to_vacuum, blkno);
	pgstat_progress_update_param(PROGRESS_VACUUM_HEAP_BLKS_VACUUMED, blkno);

	if (vacrel->nindexes > 0 && !vacrel->do_index_cleanup)
	{
		bool		estimated = vacrel->scanned_pages < vacrel->rel_pages;

		/*
		 * Index cleanup is skipped (INDEX_CLEANUP off, or the wraparound
		 * failsafe), but relfrozenxid will still advance: indexes whose
		 * entries carry transaction ids (helios_btree) are cleaned up all
		 * the same, which freezes or removes every entry older than the
		 * horizon, or the commit log could be truncated under them.
		 */
		for (int idx = 0; idx < vacrel->nindexes; idx++)
		{
			if (!hbt_index_holds_xids(vacrel->indrels[idx]))
				continue;
			pgstat_progress_update_param(PROGRESS_VACUUM_PHASE,
										 PROGRESS_VACUUM_PHASE_INDEX_CLEANUP);
			lazy_one_index(vacrel, idx, true, vacrel->new_rel_tuples,
						   estimated);
		}
	}
	else if (vacrel->nindexes > 0)
	{
		bool		estimated = vacrel->scanned_pages < vacrel->rel_pages;

		pgstat_progress_update_param(PROGRESS_VACUUM_PHASE,
									 PROGRESS_VACUUM_PHASE_INDEX_CLEANUP);
		if (vacrel->pvs == NULL)
		{
			for (int idx = 0; idx < vacrel->nindexes; idx++)
				lazy_one_index(vacrel, idx, true, vacrel->new_rel_tuples,
							   estimated);
		}
		else
			parallel_vacuum_cleanup_all_indexes(vacrel->pvs,
												vacrel->new_rel_tuples,
												vacrel->num_index_scans,
												estimated);
	}
}


/* ----------------------------------------------------------------
 *		truncation
 * ----------------------------------------------------------------
 */

/*
 * Scan backwards from the end for the last page with any used item (an
 * LP_DEAD item still has index entries, so it counts).  Stops early,
 * setting *lock_waiter_detected, when someone waits for our lock.  Returns
 * the number of pages to keep.
 */
static BlockNumber
count_nondeletable_pages(LVRelState *vacrel, bool *lock_waiter_detected)
{
	BlockNumber blkno = vacrel->rel_pages;
	BlockNumber prefetchedUntil = InvalidBlockNumber;
	instr_time	starttime;

	StaticAssertStmt((PREFETCH_SIZE & (PREFETCH_SIZE - 1)) == 0,
					 "prefetch size must be power of 2");
	INSTR_TIME_SET_CURRENT(starttime);

	while (blkno > vacrel->nonempty_pages)
	{
		Buffer		buf;
		Page		page;
		bool		hastup = false;

		/* look for lock waiters every 32 blocks, at most every 20ms */
		if ((blkno % 32) == 0)
		{
			instr_time	elapsed;

			INSTR_TIME_SET_CURRENT(elapsed);
			INSTR_TIME_SUBTRACT(elapsed, starttime);
			if (INSTR_TIME_GET_MICROSEC(elapsed) / 1000 >=
				TRUNCATE_LOCK_CHECK_INTERVAL)
			{
				if (LockHasWaitersRelation(vacrel->rel, AccessExclusiveLock))
				{
					ereport(vacrel->verbose ? INFO : DEBUG2,
							(errmsg("table \"%s\": suspending truncate due to conflicting lock request",
									vacrel->relname)));
					*lock_waiter_detected = true;
					return blkno;
				}
				INSTR_TIME_SET_CURRENT(starttime);
			}
		}

		/* no cost delay while holding AccessExclusiveLock */
		CHECK_FOR_INTERRUPTS();
		blkno--;

		/* prefetch forwards so that OS readahead helps a backwards scan */
		if (prefetchedUntil > blkno)
		{
			BlockNumber prefetchStart = blkno & ~(PREFETCH_SIZE - 1);

			for (BlockNumber pblkno = prefetchStart; pblkno <= blkno; pblkno++)
				PrefetchBuffer(vacrel->rel, MAIN_FORKNUM, pblkno);
			prefetchedUntil = prefetchStart;
		}

		buf = ReadBufferExtended(vacrel->rel, MAIN_FORKNUM, blkno, RBM_NORMAL,
								 vacrel->bstrategy);
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		helios_check_page(vacrel->rel, buf);
		page = BufferGetPage(buf);
		if (!PageIsNew(page) && !PageIsEmpty(page))
		{
			OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

			for (OffsetNumber off = FirstOffsetNumber; off <= maxoff && !hastup;
				 off = OffsetNumberNext(off))
				hastup = ItemIdIsUsed(PageGetItemId(page, off));
		}
		UnlockReleaseBuffer(buf);
		if (hastup)
			return blkno + 1;
	}
	return vacrel->nonempty_pages;
}

/*
 * Truncate empty pages off the end.  Needs AccessExclusiveLock, which we
 * never wait for (we would block everyone, and could deadlock as we hold a
 * weaker lock already); we also let go as soon as someone waits for it.
 */
static void
lazy_truncate_heap(LVRelState *vacrel)
{
	BlockNumber orig_rel_pages = vacrel->rel_pages;
	BlockNumber new_rel_pages;
	bool		lock_waiter_detected;

	pgstat_progress_update_param(PROGRESS_VACUUM_PHASE,
								 PROGRESS_VACUUM_PHASE_TRUNCATE);
	set_err_phase(vacrel, PHASE_TRUNCATE, vacrel->nonempty_pages,
				  InvalidOffsetNumber);
	do
	{
		int			lock_retry = 0;

		lock_waiter_detected = false;
		while (!ConditionalLockRelation(vacrel->rel, AccessExclusiveLock))
		{
			CHECK_FOR_INTERRUPTS();
			if (++lock_retry > TRUNCATE_LOCK_TIMEOUT / TRUNCATE_LOCK_WAIT_INTERVAL)
			{
				ereport(vacrel->verbose ? INFO : DEBUG2,
						(errmsg("\"%s\": stopping truncate due to conflicting lock request",
								vacrel->relname)));
				return;
			}
			(void) WaitLatch(MyLatch,
							 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 TRUNCATE_LOCK_WAIT_INTERVAL,
							 WAIT_EVENT_VACUUM_TRUNCATE);
			ResetLatch(MyLatch);
		}

		/*
		 * If the table grew meanwhile, the new pages are surely not empty;
		 * and the end pages we found empty may have been filled since.
		 */
		new_rel_pages = RelationGetNumberOfBlocks(vacrel->rel);
		if (new_rel_pages == orig_rel_pages)
			new_rel_pages = count_nondeletable_pages(vacrel,
													 &lock_waiter_detected);
		else
			new_rel_pages = orig_rel_pages;
		if (new_rel_pages >= orig_rel_pages)
		{
			UnlockRelation(vacrel->rel, AccessExclusiveLock);
			return;
		}
		vacrel->err.blkno = new_rel_pages;

		RelationTruncate(vacrel->rel, new_rel_pages);
		/* others learn the new size from the smgr invalidation */
		UnlockRelation(vacrel->rel, AccessExclusiveLock);

		vacrel->removed_pages += orig_rel_pages - new_rel_pages;
		vacrel->rel_pages = new_rel_pages;
		ereport(vacrel->verbose ? INFO : DEBUG2,
				(errmsg("table \"%s\": truncated %u to %u pages",
						vacrel->relname, orig_rel_pages, new_rel_pages)));
		orig_rel_pages = new_rel_pages;
	} while (new_rel_pages > vacrel->nonempty_pages && lock_waiter_detected);
}


/* ----------------------------------------------------------------
 *		helios_vacuum_rel
 * ----------------------------------------------------------------
 */

/*
 * Allocate the TID array: what maintenance_work_mem (autovacuum_work_mem
 * in autovacuum) allows, but no more than the table could need.  With two
 * or more indexes and parallelism allowed, it lives in the parallel
 * vacuum's shared memory instead.
 */
static void
dead_items_alloc(LVRelState *vacrel, int nworkers)
{
	int64		max_items = MaxHeapTuplesPerPage;	/* one page, no indexes */
	int			vac_work_mem = IsAutoVacuumWorkerProcess() &&
	autovacuum_work_mem != -1 ? autovacuum_work_mem : maintenance_work_mem;

	if (vacrel->nindexes > 0)
	{
		max_items = MAXDEADITEMS(vac_work_mem * 1024L);
		max_items = Min(max_items, INT_MAX);
		max_items = Min(max_items, MAXDEADITEMS(MaxAllocSize));
		/* written so that the multiplication cannot overflow */
		if ((BlockNumber) (max_items / MaxHeapTuplesPerPage) > vacrel->rel_pages)
			max_items = vacrel->rel_pages * MaxHeapTuplesPerPage;
		max_items = Max(max_items, MaxHeapTuplesPerPage);
	}

	if (nworkers >= 0 && vacrel->nindexes > 1 && vacrel->do_index_vacuuming)
	{
		/* workers cannot read a temporary table's local buffers */
		if (RelationUsesLocalBuffers(vacrel->rel))
		{
			if (nworkers > 0)
				ereport(WARNING,
						(errmsg("disabling parallel option of vacuum on \"%s\" --- cannot vacuum temporary tables in parallel",
								vacrel->relname)));
		}
		else
			vacrel->pvs = parallel_vacuum_init(vacrel->rel, vacrel->indrels,
											   vacrel->nindexes, nworkers,
											   (int) max_items,
											   vacrel->verbose ? INFO : DEBUG2,
											   vacrel->bstrategy);
		if (vacrel->pvs != NULL)
		{
			vacrel->dead_items = parallel_vacuum_get_dead_items(vacrel->pvs);
			return;
		}
	}

	vacrel->dead_items = palloc(vac_max_items_to_alloc_size((int) max_items));
	vacrel->dead_items->max_items = (int) max_items;
	vacrel->dead_items->num_items = 0;
}

/* The VACUUM VERBOSE / log_autovacuum_min_duration report, as heap's */
static void
report_vacuum(LVRelState *vacrel, VacuumParams *params, char **indnames,
			  BlockNumber orig_rel_pages, PGRUsage *ru0, TimestampTz starttime,
			  PgStat_Counter startreadtime, PgStat_Counter startwritetime,
			  WalUsage *startwalusage, BufferUsage *startbufferusage,
			  bool frozenxid_updated, bool minmulti_updated)
{
	TimestampTz endtime = GetCurrentTimestamp();
	long		secs;
	int			usecs;
	WalUsage	walusage;
	BufferUsage bufusage;
	StringInfoData buf;
	const char *fmt;
	double		read_rate = 0,
				write_rate = 0;
	int64		nread,
				ndirtied;

	if (!vacrel->verbose && params->log_min_duration != 0 &&
		!TimestampDifferenceExceeds(starttime, endtime,
									params->log_min_duration))
		return;

	TimestampDifference(starttime, endtime, &secs, &usecs);
	memset(&walusage, 0, sizeof(WalUsage));
	WalUsageAccumDiff(&walusage, &pgWalUsage, startwalusage);
	memset(&bufusage, 0, sizeof(BufferUsage));
	BufferUsageAccumDiff(&bufusage, &pgBufferUsage, startbufferusage);
	nread = bufusage.shared_blks_read + bufusage.local_blks_read;
	ndirtied = bufusage.shared_blks_dirtied + bufusage.local_blks_dirtied;

	initStringInfo(&buf);
	if (vacrel->verbose)
		fmt = _("finished vacuuming \"%s.%s.%s\": index scans: %d\n");
	else if (params->is_wraparound)
		fmt = vacrel->aggressive ?
			_("automatic aggressive vacuum to prevent wraparound of table \"%s.%s.%s\": index scans: %d\n") :
			_("automatic vacuum to prevent wraparound of table \"%s.%s.%s\": index scans: %d\n");
	else
		fmt = vacrel->aggressive ?
			_("automatic aggressive vacuum of table \"%s.%s.%s\": index scans: %d\n") :
			_("automatic vacuum of table \"%s.%s.%s\": index scans: %d\n");
	appendStringInfo(&buf, fmt, get_database_name(MyDatabaseId),
					 vacrel->relnamespace, vacrel->relname,
					 vacrel->num_index_scans);
	appendStringInfo(&buf, _("pages: %u removed, %u remain, %u scanned (%.2f%% of total)\n"),
					 vacrel->removed_pages, vacrel->rel_pages,
					 vacrel->scanned_pages, orig_rel_pages == 0 ? 100.0 :
					 100.0 * vacrel->scanned_pages / orig_rel_pages);
	appendStringInfo(&buf, _("tuples: %lld removed, %lld remain, %lld are dead but not yet removable\n"),
					 (long long) vacrel->tuples_deleted,
					 (long long) vacrel->new_rel_tuples,
					 (long long) vacrel->recently_dead_tuples);
	if (vacrel->missed_dead_tuples > 0)
		appendStringInfo(&buf, _("tuples missed: %lld dead from %u pages not removed due to cleanup lock contention\n"),
						 (long long) vacrel->missed_dead_tuples,
						 vacrel->missed_dead_pages);
	if (vacrel->lpdead_items_kept > 0)
		appendStringInfo(&buf, _("dead item identifiers kept for the next vacuum due to cleanup lock contention: %lld\n"),
						 (long long) vacrel->lpdead_items_kept);
	appendStringInfo(&buf, _("removable cutoff: %u, which was %d XIDs old when operation ended\n"),
					 vacrel->OldestXmin,
					 (int32) (ReadNextTransactionId() - vacrel->OldestXmin));
	if (frozenxid_updated)
		appendStringInfo(&buf, _("new relfrozenxid: %u, which is %d XIDs ahead of previous value\n"),
						 vacrel->NewRelfrozenXid,
						 (int32) (vacrel->NewRelfrozenXid - vacrel->relfrozenxid));
	if (minmulti_updated)
		appendStringInfo(&buf, _("new relminmxid: %u, which is %d MXIDs ahead of previous value\n"),
						 vacrel->NewRelminMxid,
						 (int32) (vacrel->NewRelminMxid - vacrel->relminmxid));
	if (vacrel->do_index_vacuuming)
	{
		appendStringInfoString(&buf, vacrel->nindexes == 0 || vacrel->num_index_scans == 0 ?
							   _("index scan not needed: ") : _("index scan needed: "));
		fmt = _("%u pages from table (%.2f%% of total) had %lld dead item identifiers removed\n");
	}
	else
	{
		appendStringInfoString(&buf, !vacrel->failsafe_active ?
							   _("index scan bypassed: ") :
							   _("index scan bypassed by failsafe: "));
		fmt = _("%u pages from table (%.2f%% of total) have %lld dead item identifiers\n");
	}
	appendStringInfo(&buf, fmt, vacrel->lpdead_item_pages,
					 orig_rel_pages == 0 ? 100.0 :
					 100.0 * vacrel->lpdead_item_pages / orig_rel_pages,
					 (long long) vacrel->lpdead_items);
	for (int i = 0; i < vacrel->nindexes; i++)
	{
		IndexBulkDeleteResult *istat = vacrel->indstats[i];

		if (istat)
			appendStringInfo(&buf, _("index \"%s\": pages: %u in total, %u newly deleted, %u currently deleted, %u reusable\n"),
							 indnames[i], istat->num_pages,
							 istat->pages_newly_deleted, istat->pages_deleted,
							 istat->pages_free);
	}
	if (track_io_timing)
		appendStringInfo(&buf, _("I/O timings: read: %.3f ms, write: %.3f ms\n"),
						 (double) (pgStatBlockReadTime - startreadtime) / 1000,
						 (double) (pgStatBlockWriteTime - startwritetime) / 1000);
	if (secs > 0 || usecs > 0)
	{
		double		mb_per_sec = (double) BLCKSZ / (1024 * 1024) /
		(secs + usecs / 1000000.0);

		read_rate = nread * mb_per_sec;
		write_rate = ndirtied * mb_per_sec;
	}
	appendStringInfo(&buf, _("avg read rate: %.3f MB/s, avg write rate: %.3f MB/s\n"),
					 read_rate, write_rate);
	appendStringInfo(&buf, _("buffer usage: %lld hits, %lld misses, %lld dirtied\n"),
					 (long long) (bufusage.shared_blks_hit + bufusage.local_blks_hit),
					 (long long) nread, (long long) ndirtied);
	appendStringInfo(&buf, _("WAL usage: %lld records, %lld full page images, %llu bytes\n"),
					 (long long) walusage.wal_records,
					 (long long) walusage.wal_fpi,
					 (unsigned long long) walusage.wal_bytes);
	appendStringInfo(&buf, _("system usage: %s"), pg_rusage_show(ru0));

	ereport(vacrel->verbose ? INFO : LOG,
			(errmsg_internal("%s", buf.data)));
	pfree(buf.data);
}

/*
 * VACUUM one helios table.  vacuum.c has started a transaction and holds
 * ShareUpdateExclusiveLock on rel.
 */
void
helios_vacuum_rel(Relation rel, VacuumParams *params,
				  BufferAccessStrategy bstrategy)
{
	LVRelState *vacrel = palloc0(sizeof(LVRelState));
	bool		instrument,
				frozenxid_updated,
				minmulti_updated;
	TransactionId OldestXmin,
				FreezeLimit;
	MultiXactId OldestMxact,
				MultiXactCutoff;
	BlockNumber orig_rel_pages,
				new_rel_allvisible;
	PGRUsage	ru0;
	TimestampTz starttime = 0;
	PgStat_Counter startreadtime = pgStatBlockReadTime,
				startwritetime = pgStatBlockWriteTime;
	WalUsage	startwalusage = pgWalUsage;
	BufferUsage startbufferusage = pgBufferUsage;
	ErrorContextCallback errcallback;
	char	  **indnames = NULL;

	vacrel->verbose = (params->options & VACOPT_VERBOSE) != 0;
	instrument = vacrel->verbose || (IsAutoVacuumWorkerProcess() &&
									 params->log_min_duration >= 0);
	if (instrument)
	{
		pg_rusage_init(&ru0);
		starttime = GetCurrentTimestamp();
	}
	pgstat_progress_start_command(PROGRESS_COMMAND_VACUUM,
								  RelationGetRelid(rel));

	/*
	 * OldestXmin separates DEAD from RECENTLY_DEAD; FreezeLimit and
	 * MultiXactCutoff say what to freeze.  An aggressive VACUUM must leave
	 * nothing older than those; DISABLE_PAGE_SKIPPING makes it aggressive
	 * and skip not even all-frozen pages.
	 */
	vacrel->aggressive = vacuum_set_xid_limits(rel,
											   params->freeze_min_age,
											   params->freeze_table_age,
											   params->multixact_freeze_min_age,
											   params->multixact_freeze_table_age,
											   &OldestXmin, &OldestMxact,
											   &FreezeLimit, &MultiXactCutoff);
	vacrel->skipwithvm = (params->options & VACOPT_DISABLE_PAGE_SKIPPING) == 0;
	if (!vacrel->skipwithvm)
		vacrel->aggressive = true;

	/* names are copied: the relcache entry may be unusable in an error */
	vacrel->rel = rel;
	vacrel->relnamespace = get_namespace_name(RelationGetNamespace(rel));
	vacrel->relname = pstrdup(RelationGetRelationName(rel));
	set_err_phase(vacrel, PHASE_UNKNOWN, InvalidBlockNumber,
				  InvalidOffsetNumber);
	errcallback.callback = vacuum_error_callback;
	errcallback.arg = vacrel;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	if (vacrel->verbose)
		ereport(INFO,
				(errmsg(vacrel->aggressive ?
						"aggressively vacuuming \"%s.%s.%s\"" :
						"vacuuming \"%s.%s.%s\"",
						get_database_name(MyDatabaseId),
						vacrel->relnamespace, vacrel->relname)));

	vac_open_indexes(rel, RowExclusiveLock, &vacrel->nindexes,
					 &vacrel->indrels);
	if (instrument && vacrel->nindexes > 0)
	{
		indnames = palloc(sizeof(char *) * vacrel->nindexes);
		for (int i = 0; i < vacrel->nindexes; i++)
			indnames[i] = pstrdup(RelationGetRelationName(vacrel->indrels[i]));
	}

	/*
	 * INDEX_CLEANUP off: no index vacuuming or cleanup; on: no bypass
	 * optimization; auto: decided in lazy_vacuum.  TRUNCATE off forbids
	 * truncation (on merely allows it).
	 */
	Assert(params->index_cleanup != VACOPTVALUE_UNSPECIFIED);
	Assert(params->truncate == VACOPTVALUE_ENABLED ||
		   params->truncate == VACOPTVALUE_DISABLED);
	vacrel->consider_bypass_optimization =
		params->index_cleanup != VACOPTVALUE_ENABLED;
	vacrel->do_index_vacuuming = vacrel->do_index_cleanup =
		params->index_cleanup != VACOPTVALUE_DISABLED;
	vacrel->do_rel_truncate = params->truncate != VACOPTVALUE_DISABLED;

	vacrel->bstrategy = bstrategy;
	vacrel->relfrozenxid = rel->rd_rel->relfrozenxid;
	vacrel->relminmxid = rel->rd_rel->relminmxid;
	vacrel->old_live_tuples = rel->rd_rel->reltuples;
	vacrel->indstats = palloc0(vacrel->nindexes *
							   sizeof(IndexBulkDeleteResult *));

	/*
	 * The size is read after OldestXmin is fixed, so the scan cannot miss a
	 * version older than OldestXmin: later pages only hold newer ones.
	 */
	vacrel->rel_pages = orig_rel_pages = RelationGetNumberOfBlocks(rel);
	vacrel->OldestXmin = OldestXmin;
	vacrel->vistest = GlobalVisTestFor(rel);
	vacrel->FreezeLimit = FreezeLimit;
	vacrel->MultiXactCutoff = MultiXactCutoff;
	vacrel->NewRelfrozenXid = OldestXmin;
	vacrel->NewRelminMxid = OldestMxact;

	/* checked first so no parallel workers start if it triggers */
	lazy_check_wraparound_failsafe(vacrel);
	dead_items_alloc(vacrel, params->nworkers);

	lazy_scan_heap(vacrel);

	if (vacrel->pvs != NULL)
	{
		parallel_vacuum_end(vacrel->pvs, vacrel->indstats);
		vacrel->pvs = NULL;
	}

	/* index statistics, for the planner */
	for (int idx = 0; vacrel->do_index_cleanup && idx < vacrel->nindexes; idx++)
	{
		IndexBulkDeleteResult *istat = vacrel->indstats[idx];

		if (istat != NULL && !istat->estimated_count)
			vac_update_relstats(vacrel->indrels[idx], istat->num_pages,
								istat->num_index_tuples, 0, false,
								InvalidTransactionId, InvalidMultiXactId,
								NULL, NULL, false);
	}
	vac_close_indexes(vacrel->nindexes, vacrel->indrels, NoLock);

	/*
	 * Truncation takes AccessExclusiveLock, which a hot standby replays and
	 * which stops all readers, so it is tried only if enough can go.  Not
	 * with old_snapshot_threshold either: a scan that cannot find a
	 * truncated page could not tell that its snapshot is too old.
	 */
	if (vacrel->do_rel_truncate && !vacrel->failsafe_active &&
		old_snapshot_threshold < 0)
	{
		BlockNumber freeable = vacrel->rel_pages - vacrel->nonempty_pages;

		if (freeable > 0 &&
			(freeable >= REL_TRUNCATE_MINIMUM ||
			 freeable >= vacrel->rel_pages / REL_TRUNCATE_FRACTION))
			lazy_truncate_heap(vacrel);
	}

	error_context_stack = errcallback.previous;
	pgstat_progress_update_param(PROGRESS_VACUUM_PHASE,
								 PROGRESS_VACUUM_PHASE_FINAL_CLEANUP);

	/*
	 * An aggressive VACUUM has frozen everything older than FreezeLimit /
	 * MultiXactCutoff; any VACUUM may advance the values to what it found,
	 * except one that skipped all-visible pages, whose xids it never saw.
	 */
	Assert(vacrel->NewRelfrozenXid == OldestXmin ||
		   TransactionIdPrecedesOrEquals(vacrel->aggressive ? FreezeLimit :
										 vacrel->relfrozenxid,
										 vacrel->NewRelfrozenXid));
	Assert(vacrel->NewRelminMxid == OldestMxact ||
		   MultiXactIdPrecedesOrEquals(vacrel->aggressive ? MultiXactCutoff :
									   vacrel->relminmxid,
									   vacrel->NewRelminMxid));
	if (vacrel->skippedallvis)
	{
		Assert(!vacrel->aggressive);
		vacrel->NewRelfrozenXid = InvalidTransactionId;
		vacrel->NewRelminMxid = InvalidMultiXactId;
	}

	visibilitymap_count(rel, &new_rel_allvisible, NULL);
	new_rel_allvisible = Min(new_rel_allvisible, vacrel->rel_pages);
	vac_update_relstats(rel, vacrel->rel_pages, vacrel->new_live_tuples,
						new_rel_allvisible, vacrel->nindexes > 0,
						vacrel->NewRelfrozenXid, vacrel->NewRelminMxid,
						&frozenxid_updated, &minmulti_updated, false);

	/*
	 * LP_DEAD items left by bypassed index vacuuming are not reported as
	 * dead: autovacuum would come back too soon (ANALYZE counts them).
	 */
	pgstat_report_vacuum(RelationGetRelid(rel), rel->rd_rel->relisshared,
						 Max(vacrel->new_live_tuples, 0),
						 vacrel->recently_dead_tuples +
						 vacrel->missed_dead_tuples);
	pgstat_progress_end_command();

	if (instrument)
		report_vacuum(vacrel, params, indnames, orig_rel_pages, &ru0,
					  starttime, startreadtime, startwritetime,
					  &startwalusage, &startbufferusage,
					  frozenxid_updated, minmulti_updated);

	for (int i = 0; i < vacrel->nindexes; i++)
	{
		if (vacrel->indstats[i])
			pfree(vacrel->indstats[i]);
		if (indnames)
			pfree(indnames[i]);
	}
}
