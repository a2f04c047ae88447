/*-------------------------------------------------------------------------
 *
 * heliosam.c
 *	  Version chains, row fetch and inserts of helios tables.
 *
 * Rows are named by their root TID (see helios_am.h).  This file walks a
 * row's version chain (its segments, across a forward link) to find the
 * version a snapshot sees, fetches rows by root TID (TID fetches and index
 * fetches), and inserts new rows (single, speculative, multi-insert).
 * DELETE, UPDATE and row locks live in helios_dml.c.
 *
 * Every page change is WAL-logged with a helios record (src/wal) inside
 * the critical section that makes it, as heap does.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "access/xloginsert.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "storage/procarray.h"
#include "utils/inval.h"
#include "utils/snapmgr.h"

#include "helios.h"
#include "btree/hbt.h"
#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_scan.h"
#include "table/helios_vm.h"
#include "table/helios_xmax.h"
#include "wal/helios_xlog.h"

/*
 * Compute the segment of row rowid that starts at item start of the page in
 * buffer (locked): the row's first segment when start is the root itself,
 * else the head of a later one, which must be a forwarded version naming
 * rowid and, when start_xmin is valid, made by that transaction.  An empty
 * segment (n == 0, next invalid) means the row is not there: start is
 * unused, dead, a heap-only version, or was reused by another row.
 *
 * Chain steps follow heap's rules: t_ctid while HEAP_HOT_UPDATED, and only
 * to a version whose xmin is its predecessor's updater.  A stub's link is
 * followed without that check: the stub has no updater any more, and
 * pruning keeps a stub and what it links to on its page together.
 */
void
helios_chain_segment(Relation rel, Buffer buffer, ItemPointer rowid,
					 OffsetNumber start, TransactionId start_xmin,
					 HeliosSegment *seg)
{
	Page		page = BufferGetPage(buffer);
	BlockNumber blkno = BufferGetBlockNumber(buffer);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	OffsetNumber offnum = start;
	TransactionId prev_xmax = InvalidTransactionId;
	bool		at_root = (blkno == ItemPointerGetBlockNumber(rowid) &&
						   start == ItemPointerGetOffsetNumber(rowid));
	bool		at_start = true;
	int			nvisited = 0;

	seg->n = 0;
	ItemPointerSetInvalid(&seg->next);
	seg->next_xmin = InvalidTransactionId;

	for (;;)
	{
		ItemId		lp;
		HeapTupleHeader htup;

		if (offnum < FirstOffsetNumber || offnum > maxoff)
			break;
		lp = PageGetItemId(page, offnum);
		if (!ItemIdIsNormal(lp))
		{
			if (ItemIdIsRedirected(lp) && at_start && at_root)
			{
				offnum = ItemIdGetRedirect(lp);
				at_start = false;
				continue;
			}
			break;
		}
		helios_check_item(rel, buffer, offnum);
		htup = (HeapTupleHeader) PageGetItem(page, lp);
		if (at_start && at_root)
		{
			if (HeapTupleHeaderIsHeapOnly(htup))
				break;			/* never a row identity */
		}
		else if (at_start)
		{
			/* a forwarded head: it must name the row we came from */
			if (!HeliosTupleIsForwarded(htup) ||
				!ItemPointerEquals(HeliosTupleRootTid(htup), rowid))
				break;
			/*
			 * ... and have been made by the link's updater, unless it has
			 * become a stub since (dead to everyone, its xmin frozen away):
			 * the root TID then says alone that the head is the row's.
			 */
			if (TransactionIdIsValid(start_xmin) && !HeliosTupleIsStub(htup) &&
				!TransactionIdEquals(start_xmin, HeapTupleHeaderGetRawXmin(htup)))
				break;
		}
		else if (TransactionIdIsValid(prev_xmax) &&
				 !TransactionIdEquals(prev_xmax, HeapTupleHeaderGetXmin(htup)))
			break;				/* the slot was reused after pruning */
		if (++nvisited > MaxHeapTuplesPerPage)
			break;				/* a cycle: only a corrupt page has one */
		if (!HeliosTupleIsStub(htup))
			seg->members[seg->n++] = offnum;
		if (!HeapTupleHeaderIsHotUpdated(htup))
			break;
		prev_xmax = HeliosTupleIsStub(htup) ? InvalidTransactionId :
			HeapTupleHeaderGetUpdateXid(htup);
		if (ItemPointerGetBlockNumber(&htup->t_ctid) != blkno)
		{
			seg->next = htup->t_ctid;
			seg->next_xmin = prev_xmax;
			break;
		}
		offnum = ItemPointerGetOffsetNumber(&htup->t_ctid);
		at_start = false;
	}
}

/*
 * Pin page blkno, which a forward link names; InvalidBuffer if it is gone:
 * VACUUM may have truncated it away after every version on it died,
 * before the link to it was cleaned up.  A page in shared buffers exists
 * (truncation drops the buffers past the new end), so the common case
 * needs no lseek() for the relation's size.
 */
Buffer
helios_read_link_page(Relation rel, BlockNumber blkno)
{
	PrefetchBufferResult cached;

	/*
	 * Prefetching a block of a segment file that truncation removed raises
	 * an error: past the first segment, check the size first.
	 */
	if (blkno >= RELSEG_SIZE && blkno >= RelationGetNumberOfBlocks(rel))
		return InvalidBuffer;
	cached = PrefetchBuffer(rel, MAIN_FORKNUM, blkno);

	if (BufferIsValid(cached.recent_buffer) &&
		ReadRecentBuffer(rel->rd_node, MAIN_FORKNUM, blkno,
						 cached.recent_buffer))
		return cached.recent_buffer;
	if (blkno >= RelationGetNumberOfBlocks(rel))
		return InvalidBuffer;
	return ReadBuffer(rel, blkno);
}

