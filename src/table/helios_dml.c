/*-------------------------------------------------------------------------
 *
 * helios_dml.c
 *	  DELETE, UPDATE and row locks on helios tables.
 *
 * The executor names a row by its root TID.  Each operation first picks
 * the version of the row's chain it is about (target_member): the version
 * the caller's snapshot sees, or the chain's newest version when the TID
 * carries HELIOS_LOCKED_TID (the caller locked that version first, as
 * EvalPlanQual does; helios_am.h).  From there the rules are heap's: HeapTupleSatisfiesUpdate
 * decides, conflicting lockers and updaters are waited for with a
 * heavyweight tuple lock on the ROW (root TID) first, so waiters queue
 * fairly, and a version updated by a committed transaction is reported as
 * TM_Updated with tmfd->ctid naming the row that holds the new version:
 * the same root for an in-chain update, the new root otherwise.
 *
 * An UPDATE that changes no indexed column links the new version into the
 * chain: the row keeps its TID and no index entries are inserted.  The new
 * version goes on the old one's page if it fits, else to another page
 * through a forward link (src/table/README).  Otherwise the new version
 * gets a new root (a new TID) and the indexes get new entries, as a
 * non-HOT heap update.
 *
 * A forwarded row's write goes to the page past a link when the link's
 * updater committed (helios_write_segment), and comes back one segment
 * when the snapshot sees a version there (HELIOS_BACK_TO_ROOT).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/multixact.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "access/xloginsert.h"
#include "catalog/catalog.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/predicate.h"
#include "storage/procarray.h"
#include "utils/datum.h"
#include "utils/inval.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"

#include "helios.h"
#include "btree/hbt.h"
#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_xmax.h"
#include "wal/helios_xlog.h"

/*
 * Which member of seg, the row's segment on the locked buffer that
 * helios_write_segment chose, an operation is about; see the file header.
 * InvalidOffsetNumber if the row is not there.  past_link says that seg is
 * past a forward link: if the snapshot sees none of its members (and the
 * TID is not marked locked), the snapshot's version is in an earlier
 * segment, and HELIOS_BACK_TO_ROOT says to look there.
 */
static OffsetNumber
target_member(Relation rel, Buffer buffer, HeliosSegment *seg,
			  Snapshot snapshot, bool past_link, bool locked, CommandId cid)
{
	OffsetNumber *members = seg->members;
	HeapTupleData tp;
	int			n = seg->n;

	if (n == 0)
		return InvalidOffsetNumber;

	/*
	 * The caller locked the newest version by this TID (EvalPlanQual, ON
	 * CONFLICT, a BEFORE ROW trigger).  An unmarked TID means the version
	 * the snapshot sees even when the statement holds a lock on a newer one
	 * through another path (a FOR UPDATE sub-select): as with heap, the
	 * operation then reports TM_Updated and the executor rechecks the row.
	 *
	 * The version locked is the newest but for those that this transaction
	 * made since, in this command or a later one (a trigger's UPDATE of the
	 * row, an ON CONFLICT in a CTE): heap's TID still names the locked
	 * version, which then reports TM_SelfModified, not the newer version
	 * (TM_Invisible to this command).
	 */
	if (locked)
	{
		for (int i = n - 1; i > 0; i--)
		{
			helios_member_tuple(rel, buffer, members[i], &tp);
			if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetRawXmin(tp.t_data)) ||
				HeapTupleHeaderGetCmin(tp.t_data) < cid)
				return members[i];
		}
		return members[0];
	}

	if (snapshot != InvalidSnapshot && IsMVCCSnapshot(snapshot))
	{
		for (int i = 0; i < n; i++)
		{
			helios_member_tuple(rel, buffer, members[i], &tp);
			if (HeapTupleSatisfiesVisibility(&tp, snapshot, buffer))
				return members[i];
		}
		if (past_link)
			return HELIOS_BACK_TO_ROOT;
	}
	return members[n - 1];
}

/* The row a failed operation should report: where the newer version is. */
static void
fill_tmfd(TM_FailureData *tmfd, TM_Result result, HeapTuple tp,
		  ItemPointer rowid)
{
	if (HeapTupleHeaderIsHotUpdated(tp->t_data))
		tmfd->ctid = *rowid;
	else if (ItemPointerEquals(&tp->t_self, &tp->t_data->t_ctid))
		tmfd->ctid = *rowid;	/* deleted (or only locked) */
	else
		tmfd->ctid = tp->t_data->t_ctid;	/* new root, or moved partitions */
	tmfd->xmax = HeapTupleHeaderGetUpdateXid(tp->t_data);
	if (result == TM_SelfModified)
		tmfd->cmax = HeapTupleHeaderGetCmax(tp->t_data);
	else
		tmfd->cmax = InvalidCommandId;
	tmfd->traversed = false;
}