/*
 * Read the page seg->next is on, lock it in lockmode and replace *seg by
 * row rowid's segment there.  InvalidBuffer (and an empty segment) if that
 * page is gone.  The caller holds no other buffer lock (a pin
 * is fine): pages are only ever locked one at a time here, so this cannot
 * deadlock with writers, who lock two pages in block order.
 */
Buffer
helios_segment_follow(Relation rel, ItemPointer rowid, HeliosSegment *seg,
					  int lockmode)
{
	BlockNumber blkno = ItemPointerGetBlockNumber(&seg->next);
	int			hops = seg->hops + 1;
	Buffer		buffer;

	Assert(ItemPointerIsValid(&seg->next));
	if (hops > HELIOS_MAX_HOPS)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("version chain of row (%u,%u) of relation \"%s\" does not end",
						ItemPointerGetBlockNumber(rowid),
						ItemPointerGetOffsetNumber(rowid),
						RelationGetRelationName(rel))));
	buffer = helios_read_link_page(rel, blkno);
	if (!BufferIsValid(buffer))
	{
		seg->n = 0;
		ItemPointerSetInvalid(&seg->next);
		seg->hops = hops;
		return InvalidBuffer;
	}
	LockBuffer(buffer, lockmode);
	helios_check_page(rel, buffer);
	helios_chain_segment(rel, buffer, rowid,
						 ItemPointerGetOffsetNumber(&seg->next),
						 seg->next_xmin, seg);
	seg->hops = hops;
	return buffer;
}

/*
 * May a write (UPDATE, DELETE, row lock) to a row go past the forward link
 * that ends seg, its segment on the locked buffer?  The versions past the
 * link are newer than every one here, so the write is about them unless
 * the link's updater is still running elsewhere (the write waits on the
 * version here) or aborted (the version here is the newest).  Whether the
 * caller's snapshot sees a version here instead is decided over there
 * (target_member, lock_target), since a row lock this transaction took on
 * the newest version overrides it.
 */
static bool
write_follows_link(Relation rel, Buffer buffer, HeliosSegment *seg)
{
	HeapTupleData tp;
	TransactionId updater;

	if (seg->n == 0)
		return true;			/* only stubs here */
	helios_member_tuple(rel, buffer, seg->members[seg->n - 1], &tp);
	if ((tp.t_data->t_infomask & HEAP_XMAX_INVALID) ||
		HEAP_XMAX_IS_LOCKED_ONLY(tp.t_data->t_infomask))
		return false;			/* locked since: no link any more */
	updater = HeapTupleHeaderGetUpdateXid(tp.t_data);
	if (TransactionIdIsCurrentTransactionId(updater))
		return true;
	return !TransactionIdIsInProgress(updater) &&
		TransactionIdDidCommit(updater);
}

/*
 * The segment of row rowid that a write is about: starting from its root's
 * page (buffer, exclusively locked by the caller), follow at most max_hops
 * forward links while write_follows_link says so.  Returns the exclusively
 * locked buffer of the segment, *seg filled (seg->hops says how many links
 * were followed); the caller's buffer has been released if it is not that
 * one.  *start and *start_xmin say where the segment starts, to compute it
 * again after the lock was let go.
 */
Buffer
helios_write_segment(Relation rel, Buffer buffer, ItemPointer rowid,
					 int max_hops, HeliosSegment *seg,
					 ItemPointer start, TransactionId *start_xmin)
{
	helios_root_segment(rel, buffer, ItemPointerGetOffsetNumber(rowid), seg);
	*start = *rowid;
	*start_xmin = InvalidTransactionId;
	while (seg->hops < max_hops && ItemPointerIsValid(&seg->next) &&
		   write_follows_link(rel, buffer, seg))
	{
		*start = seg->next;
		*start_xmin = seg->next_xmin;
		UnlockReleaseBuffer(buffer);
		buffer = helios_segment_follow(rel, rowid, seg, BUFFER_LOCK_EXCLUSIVE);
		if (!BufferIsValid(buffer))
		{
			/* the link leads nowhere any more: the row ends at its root */
			buffer = ReadBuffer(rel, ItemPointerGetBlockNumber(rowid));
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			helios_check_page(rel, buffer);
			helios_root_segment(rel, buffer, ItemPointerGetOffsetNumber(rowid),
								seg);
			ItemPointerSetInvalid(&seg->next);
			*start = *rowid;
			*start_xmin = InvalidTransactionId;
			break;
		}
	}
	return buffer;
}

/*
 * Look for the member of seg (on the locked buffer) that snapshot sees;
 * see helios_chain_search.  *vistest is computed on first use.
 *
 * An MVCC snapshot sees at most one member, usually the newest, so the
 * search goes newest first: a long chain costs one visibility test, not
 * one per member.  Every member tested is also checked for rw-conflicts;
 * the older ones not tested were made and deleted by transactions that
 * committed before the snapshot, which are no conflict.  Other snapshots
 * may see several members and mean the first (oldest) one.
 */
static bool
search_segment(Relation rel, Buffer buffer, Snapshot snapshot,
			   ItemPointer rowid, HeliosSegment *seg, HeapTuple tuple,
			   bool *all_dead, GlobalVisState **vistest)
{
	bool		newest_first = IsMVCCSnapshot(snapshot);

	for (int k = 0; k < seg->n; k++)
	{
		int			i = newest_first ? seg->n - 1 - k : k;
		bool		valid;

		helios_member_tuple(rel, buffer, seg->members[i], tuple);
		valid = HeapTupleSatisfiesVisibility(tuple, snapshot, buffer);
		HeapCheckForSerializableConflictOut(valid, rel, tuple, buffer, snapshot);
		if (valid)
		{
			PredicateLockTID(rel, rowid, snapshot,
							 HeapTupleHeaderGetXmin(tuple->t_data));
			if (all_dead)
				*all_dead = false;
			return true;
		}
		if (all_dead && *all_dead)
		{
			if (*vistest == NULL)
				*vistest = GlobalVisTestFor(rel);
			if (!HeapTupleIsSurelyDead(tuple, *vistest))
				*all_dead = false;
		}
	}
	return false;
}