/*
 * The version tp is being modified by someone (TM_BeingModified): wait as
 * heap_update/heap_delete do, with the buffer unlocked meanwhile.  Returns
 * true if the caller must recheck from scratch (xmax changed while we
 * slept); otherwise *result is the final verdict.
 */
static bool
wait_for_modifier(Relation rel, Buffer buffer, HeapTuple tp,
				  ItemPointer rowid, LockTupleMode lockmode, bool key_intact,
				  XLTW_Oper oper, bool *have_tuple_lock,
				  bool *checked_lockers, bool *locker_remains,
				  TM_Result *result)
{
	TransactionId xwait = HeapTupleHeaderGetRawXmax(tp->t_data);
	uint16		infomask = tp->t_data->t_infomask;
	MultiXactStatus mxact_status = helios_mxact_status_for_lock(lockmode, true);
	bool		can_continue = false;

	if (infomask & HEAP_XMAX_IS_MULTI)
	{
		TransactionId update_xact;
		int			remain;
		bool		current_is_member = false;

		if (helios_multixact_conflicts((MultiXactId) xwait, infomask,
									   lockmode, &current_is_member))
		{
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			if (!current_is_member)
				helios_acquire_tuplock(rel, rowid, lockmode, LockWaitBlock,
									   have_tuple_lock);
			helios_multixact_wait((MultiXactId) xwait, mxact_status, infomask,
								  rel, rowid, oper, &remain);
			*checked_lockers = true;
			*locker_remains = remain != 0;
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			if (helios_xmax_infomask_changed(tp->t_data->t_infomask, infomask) ||
				!TransactionIdEquals(HeapTupleHeaderGetRawXmax(tp->t_data), xwait))
				return true;
		}
		if (!HEAP_XMAX_IS_LOCKED_ONLY(tp->t_data->t_infomask))
			update_xact = HeapTupleGetUpdateXid(tp->t_data);
		else
			update_xact = InvalidTransactionId;
		if (!TransactionIdIsValid(update_xact) ||
			TransactionIdDidAbort(update_xact))
			can_continue = true;
	}
	else if (TransactionIdIsCurrentTransactionId(xwait))
	{
		/* we hold a row lock ourselves: nothing to wait for */
		*checked_lockers = true;
		*locker_remains = true;
		can_continue = true;
	}
	else if (HEAP_XMAX_IS_KEYSHR_LOCKED(infomask) && key_intact)
	{
		/* a key-share lock does not conflict with a non-key update */
		*checked_lockers = true;
		*locker_remains = true;
		can_continue = true;
	}
	else
	{
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		helios_acquire_tuplock(rel, rowid, lockmode, LockWaitBlock,
							   have_tuple_lock);
		XactLockTableWait(xwait, rel, rowid, oper);
		*checked_lockers = true;
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		if (helios_xmax_infomask_changed(tp->t_data->t_infomask, infomask) ||
			!TransactionIdEquals(xwait, HeapTupleHeaderGetRawXmax(tp->t_data)))
			return true;
		helios_update_xmax_hint_bits(tp->t_data, buffer, xwait);
		if (tp->t_data->t_infomask & HEAP_XMAX_INVALID)
			can_continue = true;
	}

	if (can_continue)
		*result = TM_Ok;
	else if (!ItemPointerEquals(&tp->t_self, &tp->t_data->t_ctid))
		*result = TM_Updated;
	else
		*result = TM_Deleted;
	return false;
}

/* Pin the VM page if the page is all-visible; true if we had to unlock. */
static bool
pin_vm_if_needed(Relation rel, Buffer buffer, Buffer *vmbuffer)
{
	if (*vmbuffer == InvalidBuffer &&
		HeliosPageIsAllVisible(BufferGetPage(buffer)))
	{
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		visibilitymap_pin(rel, BufferGetBlockNumber(buffer), vmbuffer);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		return true;
	}
	return false;
}

/*
 * Read and exclusively lock the page holding the part of row tid's chain a
 * write is about (helios_write_segment: the root's page, or where a forward
 * link leads), and choose the member to act on (*member, invalid if none).
 */