bool
helios_chain_search_page(Relation rel, Buffer buffer, Snapshot snapshot,
						 OffsetNumber offnum, HeapTuple tuple, bool *all_dead,
						 HeliosSegment *seg)
{
	BlockNumber blkno = BufferGetBlockNumber(buffer);
	GlobalVisState *vistest = NULL;
	ItemPointerData rowid;

	if (all_dead)
		*all_dead = true;
	ItemPointerSet(&rowid, blkno, offnum);
	helios_root_segment(rel, buffer, offnum, seg);
	return search_segment(rel, buffer, snapshot, &rowid, seg, tuple,
						  all_dead, &vistest);
}

bool
helios_chain_search(Relation rel, Buffer buffer, Snapshot snapshot,
					OffsetNumber offnum, HeapTuple tuple, bool *all_dead,
					HeapTuple *copy)
{
	HeliosSegment seg;

	*copy = NULL;
	if (helios_chain_search_page(rel, buffer, snapshot, offnum, tuple,
								 all_dead, &seg))
		return true;
	if (!ItemPointerIsValid(&seg.next))
		return false;
	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
	*copy = helios_search_forward(rel, BufferGetBlockNumber(buffer), offnum,
								  &seg, snapshot, all_dead);
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	if (*copy == NULL)
		return false;
	*tuple = **copy;
	return true;
}

/*
 * The rest of helios_chain_search, for a row whose chain left its page:
 * seg is the root's segment, whose link is followed with no lock held on
 * the root's page.  Returns a palloc'd copy of the version found, or NULL.
 */
HeapTuple
helios_search_forward(Relation rel, BlockNumber blkno, OffsetNumber root,
					  HeliosSegment *seg, Snapshot snapshot, bool *all_dead)
{
	GlobalVisState *vistest = NULL;
	ItemPointerData rowid;
	HeapTupleData tuple;

	ItemPointerSet(&rowid, blkno, root);
	while (ItemPointerIsValid(&seg->next))
	{
		Buffer		buffer = helios_segment_follow(rel, &rowid, seg,
												   BUFFER_LOCK_SHARE);
		HeapTuple	copy = NULL;

		if (!BufferIsValid(buffer))
			break;
		if (search_segment(rel, buffer, snapshot, &rowid, seg, &tuple,
						   all_dead, &vistest))
			copy = helios_copy_version(&tuple);
		UnlockReleaseBuffer(buffer);
		if (copy)
			return copy;
	}
	return NULL;
}

/* Is tid a plausible row identity of rel?  Raises ERROR if not. */
void
helios_check_tid(Relation rel, ItemPointer tid, Page page)
{
	OffsetNumber off = ItemPointerGetOffsetNumber(tid);

	if (off < FirstOffsetNumber || off > MaxHeapTuplesPerPage)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid tuple identifier (%u,%u) for relation \"%s\"",
						ItemPointerGetBlockNumber(tid), off,
						RelationGetRelationName(rel))));
}

/* Was version tup made by a transaction that committed, or by us? */
static bool
made_by_committed(HeapTupleHeader tup)
{
	TransactionId xmin = HeapTupleHeaderGetXmin(tup);

	return HeapTupleHeaderXminCommitted(tup) ||
		HeapTupleHeaderXminFrozen(tup) ||
		TransactionIdIsCurrentTransactionId(xmin) ||
		(TransactionIdIsNormal(xmin) && !TransactionIdIsInProgress(xmin) &&
		 TransactionIdDidCommit(xmin));
}

/* The exact version a version TID names, if it is still there. */
static bool
fetch_version(Relation rel, Buffer buffer, OffsetNumber offnum,
			  Snapshot snapshot, HeapTuple tuple)
{
	Page		page = BufferGetPage(buffer);

	if (offnum < FirstOffsetNumber || offnum > PageGetMaxOffsetNumber(page) ||
		!ItemIdIsNormal(PageGetItemId(page, offnum)) ||
		HeliosTupleIsStub((HeapTupleHeader) PageGetItem(page, PageGetItemId(page, offnum))))
		return false;
	helios_member_tuple(rel, buffer, offnum, tuple);
	return snapshot == SnapshotAny ||
		HeapTupleSatisfiesVisibility(tuple, snapshot, buffer);
}

/* Did this transaction delete this version (RETURNING, AFTER triggers)? */
static bool
deleted_by_us(HeapTupleHeader tup)
{
	return !(tup->t_infomask & HEAP_XMAX_INVALID) &&
		!HEAP_XMAX_IS_LOCKED_ONLY(tup->t_infomask) &&
		TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetUpdateXid(tup));
}

/*
 * The versions of a row whose chain left its root's page, as copies, oldest
 * first, each with whether the active snapshot sees it (decided under its
 * page's lock).  The root's page (buffer) is unlocked meanwhile.
 */
typedef struct RowVersions
{
	int			n;
	HeapTuple	tuples[MaxHeapTuplesPerPage];
	bool		active_sees[MaxHeapTuplesPerPage];
} RowVersions;

static void
collect_segment(Relation rel, Buffer buffer, HeliosSegment *seg,
				Snapshot active, RowVersions *rv)
{
	for (int i = 0; i < seg->n && rv->n < MaxHeapTuplesPerPage; i++)
	{
		HeapTupleData tuple;

		helios_member_tuple(rel, buffer, seg->members[i], &tuple);
		rv->active_sees[rv->n] = active != NULL &&
			HeapTupleSatisfiesVisibility(&tuple, active, buffer);
		rv->tuples[rv->n++] = helios_copy_version(&tuple);
	}
}

static void
collect_row_versions(Relation rel, Buffer buffer, OffsetNumber root,
					 HeliosSegment *seg, RowVersions *rv)
{
	Snapshot	active = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	ItemPointerData rowid;

	ItemPointerSet(&rowid, BufferGetBlockNumber(buffer), root);
	rv->n = 0;
	collect_segment(rel, buffer, seg, active, rv);
	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
	while (ItemPointerIsValid(&seg->next))
	{
		Buffer		next = helios_segment_follow(rel, &rowid, seg,
												 BUFFER_LOCK_SHARE);

		if (!BufferIsValid(next))
			break;
		collect_segment(rel, next, seg, active, rv);
		UnlockReleaseBuffer(next);
	}
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
}

/* fetch_any_version for a row whose chain stays on its page */
static bool
fetch_any_on_page(Relation rel, Buffer buffer, HeliosSegment *seg,
				  bool locked, HeapTuple tuple)
{
	int			n = seg->n;

	if (n == 0)
		return false;
	helios_member_tuple(rel, buffer, seg->members[n - 1], tuple);
	if (locked ||
		TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetRawXmin(tuple->t_data)) ||
		deleted_by_us(tuple->t_data))
		return true;
	if (ActiveSnapshotSet())
	{
		Snapshot	active = GetActiveSnapshot();

		for (int i = 0; i < n; i++)
		{
			helios_member_tuple(rel, buffer, seg->members[i], tuple);
			if (HeapTupleSatisfiesVisibility(tuple, active, buffer))
				return true;
		}
	}
	for (int i = n - 1; i >= 0; i--)
	{
		helios_member_tuple(rel, buffer, seg->members[i], tuple);
		if (made_by_committed(tuple->t_data))
			return true;
	}
	return false;
}

/*
 * SnapshotAny on a row: see helios_fetch_row in helios_am.h.  The version
 * is returned in *tuple, on the page, or as a palloc'd *copy when the row's
 * chain left the page.
 */
static bool
fetch_any_version(Relation rel, Buffer buffer, OffsetNumber root, bool locked,
				  HeapTuple tuple, HeapTuple *copy)
{
	HeliosSegment seg;
	RowVersions *rv;
	int			pick = -1;

	helios_root_segment(rel, buffer, root, &seg);
	if (!ItemPointerIsValid(&seg.next))
		return fetch_any_on_page(rel, buffer, &seg, locked, tuple);

	rv = palloc(sizeof(RowVersions));
	collect_row_versions(rel, buffer, root, &seg, rv);
	if (rv->n > 0)
	{
		HeapTupleHeader newest = rv->tuples[rv->n - 1]->t_data;

		if (locked ||
			TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetRawXmin(newest)) ||
			deleted_by_us(newest))
			pick = rv->n - 1;
		for (int i = 0; pick < 0 && i < rv->n; i++)
			if (rv->active_sees[i])
				pick = i;
		for (int i = rv->n - 1; pick < 0 && i >= 0; i--)
			if (made_by_committed(rv->tuples[i]->t_data))
				pick = i;
	}
	for (int i = 0; i < rv->n; i++)
		if (i != pick)
			heap_freetuple(rv->tuples[i]);
	if (pick >= 0)
	{
		*copy = rv->tuples[pick];
		*tuple = **copy;
	}
	pfree(rv);
	return pick >= 0;
}

bool
helios_fetch_row(Relation rel, ItemPointer locktid, Snapshot snapshot,
				 TupleTableSlot *slot)
{
	ItemPointerData rowid = helios_row_tid(locktid);
	ItemPointer tid = &rowid;
	BlockNumber blkno = ItemPointerGetBlockNumber(tid);
	OffsetNumber offnum = ItemPointerGetOffsetNumberNoCheck(tid);
	bool		locked = helios_is_locked_tid(locktid);
	Buffer		buffer;
	HeapTupleData tuple;
	HeapTuple	copy = NULL;
	bool		found;

	/* TIDs from users went through tuple_tid_valid; no lseek() here */
	buffer = ReadBuffer(rel, blkno);
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	helios_check_page(rel, buffer);

	if (helios_is_version_tid(tid))
		found = fetch_version(rel, buffer, offnum & ~HELIOS_VERSION_TID,
							  snapshot, &tuple);
	else if (snapshot == SnapshotAny)
		found = fetch_any_version(rel, buffer, offnum, locked, &tuple, &copy);
	else if (locked)
	{
		/*
		 * The executor fetches by a marked TID only with SnapshotAny: a WHERE
		 * CURRENT OF passes through helios_get_latest_tid, which drops the
		 * mark, first.  A marked TID here was typed by a user, and at such
		 * an offset heap finds nothing.
		 */
		found = false;
	}
	else
		found = helios_chain_search(rel, buffer, snapshot, offnum, &tuple,
									NULL, &copy);
	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
	if (found)
		helios_slot_store_found(slot, &tuple, copy, buffer, tid);
	ReleaseBuffer(buffer);
	return found;
}

/*
 * Follow row tid through UPDATEs that gave it a new root, to the newest
 * root whose version snapshot can see (currtid_byrelname, WHERE CURRENT OF).
 */