static Buffer
lock_row_target(Relation rel, ItemPointer tid, bool locked, CommandId cid,
				Snapshot snapshot, Buffer *vmbuffer, OffsetNumber *member,
				int *hops)
{
	BlockNumber blkno = ItemPointerGetBlockNumber(tid);
	int			max_hops = HELIOS_MAX_HOPS;

	for (;;)
	{
		Buffer		buffer,
					rootpin;
		HeliosSegment seg;
		ItemPointerData start;
		TransactionId start_xmin;
		bool		past_link;

		/* tid came from a scan of rel: no lseek() to check it is in range */
		buffer = ReadBuffer(rel, blkno);
		if (HeliosPageIsAllVisible(BufferGetPage(buffer)) &&
			!BufferIsValid(*vmbuffer))
			visibilitymap_pin(rel, blkno, vmbuffer);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		helios_check_page(rel, buffer);
		helios_check_tid(rel, tid, BufferGetPage(buffer));

		/* a chain walk keeps its root's page pinned (src/table/README) */
		IncrBufferRefCount(buffer);
		rootpin = buffer;
		buffer = helios_write_segment(rel, buffer, tid, max_hops, &seg,
									  &start, &start_xmin);
		ReleaseBuffer(rootpin);
		past_link = !ItemPointerEquals(&start, tid);
		if (past_link && BufferIsValid(*vmbuffer))
		{
			/* that VM page was the root page's; pin_vm_if_needed redoes it */
			ReleaseBuffer(*vmbuffer);
			*vmbuffer = InvalidBuffer;
		}
		*member = target_member(rel, buffer, &seg, snapshot, past_link,
								locked, cid);
		*hops = seg.hops;
		if (*member != HELIOS_BACK_TO_ROOT)
			return buffer;
		UnlockReleaseBuffer(buffer);
		Assert(seg.hops > 0);
		max_hops = seg.hops - 1;
	}
}

static void
log_lock(Relation rel, Buffer buffer, HeapTuple tp, TransactionId xid,
		 bool cleared_all_frozen)
{
	xl_helios_lock xlrec;

	xlrec.locking_xid = xid;
	xlrec.offnum = ItemPointerGetOffsetNumber(&tp->t_self);
	xlrec.infobits_set = helios_infobits(tp->t_data->t_infomask,
										 tp->t_data->t_infomask2);
	xlrec.flags = cleared_all_frozen ? XLH_ALL_VISIBLE_CLEARED : 0;
	XLogBeginInsert();
	XLogRegisterBuffer(0, buffer, REGBUF_STANDARD);
	XLogRegisterData((char *) &xlrec, SizeOfHeliosLock);
	{
		XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_LOCK);

		PageSetLSN(BufferGetPage(buffer), recptr);
	}
}

/* ----------------------------------------------------------------
 *		DELETE
 * ----------------------------------------------------------------
 */
TM_Result
helios_delete(Relation rel, ItemPointer tid, CommandId cid,
			  Snapshot snapshot, Snapshot crosscheck, bool wait,
			  TM_FailureData *tmfd, bool changingPart)
{
	TransactionId xid = GetCurrentTransactionId();
	Buffer		vmbuffer = InvalidBuffer;
	Buffer		buffer;
	Page		page;
	OffsetNumber member;
	int			hops;
	HeapTupleData tp;
	TM_Result	result;
	bool		locked;
	bool		have_tuple_lock = false;
	bool		checked_lockers = false;
	bool		locker_remains = false;
	bool		iscombo;
	bool		all_visible_cleared = false;
	TransactionId new_xmax;
	uint16		new_infomask,
				new_infomask2;

	if (IsInParallelMode())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("cannot delete tuples during a parallel operation")));

	locked = helios_is_locked_tid(tid);
	*tid = helios_row_tid(tid);
	buffer = lock_row_target(rel, tid, locked, cid, snapshot, &vmbuffer,
							 &member, &hops);
	page = BufferGetPage(buffer);
	if (member == InvalidOffsetNumber)
	{
		UnlockReleaseBuffer(buffer);
		if (vmbuffer != InvalidBuffer)
			ReleaseBuffer(vmbuffer);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("attempted to delete invisible tuple")));
	}
	helios_member_tuple(rel, buffer, member, &tp);