void
helios_get_latest_tid(Relation rel, Snapshot snapshot, ItemPointer tid)
{
	ItemPointerData ctid;
	TransactionId priorXmax = InvalidTransactionId;

	*tid = helios_row_tid(tid);
	ctid = *tid;

	for (;;)
	{
		BlockNumber blkno = ItemPointerGetBlockNumber(&ctid);
		HeliosSegment seg;
		Buffer		buffer,
					rootpin;
		HeapTupleData tp;
		bool		valid = false;
		bool		first = true;
		ItemPointerData next;
		TransactionId next_xmax;

		if (blkno >= RelationGetNumberOfBlocks(rel))
			return;
		buffer = rootpin = ReadBuffer(rel, blkno);
		LockBuffer(buffer, BUFFER_LOCK_SHARE);
		helios_check_page(rel, buffer);
		helios_root_segment(rel, buffer, ItemPointerGetOffsetNumber(&ctid),
							&seg);

		/* every segment of the row, one page locked at a time */
		for (;;)
		{
			for (int i = 0; i < seg.n; i++)
			{
				helios_member_tuple(rel, buffer, seg.members[i], &tp);
				if (first && TransactionIdIsValid(priorXmax) &&
					!TransactionIdEquals(priorXmax, HeapTupleHeaderGetXmin(tp.t_data)))
				{
					if (buffer != rootpin)
						ReleaseBuffer(rootpin);
					UnlockReleaseBuffer(buffer);
					return;
				}
				first = false;
				if (HeapTupleSatisfiesVisibility(&tp, snapshot, buffer))
					valid = true;
			}
			if (!ItemPointerIsValid(&seg.next))
				break;
			/* the root's page stays pinned for the walk (src/table/README) */
			if (buffer == rootpin)
				LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			else
				UnlockReleaseBuffer(buffer);
			buffer = helios_segment_follow(rel, &ctid, &seg, BUFFER_LOCK_SHARE);
			if (!BufferIsValid(buffer))
			{
				ReleaseBuffer(rootpin);
				return;
			}
		}
		if (buffer != rootpin)
			ReleaseBuffer(rootpin);
		if (first)
		{
			UnlockReleaseBuffer(buffer);
			return;
		}
		if (valid)
			*tid = ctid;
		/* tp is the chain's last version: did it move to a new root? */
		if ((tp.t_data->t_infomask & HEAP_XMAX_INVALID) ||
			HeapTupleHeaderIsOnlyLocked(tp.t_data) ||
			HeapTupleHeaderIndicatesMovedPartitions(tp.t_data) ||
			ItemPointerEquals(&tp.t_self, &tp.t_data->t_ctid))
		{
			UnlockReleaseBuffer(buffer);
			return;
		}
		next = tp.t_data->t_ctid;
		next_xmax = HeapTupleHeaderGetUpdateXid(tp.t_data);
		UnlockReleaseBuffer(buffer);
		ctid = next;
		priorXmax = next_xmax;
	}
}

/* ----------------------------------------------------------------
 *		index fetches
 * ----------------------------------------------------------------
 */

IndexFetchTableData *
helios_index_fetch_begin(Relation rel)
{
	HeliosIndexFetchData *hscan = palloc0(sizeof(HeliosIndexFetchData));

	hscan->xs_base.rel = rel;
	hscan->xs_cbuf = InvalidBuffer;

	return &hscan->xs_base;
}

void
helios_index_fetch_reset(IndexFetchTableData *scan)
{
	HeliosIndexFetchData *hscan = (HeliosIndexFetchData *) scan;

	if (BufferIsValid(hscan->xs_cbuf))
	{
		ReleaseBuffer(hscan->xs_cbuf);
		hscan->xs_cbuf = InvalidBuffer;
	}
}

void
helios_index_fetch_end(IndexFetchTableData *scan)
{
	helios_index_fetch_reset(scan);
	pfree(scan);
}

/*
 * Fetch the row an index entry points at.  Index entries hold ROOT TIDs;
 * the version returned is the one helios_chain_search finds, reported
 * under the index's TID.
 *
 * *call_again is always false: for an MVCC snapshot at most one version of
 * a chain is visible, and for non-MVCC snapshots (SnapshotAny, SnapshotDirty,
 * SnapshotSelf) helios_chain_search returns the first member that satisfies
 * the snapshot, one version per row.  (Heap returns every satisfying HOT
 * chain member to non-MVCC callers; CLUSTER, which needs every version,
 * walks the chain itself.)
 *
 * The pin on the last page is kept across calls, so consecutive entries on
 * the same page cost no buffer lookup; pruning is tried only when we move
 * to another page.
 */
bool
helios_index_fetch_tuple(IndexFetchTableData *scan, ItemPointer tid,
						 Snapshot snapshot, TupleTableSlot *slot,
						 bool *call_again, bool *all_dead)
{
	HeliosIndexFetchData *hscan = (HeliosIndexFetchData *) scan;
	Relation	rel = hscan->xs_base.rel;
	Buffer		prev_buf = hscan->xs_cbuf;
	HeapTupleData tuple;
	HeapTuple	copy;
	bool		found;

	hscan->xs_cbuf = ReleaseAndReadBuffer(hscan->xs_cbuf, rel,
										  ItemPointerGetBlockNumber(tid));
	if (prev_buf != hscan->xs_cbuf)
		helios_page_prune_opt(rel, hscan->xs_cbuf);

	LockBuffer(hscan->xs_cbuf, BUFFER_LOCK_SHARE);
	helios_check_page(rel, hscan->xs_cbuf);
	found = helios_chain_search(rel, hscan->xs_cbuf, snapshot,
								ItemPointerGetOffsetNumber(tid), &tuple,
								all_dead, &copy);
	LockBuffer(hscan->xs_cbuf, BUFFER_LOCK_UNLOCK);

	*call_again = false;

	if (found)
		helios_slot_store_found(slot, &tuple, copy, hscan->xs_cbuf, tid);

	return found;
}


/* ----------------------------------------------------------------
 *		inserts
 * ----------------------------------------------------------------
 */

/*
 * Form the tuple to insert from slot, with its MVCC header set up.  When
 * the slot holds the row in our format already (COPY and INSERT
 * materialize it), that tuple itself is used, as heap_multi_insert uses the
 * slot's own heap tuple; *in_slot then tells the caller not to free it.
 */