l1:
	pin_vm_if_needed(rel, buffer, &vmbuffer);
	result = HeapTupleSatisfiesUpdate(&tp, cid, buffer);
	if (result == TM_Invisible)
	{
		UnlockReleaseBuffer(buffer);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("attempted to delete invisible tuple")));
	}
	else if (result == TM_BeingModified && wait)
	{
		if (wait_for_modifier(rel, buffer, &tp, tid, LockTupleExclusive, false,
							  XLTW_Delete, &have_tuple_lock, &checked_lockers,
							  &locker_remains, &result))
			goto l1;
		if (result == TM_Ok && !(tp.t_data->t_infomask & HEAP_XMAX_INVALID) &&
			!HEAP_XMAX_IS_LOCKED_ONLY(tp.t_data->t_infomask) &&
			!HeapTupleHeaderIsOnlyLocked(tp.t_data))
			result = ItemPointerEquals(&tp.t_self, &tp.t_data->t_ctid) ?
				TM_Deleted : TM_Updated;
	}

	if (crosscheck != InvalidSnapshot && result == TM_Ok &&
		!HeapTupleSatisfiesVisibility(&tp, crosscheck, buffer))
		result = TM_Updated;

	if (result != TM_Ok)
	{
		fill_tmfd(tmfd, result, &tp, tid);
		UnlockReleaseBuffer(buffer);
		if (have_tuple_lock)
			UnlockTupleTuplock(rel, tid, LockTupleExclusive);
		if (vmbuffer != InvalidBuffer)
			ReleaseBuffer(vmbuffer);
		return result;
	}

	if (pin_vm_if_needed(rel, buffer, &vmbuffer))
		goto l1;

	CheckForSerializableConflictIn(rel, tid, ItemPointerGetBlockNumber(tid));
	HeapTupleHeaderAdjustCmax(tp.t_data, &cid, &iscombo);
	MultiXactIdSetOldestMember();
	helios_compute_new_xmax_infomask(HeapTupleHeaderGetRawXmax(tp.t_data),
									 tp.t_data->t_infomask, tp.t_data->t_infomask2,
									 xid, LockTupleExclusive, true,
									 &new_xmax, &new_infomask, &new_infomask2);

	START_CRIT_SECTION();
	HeliosPageSetPrunable(page, xid);
	if (HeliosPageIsAllVisible(page))
	{
		all_visible_cleared = true;
		HeliosPageClearAllVisible(page);
		visibilitymap_clear(rel, BufferGetBlockNumber(buffer), vmbuffer,
							VISIBILITYMAP_VALID_BITS);
	}
	tp.t_data->t_infomask &= ~(HEAP_XMAX_BITS | HEAP_MOVED);
	tp.t_data->t_infomask2 &= ~HEAP_KEYS_UPDATED;
	tp.t_data->t_infomask |= new_infomask;
	tp.t_data->t_infomask2 |= new_infomask2;
	HeapTupleHeaderClearHotUpdated(tp.t_data);
	HeapTupleHeaderSetXmax(tp.t_data, new_xmax);
	HeapTupleHeaderSetCmax(tp.t_data, cid, iscombo);
	if (changingPart)
		HeapTupleHeaderSetMovedPartitions(tp.t_data);
	else
		tp.t_data->t_ctid = tp.t_self;
	MarkBufferDirty(buffer);

	if (RelationNeedsWAL(rel))
	{
		xl_helios_delete xlrec;

		xlrec.xmax = new_xmax;
		xlrec.offnum = member;
		xlrec.infobits_set = helios_infobits(tp.t_data->t_infomask,
											 tp.t_data->t_infomask2);
		xlrec.flags = 0;
		if (all_visible_cleared)
			xlrec.flags |= XLH_ALL_VISIBLE_CLEARED;
		if (changingPart)
			xlrec.flags |= XLH_PARTITION_MOVE;
		XLogBeginInsert();
		XLogRegisterData((char *) &xlrec, SizeOfHeliosDelete);
		XLogRegisterBuffer(0, buffer, REGBUF_STANDARD);
		XLogSetRecordFlags(XLOG_INCLUDE_ORIGIN);
		{
			XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_DELETE);

			PageSetLSN(page, recptr);
		}
	}
	END_CRIT_SECTION();

	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
	if (vmbuffer != InvalidBuffer)
		ReleaseBuffer(vmbuffer);

	/* the row's helios_btree entries end with this transaction */
	hbt_stamp_row(rel, tid, &tp, buffer, cid, false);

	/* out-of-line values go with the last version that references them */
	if (rel->rd_rel->relkind == RELKIND_RELATION && HeapTupleHasExternal(&tp))
		helios_toast_delete(rel, &tp, false);

	CacheInvalidateHeapTuple(rel, &tp, NULL);
	ReleaseBuffer(buffer);
	if (have_tuple_lock)
		UnlockTupleTuplock(rel, tid, LockTupleExclusive);
	pgstat_count_heap_delete(rel);
	return TM_Ok;
}

/* ----------------------------------------------------------------
 *		UPDATE
 * ----------------------------------------------------------------
 */