static HeapTuple
prepare_insert(Relation rel, TupleTableSlot *slot, TransactionId xid,
			   CommandId cid, int options, bool *in_slot)
{
	HeapTuple	tup;

	*in_slot = false;

	/*
	 * Form the tuple in the slot itself, as heap materializes its slot: the
	 * slot then reports the stored header (RETURNING xmin, AFTER triggers)
	 * at no extra copy.
	 */
	if (slot->tts_ops == &TTSOpsHeliosTuple &&
		slot->tts_tupleDescriptor == RelationGetDescr(rel))
	{
		ExecMaterializeSlot(slot);
		tup = ((HeliosTupleTableSlot *) slot)->tuple;
		Assert(!HeliosTupleIsForwarded(tup->t_data));
		/* a version copied from before ADD COLUMN is formed anew */
		*in_slot = HeapTupleHeaderGetNatts(tup->t_data) == RelationGetDescr(rel)->natts;
	}
	if (!*in_slot)
		tup = helios_slot_form_tuple(slot, helios_relation_layout(rel));

	tup->t_data->t_infomask &= ~HEAP_XACT_MASK;
	tup->t_data->t_infomask2 &= ~HEAP2_XACT_MASK;
	tup->t_data->t_infomask |= HEAP_XMAX_INVALID;
	HeapTupleHeaderSetXmin(tup->t_data, xid);
	if (options & HEAP_INSERT_FROZEN)
		HeapTupleHeaderSetXminFrozen(tup->t_data);
	HeapTupleHeaderSetCmin(tup->t_data, cid);
	HeapTupleHeaderSetXmax(tup->t_data, 0);
	tup->t_tableOid = RelationGetRelid(rel);
	if (!*in_slot)
		helios_slot_set_stored(slot, tup);

	if (rel->rd_rel->relkind == RELKIND_RELATION ||
		rel->rd_rel->relkind == RELKIND_MATVIEW)
	{
		if (HeapTupleHasExternal(tup) || tup->t_len > TOAST_TUPLE_THRESHOLD)
		{
			HeapTuple	toasted = helios_toast_tuple(rel, tup, NULL, options);

			if (toasted != tup)
				*in_slot = false;
			return toasted;
		}
	}
	return tup;
}

/*
 * Log tuple's header and body as block data of block_id.  xlhdr is the
 * caller's: it must live until XLogInsert.
 */
void
helios_log_tuple_data(HeapTuple tup, uint8 block_id, xl_helios_header *xlhdr)
{
	xlhdr->t_infomask2 = tup->t_data->t_infomask2;
	xlhdr->t_infomask = tup->t_data->t_infomask;
	xlhdr->t_hoff = tup->t_data->t_hoff;
	XLogRegisterBufData(block_id, (char *) xlhdr, SizeOfHeliosHeader);
	XLogRegisterBufData(block_id,
						(char *) tup->t_data + SizeofHeapTupleHeader,
						tup->t_len - SizeofHeapTupleHeader);
}

void
helios_insert(Relation rel, TupleTableSlot *slot, CommandId cid,
			  int options, BulkInsertState bistate, uint32 specToken)
{
	TransactionId xid = GetCurrentTransactionId();
	HeapTuple	tup;
	bool		in_slot;
	Buffer		buffer;
	Buffer		vmbuffer = InvalidBuffer;
	bool		all_visible_cleared = false;
	Page		page;
	xl_helios_header xlhdr;

	if (specToken != 0)
		options |= HEAP_INSERT_SPECULATIVE;
	tup = prepare_insert(rel, slot, xid, cid, options, &in_slot);
	if (specToken != 0)
		HeapTupleHeaderSetSpeculativeToken(tup->t_data, specToken);

	buffer = helios_get_buffer_for_tuple(rel, tup->t_len, InvalidBuffer,
										 options, bistate, &vmbuffer, NULL);

	/*
	 * Inserting is a write that predicate readers of the relation must see:
	 * check for rw-conflicts before the tuple becomes visible to them.
	 */
	CheckForSerializableConflictIn(rel, NULL, InvalidBlockNumber);

	page = BufferGetPage(buffer);
	START_CRIT_SECTION();

	helios_put_tuple(rel, buffer, tup, specToken != 0);
	if (HeliosPageIsAllVisible(page))
	{
		all_visible_cleared = true;
		HeliosPageClearAllVisible(page);
		visibilitymap_clear(rel, BufferGetBlockNumber(buffer), vmbuffer,
							VISIBILITYMAP_VALID_BITS);
	}
	MarkBufferDirty(buffer);

	if (RelationNeedsWAL(rel))
	{
		xl_helios_insert xlrec;
		uint8		info = XLOG_HELIOS_INSERT;
		int			bufflags = REGBUF_STANDARD;

		xlrec.offnum = ItemPointerGetOffsetNumber(&tup->t_self);
		xlrec.flags = 0;
		if (all_visible_cleared)
			xlrec.flags |= XLH_ALL_VISIBLE_CLEARED;
		if (specToken != 0)
			xlrec.flags |= XLH_IS_SPECULATIVE;

		/* the only tuple on a fresh page: redo can rebuild the page */
		if (xlrec.offnum == FirstOffsetNumber &&
			PageGetMaxOffsetNumber(page) == FirstOffsetNumber)
		{
			info |= XLOG_HELIOS_INIT_PAGE;
			bufflags |= REGBUF_WILL_INIT;
		}

		XLogBeginInsert();
		XLogRegisterData((char *) &xlrec, SizeOfHeliosInsert);
		XLogRegisterBuffer(0, buffer, bufflags);
		helios_log_tuple_data(tup, 0, &xlhdr);
		XLogSetRecordFlags(XLOG_INCLUDE_ORIGIN);
		{
			XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, info);

			PageSetLSN(page, recptr);
		}
	}
	END_CRIT_SECTION();

	UnlockReleaseBuffer(buffer);
	if (vmbuffer != InvalidBuffer)
		ReleaseBuffer(vmbuffer);

	CacheInvalidateHeapTuple(rel, tup, NULL);
	pgstat_count_heap_insert(rel, 1);

	slot->tts_tableOid = RelationGetRelid(rel);
	slot->tts_tid = tup->t_self;
	if (!in_slot)
		heap_freetuple(tup);
}