/* Columns of interesting whose values differ between oldtup and slot. */
static Bitmapset *
modified_columns(Relation rel, Bitmapset *interesting, HeapTuple oldtup,
				 TupleTableSlot *slot)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	HeliosLayout *layout = helios_relation_layout(rel);
	Bitmapset  *modified = NULL;
	int			attidx = -1;

	slot_getallattrs(slot);
	while ((attidx = bms_next_member(interesting, attidx)) >= 0)
	{
		AttrNumber attnum = attidx + FirstLowInvalidHeapAttributeNumber;
		Form_pg_attribute att;
		Datum		oldval;
		bool		oldnull;

		if (attnum == 0)
		{
			/* whole-row reference in an index expression: assume changed */
			modified = bms_add_member(modified, attidx);
			continue;
		}
		if (attnum < 0)
		{
			/* system columns other than tableoid never change here */
			if (attnum != TableOidAttributeNumber)
				modified = bms_add_member(modified, attidx);
			continue;
		}
		att = TupleDescAttr(tupdesc, attnum - 1);
		oldval = helios_getattr(layout, tupdesc, oldtup, attnum - 1, &oldnull);
		if (oldnull != slot->tts_isnull[attnum - 1] ||
			(!oldnull && !datumIsEqual(oldval, slot->tts_values[attnum - 1],
									   att->attbyval, att->attlen)))
			modified = bms_add_member(modified, attidx);
	}
	return modified;
}

/*
 * Mark the old version as locked by us, so that nobody changes it while we
 * drop the page lock to toast values or to find a page for the new version.
 */
static void
lock_old_version(Relation rel, Buffer buffer, Buffer vmbuffer, HeapTuple oldtup,
				 TransactionId xid, LockTupleMode lockmode, CommandId cid,
				 bool iscombo)
{
	TransactionId xmax_lock;
	uint16		infomask_lock,
				infomask2_lock;
	bool		cleared_all_frozen = false;
	Page		page = BufferGetPage(buffer);

	helios_compute_new_xmax_infomask(HeapTupleHeaderGetRawXmax(oldtup->t_data),
									 oldtup->t_data->t_infomask,
									 oldtup->t_data->t_infomask2,
									 xid, lockmode, false,
									 &xmax_lock, &infomask_lock, &infomask2_lock);
	Assert(HEAP_XMAX_IS_LOCKED_ONLY(infomask_lock));

	START_CRIT_SECTION();
	oldtup->t_data->t_infomask &= ~(HEAP_XMAX_BITS | HEAP_MOVED);
	oldtup->t_data->t_infomask2 &= ~HEAP_KEYS_UPDATED;
	HeapTupleHeaderClearHotUpdated(oldtup->t_data);
	HeapTupleHeaderSetXmax(oldtup->t_data, xmax_lock);
	oldtup->t_data->t_infomask |= infomask_lock;
	oldtup->t_data->t_infomask2 |= infomask2_lock;
	HeapTupleHeaderSetCmax(oldtup->t_data, cid, iscombo);
	oldtup->t_data->t_ctid = oldtup->t_self;
	if (HeliosPageIsAllVisible(page) &&
		visibilitymap_clear(rel, BufferGetBlockNumber(buffer), vmbuffer,
							VISIBILITYMAP_ALL_FROZEN))
		cleared_all_frozen = true;
	MarkBufferDirty(buffer);
	if (RelationNeedsWAL(rel))
		log_lock(rel, buffer, oldtup, xmax_lock, cleared_all_frozen);
	END_CRIT_SECTION();
}

static void
log_update(Relation rel, Buffer oldbuf, Buffer newbuf, HeapTuple oldtup,
		   HeapTuple newtup, bool in_chain, bool forward,
		   bool all_visible_cleared, bool new_all_visible_cleared)
{
	xl_helios_update xlrec;
	xl_helios_header xlhdr;
	uint8		info = in_chain ? XLOG_HELIOS_CHAIN_UPDATE : XLOG_HELIOS_UPDATE;
	int			bufflags = REGBUF_STANDARD;
	Page		newpage = BufferGetPage(newbuf);
	XLogRecPtr	recptr;

	xlrec.old_xmax = HeapTupleHeaderGetRawXmax(oldtup->t_data);
	xlrec.old_offnum = ItemPointerGetOffsetNumber(&oldtup->t_self);
	xlrec.old_infobits_set = helios_infobits(oldtup->t_data->t_infomask,
											 oldtup->t_data->t_infomask2);
	xlrec.flags = 0;
	if (all_visible_cleared)
		xlrec.flags |= XLH_ALL_VISIBLE_CLEARED;
	if (new_all_visible_cleared)
		xlrec.flags |= XLH_NEW_ALL_VISIBLE_CLEARED;
	if (forward)
		xlrec.flags |= XLH_UPDATE_FORWARD;
	xlrec.new_xmax = HeapTupleHeaderGetRawXmax(newtup->t_data);
	xlrec.new_offnum = ItemPointerGetOffsetNumber(&newtup->t_self);

	if (oldbuf != newbuf &&
		ItemPointerGetOffsetNumber(&newtup->t_self) == FirstOffsetNumber &&
		PageGetMaxOffsetNumber(newpage) == FirstOffsetNumber)
	{
		info |= XLOG_HELIOS_INIT_PAGE;
		bufflags |= REGBUF_WILL_INIT;
	}

	XLogBeginInsert();
	XLogRegisterData((char *) &xlrec, SizeOfHeliosUpdate);
	XLogRegisterBuffer(0, newbuf, bufflags);
	if (oldbuf != newbuf)
		XLogRegisterBuffer(1, oldbuf, REGBUF_STANDARD);
	helios_log_tuple_data(newtup, 0, &xlhdr);
	XLogSetRecordFlags(XLOG_INCLUDE_ORIGIN);
	recptr = XLogInsert(HELIOS_RMGR_ID, info);
	if (oldbuf != newbuf)
		PageSetLSN(newpage, recptr);
	PageSetLSN(BufferGetPage(oldbuf), recptr);
}

TM_Result
helios_update(Relation rel, ItemPointer otid, TupleTableSlot *slot,
			  CommandId cid, Snapshot snapshot, Snapshot crosscheck,
			  bool wait, TM_FailureData *tmfd, LockTupleMode *lockmode,
			  bool *update_indexes)
{
	TransactionId xid = GetCurrentTransactionId();
	Bitmapset  *hot_attrs;
	Bitmapset  *key_attrs;
	Bitmapset  *interesting;
	Bitmapset  *modified;
	Buffer		buffer,
				newbuf,
				vmbuffer = InvalidBuffer,
				vmbuffer_new = InvalidBuffer;
	Page		page;
	OffsetNumber member;
	int			hops;
	HeapTupleData oldtup;
	HeapTuple	newtup,
				heaptup;
	TM_Result	result;
	bool		locked;
	bool		have_tuple_lock = false;
	bool		checked_lockers = false;
	bool		locker_remains = false;
	bool		key_intact;
	bool		iscombo;
	bool		in_chain = false;
	bool		can_forward;
	bool		forward = false;
	HeapTuple	fwdtup = NULL;
	HeapTuple	toasted = NULL;
	bool		need_toast;
	bool		all_visible_cleared = false;
	bool		all_visible_cleared_new = false;
	Size		newtupsize,
				pagefree;
	TransactionId xmax_new_tuple,
				xmax_old_tuple;
	uint16		infomask_old_tuple,
				infomask2_old_tuple,
				infomask_new_tuple,
				infomask2_new_tuple;

	if (IsInParallelMode())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("cannot update tuples during a parallel operation")));

	/* relcache data first: it may do catalog access */
	hot_attrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_ALL);
	key_attrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_KEY);
	interesting = bms_union(hot_attrs, key_attrs);

	newtup = helios_slot_form_tuple(slot, helios_relation_layout(rel));
	newtup->t_tableOid = RelationGetRelid(rel);

	/*
	 * The update may carry lockers over in a MultiXactId, or create one from
	 * a locker and our xid: set this backend's oldest member first, as
	 * heap_update does (MultiXactIdCreate/Expand assert it).
	 */
	MultiXactIdSetOldestMember();

	locked = helios_is_locked_tid(otid);
	*otid = helios_row_tid(otid);
	buffer = lock_row_target(rel, otid, locked, cid, snapshot, &vmbuffer,
							 &member, &hops);
	page = BufferGetPage(buffer);
	if (member == InvalidOffsetNumber)
	{
		UnlockReleaseBuffer(buffer);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("attempted to update invisible tuple")));
	}
	helios_member_tuple(rel, buffer, member, &oldtup);

	modified = modified_columns(rel, interesting, &oldtup, slot);
	key_intact = !bms_overlap(modified, key_attrs);
	/*
	 * Every link is a page more for each read of the row until pruning of
	 * the root's page collapses them: a row whose version is already
	 * HELIOS_FORWARD_HOPS links away gets a new TID instead, as in heap.
	 */
	can_forward = !bms_overlap(modified, hot_attrs) &&
		hops < HELIOS_FORWARD_HOPS;
	*lockmode = key_intact ? LockTupleNoKeyExclusive : LockTupleExclusive;