void
helios_multi_insert(Relation rel, TupleTableSlot **slots, int ntuples,
					CommandId cid, int options, BulkInsertState bistate)
{
	TransactionId xid = GetCurrentTransactionId();
	HeapTuple  *tuples = palloc(ntuples * sizeof(HeapTuple));
	Size		saveFreeSpace = RelationGetTargetPageFreeSpace(rel, HEAP_DEFAULT_FILLFACTOR);
	Buffer		vmbuffer = InvalidBuffer;
	int			ndone = 0;
	bool		needwal = RelationNeedsWAL(rel);
	xl_helios_multi_insert *xlrec = NULL;
	StringInfoData body;

	/*
	 * The WAL record of each page is built inside a critical section, where
	 * palloc is not allowed: allocate room for the largest one here.  A
	 * page's tuples, less their headers, fit in BLCKSZ.
	 */
	if (needwal)
	{
		xlrec = palloc(SizeOfHeliosMultiInsert +
					   MaxHeapTuplesPerPage * sizeof(OffsetNumber));
		initStringInfo(&body);
		enlargeStringInfo(&body, BLCKSZ);
	}

	for (int i = 0; i < ntuples; i++)
	{
		bool		in_slot;

		/* the batch's tuples live as long as the caller's slots */
		tuples[i] = prepare_insert(rel, slots[i], xid, cid, options,
								   &in_slot);
	}

	/* one conflict check covers the whole batch */
	CheckForSerializableConflictIn(rel, NULL, InvalidBlockNumber);

	while (ndone < ntuples)
	{
		Buffer		buffer;
		Page		page;
		bool		all_visible_cleared = false;
		bool		all_frozen_set;
		bool		init;
		int			nthispage;
		OffsetNumber offsets[MaxHeapTuplesPerPage];

		CHECK_FOR_INTERRUPTS();
		buffer = helios_get_buffer_for_tuple(rel, tuples[ndone]->t_len,
											 InvalidBuffer, options, bistate,
											 &vmbuffer, NULL);
		page = BufferGetPage(buffer);
		init = PageGetMaxOffsetNumber(page) == 0;

		/*
		 * COPY FREEZE filling an empty page: the page will hold only frozen
		 * rows that nobody else can see before we commit (FREEZE needs a
		 * table created or truncated by this transaction), so it is
		 * all-visible and all-frozen at once, as heap makes it.  The VM
		 * page is pinned first, outside the content lock if need be.
		 */
		all_frozen_set = init && (options & HEAP_INSERT_FROZEN);
		if (all_frozen_set &&
			!visibilitymap_pin_ok(BufferGetBlockNumber(buffer), vmbuffer))
		{
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			visibilitymap_pin(rel, BufferGetBlockNumber(buffer), &vmbuffer);
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			init = PageGetMaxOffsetNumber(page) == 0;
			all_frozen_set = init;
		}

		START_CRIT_SECTION();
		helios_put_tuple(rel, buffer, tuples[ndone], false);
		offsets[0] = ItemPointerGetOffsetNumber(&tuples[ndone]->t_self);
		for (nthispage = 1; ndone + nthispage < ntuples; nthispage++)
		{
			HeapTuple	tup = tuples[ndone + nthispage];

			if (helios_page_free_space(page) < MAXALIGN(tup->t_len) + saveFreeSpace ||
				nthispage >= MaxHeapTuplesPerPage)
				break;
			helios_put_tuple(rel, buffer, tup, false);
			offsets[nthispage] = ItemPointerGetOffsetNumber(&tup->t_self);
		}

		/*
		 * Rows added to an all-visible page make it not all-visible, unless
		 * they are COPY FREEZE's frozen rows: then the page stays as the
		 * previous batch left it, as heap's does.
		 */
		if (HeliosPageIsAllVisible(page) && !(options & HEAP_INSERT_FROZEN))
		{
			all_visible_cleared = true;
			HeliosPageClearAllVisible(page);
			visibilitymap_clear(rel, BufferGetBlockNumber(buffer), vmbuffer,
								VISIBILITYMAP_VALID_BITS);
		}
		MarkBufferDirty(buffer);

		if (needwal)
		{
			uint8		info = XLOG_HELIOS_MULTI_INSERT;
			int			bufflags = REGBUF_STANDARD;

			xlrec->flags = all_visible_cleared ? XLH_ALL_VISIBLE_CLEARED : 0;
			xlrec->ntuples = nthispage;
			memcpy(xlrec->offsets, offsets, nthispage * sizeof(OffsetNumber));

			resetStringInfo(&body);
			for (int i = 0; i < nthispage; i++)
			{
				HeapTuple	tup = tuples[ndone + i];
				xl_helios_multi_tuple mt;

				while (body.len % ALIGNOF_SHORT != 0)
					appendStringInfoChar(&body, '\0');
				mt.datalen = tup->t_len - SizeofHeapTupleHeader;
				mt.t_infomask2 = tup->t_data->t_infomask2;
				mt.t_infomask = tup->t_data->t_infomask;
				mt.t_hoff = tup->t_data->t_hoff;
				appendBinaryStringInfo(&body, (char *) &mt, SizeOfHeliosMultiTuple);
				appendBinaryStringInfo(&body,
									   (char *) tup->t_data + SizeofHeapTupleHeader,
									   mt.datalen);
			}
			if (init)
			{
				info |= XLOG_HELIOS_INIT_PAGE;
				bufflags |= REGBUF_WILL_INIT;
			}
			XLogBeginInsert();

			/* on a fresh page the offsets are 1..n: redo knows them */
			XLogRegisterData((char *) xlrec,
							 SizeOfHeliosMultiInsert +
							 (init ? 0 : nthispage * sizeof(OffsetNumber)));
			XLogRegisterBuffer(0, buffer, bufflags);
			XLogRegisterBufData(0, body.data, body.len);
			XLogSetRecordFlags(XLOG_INCLUDE_ORIGIN);
			{
				XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, info);

				PageSetLSN(page, recptr);
			}
		}
		END_CRIT_SECTION();

		if (all_frozen_set)
			helios_vm_set(rel, BufferGetBlockNumber(buffer), buffer, vmbuffer,
						  InvalidTransactionId,
						  VISIBILITYMAP_ALL_VISIBLE | VISIBILITYMAP_ALL_FROZEN);

		UnlockReleaseBuffer(buffer);
		ndone += nthispage;
	}
	if (vmbuffer != InvalidBuffer)
		ReleaseBuffer(vmbuffer);

	for (int i = 0; i < ntuples; i++)
	{
		CacheInvalidateHeapTuple(rel, tuples[i], NULL);
		slots[i]->tts_tableOid = RelationGetRelid(rel);
		slots[i]->tts_tid = tuples[i]->t_self;
	}
	pgstat_count_heap_insert(rel, ntuples);
	if (needwal)
	{
		pfree(xlrec);
		pfree(body.data);
	}
}