l2:
	checked_lockers = false;
	locker_remains = false;
	result = HeapTupleSatisfiesUpdate(&oldtup, cid, buffer);
	if (result == TM_Invisible)
	{
		UnlockReleaseBuffer(buffer);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("attempted to update invisible tuple")));
	}
	else if (result == TM_BeingModified && wait)
	{
		if (wait_for_modifier(rel, buffer, &oldtup, otid, *lockmode,
							  key_intact, XLTW_Update, &have_tuple_lock,
							  &checked_lockers, &locker_remains, &result))
			goto l2;
	}

	if (crosscheck != InvalidSnapshot && result == TM_Ok &&
		!HeapTupleSatisfiesVisibility(&oldtup, crosscheck, buffer))
		result = TM_Updated;

	if (result != TM_Ok)
	{
		fill_tmfd(tmfd, result, &oldtup, otid);
		UnlockReleaseBuffer(buffer);
		if (have_tuple_lock)
			UnlockTupleTuplock(rel, otid, *lockmode);
		if (vmbuffer != InvalidBuffer)
			ReleaseBuffer(vmbuffer);
		bms_free(hot_attrs);
		bms_free(key_attrs);
		bms_free(interesting);
		bms_free(modified);
		return result;
	}

	if (pin_vm_if_needed(rel, buffer, &vmbuffer))
		goto l2;

	helios_compute_new_xmax_infomask(HeapTupleHeaderGetRawXmax(oldtup.t_data),
									 oldtup.t_data->t_infomask,
									 oldtup.t_data->t_infomask2,
									 xid, *lockmode, true,
									 &xmax_old_tuple, &infomask_old_tuple,
									 &infomask2_old_tuple);

	/* lockers that are still there carry over to the new version */
	if ((oldtup.t_data->t_infomask & HEAP_XMAX_INVALID) ||
		HEAP_LOCKED_UPGRADED(oldtup.t_data->t_infomask) ||
		(checked_lockers && !locker_remains))
		xmax_new_tuple = InvalidTransactionId;
	else
		xmax_new_tuple = HeapTupleHeaderGetRawXmax(oldtup.t_data);

	if (!TransactionIdIsValid(xmax_new_tuple))
	{
		infomask_new_tuple = HEAP_XMAX_INVALID;
		infomask2_new_tuple = 0;
	}
	else if (oldtup.t_data->t_infomask & HEAP_XMAX_IS_MULTI)
		helios_multixact_hint_bits(xmax_new_tuple, &infomask_new_tuple,
								   &infomask2_new_tuple);
	else
	{
		infomask_new_tuple = HEAP_XMAX_KEYSHR_LOCK | HEAP_XMAX_LOCK_ONLY;
		infomask2_new_tuple = 0;
	}

	newtup->t_data->t_infomask &= ~HEAP_XACT_MASK;
	newtup->t_data->t_infomask2 &= ~HEAP2_XACT_MASK;
	HeapTupleHeaderSetXmin(newtup->t_data, xid);
	HeapTupleHeaderSetCmin(newtup->t_data, cid);
	newtup->t_data->t_infomask |= HEAP_UPDATED | infomask_new_tuple;
	newtup->t_data->t_infomask2 |= infomask2_new_tuple;
	HeapTupleHeaderSetXmax(newtup->t_data, xmax_new_tuple);

	HeapTupleHeaderAdjustCmax(oldtup.t_data, &cid, &iscombo);

	need_toast = (rel->rd_rel->relkind == RELKIND_RELATION ||
				  rel->rd_rel->relkind == RELKIND_MATVIEW) &&
		(HeapTupleHasExternal(&oldtup) || HeapTupleHasExternal(newtup) ||
		 newtup->t_len > TOAST_TUPLE_THRESHOLD);

	pagefree = helios_page_free_space(page);
	newtupsize = MAXALIGN(newtup->t_len);

	if (need_toast || newtupsize > pagefree)
	{
		lock_old_version(rel, buffer, vmbuffer, &oldtup, xid, *lockmode, cid,
						 iscombo);
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

		if (need_toast)
		{
			heaptup = helios_toast_tuple(rel, newtup, &oldtup, 0);
			if (heaptup != newtup)
				toasted = heaptup;
			newtupsize = MAXALIGN(heaptup->t_len);
		}
		else
			heaptup = newtup;

		for (;;)
		{
			if (newtupsize > pagefree)
			{
				Size		len = heaptup->t_len;

				/*
				 * No indexed column changes: the new version can go
				 * elsewhere under the same TID, carrying the root TID.
				 */
				if (can_forward)
				{
					fwdtup = helios_tuple_set_forwarded(heaptup, otid);
					len = fwdtup->t_len;
				}
				newbuf = helios_get_buffer_for_tuple(rel, len, buffer, 0, NULL,
													 &vmbuffer_new, &vmbuffer);
				break;
			}
			if (vmbuffer == InvalidBuffer && HeliosPageIsAllVisible(page))
				visibilitymap_pin(rel, BufferGetBlockNumber(buffer), &vmbuffer);
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			pagefree = helios_page_free_space(page);
			if (newtupsize > pagefree ||
				(vmbuffer == InvalidBuffer && HeliosPageIsAllVisible(page)))
				LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			else
			{
				newbuf = buffer;
				break;
			}
		}
	}
	else
	{
		newbuf = buffer;
		heaptup = newtup;
	}

	CheckForSerializableConflictIn(rel, otid, ItemPointerGetBlockNumber(otid));

	if (newbuf == buffer)
		in_chain = !bms_overlap(modified, hot_attrs);
	else
	{
		HeliosPageGetOpaque(page)->hp_flags |= HP_PAGE_FULL;

		/*
		 * A row's forwarded segments are never on its root's page, where
		 * pruning could not tell them from the root's own: a new version
		 * that lands there starts a new root instead, as in heap.
		 */
		if (fwdtup != NULL &&
			BufferGetBlockNumber(newbuf) != ItemPointerGetBlockNumber(otid))
		{
			/* the row keeps its TID: a forward link to the new version */
			forward = true;
			heaptup = fwdtup;
		}
	}

	START_CRIT_SECTION();
	HeliosPageSetPrunable(page, xid);
	if (in_chain || forward)
	{
		HeapTupleHeaderSetHotUpdated(oldtup.t_data);
		HeapTupleHeaderSetHeapOnly(heaptup->t_data);
	}
	else
	{
		HeapTupleHeaderClearHotUpdated(oldtup.t_data);
		HeapTupleHeaderClearHeapOnly(heaptup->t_data);
	}
	helios_put_tuple(rel, newbuf, heaptup, false);

	oldtup.t_data->t_infomask &= ~(HEAP_XMAX_BITS | HEAP_MOVED);
	oldtup.t_data->t_infomask2 &= ~HEAP_KEYS_UPDATED;
	HeapTupleHeaderSetXmax(oldtup.t_data, xmax_old_tuple);
	oldtup.t_data->t_infomask |= infomask_old_tuple;
	oldtup.t_data->t_infomask2 |= infomask2_old_tuple;
	HeapTupleHeaderSetCmax(oldtup.t_data, cid, iscombo);
	oldtup.t_data->t_ctid = heaptup->t_self;

	if (HeliosPageIsAllVisible(page))
	{
		all_visible_cleared = true;
		HeliosPageClearAllVisible(page);
		visibilitymap_clear(rel, BufferGetBlockNumber(buffer), vmbuffer,
							VISIBILITYMAP_VALID_BITS);
	}
	if (newbuf != buffer && HeliosPageIsAllVisible(BufferGetPage(newbuf)))
	{
		all_visible_cleared_new = true;
		HeliosPageClearAllVisible(BufferGetPage(newbuf));
		visibilitymap_clear(rel, BufferGetBlockNumber(newbuf), vmbuffer_new,
							VISIBILITYMAP_VALID_BITS);
	}
	if (newbuf != buffer)
		MarkBufferDirty(newbuf);
	MarkBufferDirty(buffer);

	if (RelationNeedsWAL(rel))
		log_update(rel, buffer, newbuf, &oldtup, heaptup, in_chain, forward,
				   all_visible_cleared, all_visible_cleared_new);
	END_CRIT_SECTION();

	if (newbuf != buffer)
		LockBuffer(newbuf, BUFFER_LOCK_UNLOCK);
	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);

	CacheInvalidateHeapTuple(rel, &oldtup, heaptup);

	/* a new TID: the old one's helios_btree entries end here */
	if (!(in_chain || forward))
		hbt_stamp_row(rel, otid, &oldtup, buffer, cid, false);

	if (newbuf != buffer)
		ReleaseBuffer(newbuf);
	ReleaseBuffer(buffer);
	if (BufferIsValid(vmbuffer_new))
		ReleaseBuffer(vmbuffer_new);
	if (BufferIsValid(vmbuffer))
		ReleaseBuffer(vmbuffer);
	if (have_tuple_lock)
		UnlockTupleTuplock(rel, otid, *lockmode);

	pgstat_count_heap_update(rel, in_chain || forward);

	/* the row keeps its identity when the new version joined the chain */
	if (in_chain || forward)
		slot->tts_tid = *otid;
	else
		slot->tts_tid = heaptup->t_self;
	slot->tts_tableOid = RelationGetRelid(rel);
	helios_slot_set_stored(slot, newtup);
	*update_indexes = !(in_chain || forward);

	/* from here on otid names the version replaced, see helios_am.h */
	ItemPointerSet(otid, ItemPointerGetBlockNumber(&oldtup.t_self),
				   ItemPointerGetOffsetNumber(&oldtup.t_self) | HELIOS_VERSION_TID);

	if (fwdtup != NULL)
		heap_freetuple(fwdtup);
	if (toasted != NULL)
		heap_freetuple(toasted);
	heap_freetuple(newtup);
	bms_free(hot_attrs);
	bms_free(key_attrs);
	bms_free(interesting);
	bms_free(modified);
	return TM_Ok;
}