/* The speculative insertion at tid succeeded: replace token by ctid. */
void
helios_finish_speculative(Relation rel, ItemPointer tid)
{
	Buffer		buffer = ReadBuffer(rel, ItemPointerGetBlockNumber(tid));
	Page		page;
	HeapTupleHeader htup;
	ItemId		lp;

	LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	helios_check_page(rel, buffer);
	page = BufferGetPage(buffer);
	lp = PageGetItemId(page, ItemPointerGetOffsetNumber(tid));
	if (!ItemIdIsNormal(lp))
		elog(ERROR, "invalid lp for speculative tuple (%u,%u)",
			 ItemPointerGetBlockNumber(tid), ItemPointerGetOffsetNumber(tid));
	htup = (HeapTupleHeader) PageGetItem(page, lp);
	Assert(HeapTupleHeaderIsSpeculative(htup));

	START_CRIT_SECTION();
	htup->t_ctid = *tid;
	MarkBufferDirty(buffer);
	if (RelationNeedsWAL(rel))
	{
		xl_helios_confirm xlrec;

		xlrec.offnum = ItemPointerGetOffsetNumber(tid);
		XLogBeginInsert();
		XLogSetRecordFlags(XLOG_INCLUDE_ORIGIN);
		XLogRegisterData((char *) &xlrec, SizeOfHeliosConfirm);
		XLogRegisterBuffer(0, buffer, REGBUF_STANDARD);
		{
			XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_CONFIRM);

			PageSetLSN(page, recptr);
		}
	}
	END_CRIT_SECTION();
	UnlockReleaseBuffer(buffer);
}

/*
 * The speculative insertion at tid lost a race: make the tuple dead to
 * everyone at once (xmin invalid), so concurrent inserters waiting on it do
 * not have to wait for our transaction to end.
 */
void
helios_abort_speculative(Relation rel, ItemPointer tid)
{
	TransactionId xid = GetCurrentTransactionId();
	Buffer		buffer = ReadBuffer(rel, ItemPointerGetBlockNumber(tid));
	Page		page;
	ItemId		lp PG_USED_FOR_ASSERTS_ONLY;
	HeapTupleData tp;
	TransactionId prune_xid;

	LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	helios_check_page(rel, buffer);
	page = BufferGetPage(buffer);
	lp = PageGetItemId(page, ItemPointerGetOffsetNumber(tid));
	Assert(ItemIdIsNormal(lp));
	helios_member_tuple(rel, buffer, ItemPointerGetOffsetNumber(tid), &tp);

	if (!HeapTupleHeaderIsSpeculative(tp.t_data))
		elog(ERROR, "attempted to kill a non-speculative tuple");
	if (TransactionIdIsValid(HeapTupleHeaderGetRawXmax(tp.t_data)))
		elog(ERROR, "attempted to kill a tuple that was locked or updated");
	if (!TransactionIdEquals(HeapTupleHeaderGetXmin(tp.t_data), xid))
		elog(ERROR, "attempted to kill a tuple inserted by another transaction");

	START_CRIT_SECTION();

	/* the page becomes prunable as soon as possible */
	prune_xid = TransactionIdIsValid(TransactionXmin) ? TransactionXmin :
		ReadNextTransactionId();
	HeliosPageSetPrunable(page, prune_xid);

	tp.t_data->t_infomask &= ~(HEAP_XMAX_BITS | HEAP_MOVED);
	tp.t_data->t_infomask2 &= ~HEAP_KEYS_UPDATED;
	HeapTupleHeaderClearHotUpdated(tp.t_data);
	HeapTupleHeaderSetXmin(tp.t_data, InvalidTransactionId);
	tp.t_data->t_ctid = *tid;
	MarkBufferDirty(buffer);

	if (RelationNeedsWAL(rel))
	{
		xl_helios_confirm xlrec;

		xlrec.offnum = ItemPointerGetOffsetNumber(tid);
		XLogBeginInsert();
		XLogRegisterData((char *) &xlrec, SizeOfHeliosConfirm);
		XLogRegisterBuffer(0, buffer, REGBUF_STANDARD);
		{
			XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_SPEC_ABORT);

			PageSetLSN(page, recptr);
		}
	}
	END_CRIT_SECTION();

	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
	/* its helios_btree entries were never visible and never will be */
	hbt_stamp_row(rel, tid, &tp, buffer, InvalidCommandId, true);
	if (HeapTupleHasExternal(&tp))
		helios_toast_delete(rel, &tp, true);
	ReleaseBuffer(buffer);
	pgstat_count_heap_delete(rel);
}
