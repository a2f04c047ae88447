/*-------------------------------------------------------------------------
 *
 * helios_lock.c
 *	  Row locks (SELECT ... FOR UPDATE/NO KEY UPDATE/SHARE/KEY SHARE) on
 *	  helios tables.
 *
 * A row lock is recorded in the xmax of the row's current version, with
 * multixacts when several transactions hold locks, exactly as heap does
 * (README.tuplock in PostgreSQL); the heavyweight tuple lock used to queue
 * waiters is taken on the row's root TID.  When a KEY SHARE locker finds
 * the version updated by a transaction that did not touch key columns, the
 * lock is also carried to the newer versions (follow_updates), so that a
 * later DELETE of the row still sees it: this is what keeps foreign keys
 * correct.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/multixact.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "access/xloginsert.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/snapmgr.h"

#include "helios.h"
#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_xmax.h"
#include "wal/helios_xlog.h"

static TM_Result lock_updated_versions(Relation rel, ItemPointer rowid,
									   HeapTuple from, LockTupleMode mode);

/* Set our lock in tp's xmax; buffer exclusively locked, vmbuffer pinned. */
static void
apply_row_lock(Relation rel, Buffer buffer, Buffer vmbuffer, HeapTuple tp,
			   LockTupleMode mode)
{
	TransactionId xmax = HeapTupleHeaderGetRawXmax(tp->t_data);
	TransactionId new_xmax;
	uint16		new_infomask,
				new_infomask2;
	bool		cleared_all_frozen = false;
	Page		page = BufferGetPage(buffer);

	MultiXactIdSetOldestMember();
	helios_compute_new_xmax_infomask(xmax, tp->t_data->t_infomask,
									 tp->t_data->t_infomask2,
									 GetCurrentTransactionId(), mode, false,
									 &new_xmax, &new_infomask, &new_infomask2);

	START_CRIT_SECTION();
	tp->t_data->t_infomask &= ~HEAP_XMAX_BITS;
	tp->t_data->t_infomask2 &= ~HEAP_KEYS_UPDATED;
	tp->t_data->t_infomask |= new_infomask;
	tp->t_data->t_infomask2 |= new_infomask2;
	if (HEAP_XMAX_IS_LOCKED_ONLY(new_infomask))
		HeapTupleHeaderClearHotUpdated(tp->t_data);
	HeapTupleHeaderSetXmax(tp->t_data, new_xmax);

	/* an aborted update leaves only a lock: the chain ends here again */
	if (HEAP_XMAX_IS_LOCKED_ONLY(new_infomask))
		tp->t_data->t_ctid = tp->t_self;

	if (HeliosPageIsAllVisible(page) &&
		visibilitymap_clear(rel, BufferGetBlockNumber(buffer), vmbuffer,
							VISIBILITYMAP_ALL_FROZEN))
		cleared_all_frozen = true;
	MarkBufferDirty(buffer);

	if (RelationNeedsWAL(rel))
	{
		xl_helios_lock xlrec;

		xlrec.locking_xid = new_xmax;
		xlrec.offnum = ItemPointerGetOffsetNumber(&tp->t_self);
		xlrec.infobits_set = helios_infobits(tp->t_data->t_infomask,
											 tp->t_data->t_infomask2);
		xlrec.flags = cleared_all_frozen ? XLH_ALL_VISIBLE_CLEARED : 0;
		XLogBeginInsert();
		XLogRegisterBuffer(0, buffer, REGBUF_STANDARD);
		XLogRegisterData((char *) &xlrec, SizeOfHeliosLock);
		{
			XLogRecPtr	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_LOCK);

			PageSetLSN(page, recptr);
		}
	}
	END_CRIT_SECTION();
}

/* Is our transaction already holding a lock at least as strong as mode? */
static bool
already_locked(TransactionId xwait, uint16 infomask, uint16 infomask2,
			   LockTupleMode mode, bool *skip_tuple_lock)
{
	if (infomask & HEAP_XMAX_IS_MULTI)
	{
		MultiXactMember *members;
		int			nmembers;
		bool		found = false;

		nmembers = GetMultiXactIdMembers(xwait, &members, false,
										 HEAP_XMAX_IS_LOCKED_ONLY(infomask));
		for (int i = 0; i < nmembers; i++)
		{
			if (!TransactionIdIsCurrentTransactionId(members[i].xid))
				continue;
			if (TUPLOCK_from_mxstatus(members[i].status) >= mode)
				found = true;
			else
				*skip_tuple_lock = true;
		}
		if (nmembers > 0)
			pfree(members);
		return found;
	}
	if (!TransactionIdIsCurrentTransactionId(xwait))
		return false;
	switch (mode)
	{
		case LockTupleKeyShare:
			return true;
		case LockTupleShare:
			return HEAP_XMAX_IS_SHR_LOCKED(infomask) ||
				HEAP_XMAX_IS_EXCL_LOCKED(infomask);
		case LockTupleNoKeyExclusive:
			return HEAP_XMAX_IS_EXCL_LOCKED(infomask);
		case LockTupleExclusive:
			return HEAP_XMAX_IS_EXCL_LOCKED(infomask) &&
				(infomask2 & HEAP_KEYS_UPDATED);
	}
	return false;
}

/*
 * Wait for xwait (an xid or a multixact) per wait_policy.  Returns false
 * if we must not wait (LockWaitSkip and it is busy).
 */
static bool
wait_for_locker(Relation rel, TransactionId xwait, uint16 infomask,
				LockTupleMode mode, LockWaitPolicy wait_policy,
				ItemPointer rowid)
{
	if (infomask & HEAP_XMAX_IS_MULTI)
	{
		MultiXactStatus status = helios_mxact_status_for_lock(mode, false);

		if (wait_policy == LockWaitBlock)
		{
			helios_multixact_wait((MultiXactId) xwait, status, infomask, rel,
								  rowid, XLTW_Lock, NULL);
			return true;
		}
		if (helios_conditional_multixact_wait((MultiXactId) xwait, status,
											  infomask, rel, NULL))
			return true;
	}
	else
	{
		if (wait_policy == LockWaitBlock)
		{
			XactLockTableWait(xwait, rel, rowid, XLTW_Lock);
			return true;
		}
		if (ConditionalXactLockTableWait(xwait))
			return true;
	}
	if (wait_policy == LockWaitError)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("could not obtain lock on row in relation \"%s\"",
						RelationGetRelationName(rel))));
	return false;
}

/*
 * Lock chain member tp of row rowid.  buffer is pinned and exclusively
 * locked on entry and on exit.  Mirrors heap_lock_tuple's decisions.
 */
static TM_Result
lock_member(Relation rel, Buffer buffer, HeapTuple tp, ItemPointer rowid,
			CommandId cid, LockTupleMode mode, LockWaitPolicy wait_policy,
			bool follow_updates, TM_FailureData *tmfd)
{
	Buffer		vmbuffer = InvalidBuffer;
	bool		first_time = true;
	bool		skip_tuple_lock = false;
	bool		have_tuple_lock = false;
	TM_Result	result;

	if (HeliosPageIsAllVisible(BufferGetPage(buffer)))
	{
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		visibilitymap_pin(rel, BufferGetBlockNumber(buffer), &vmbuffer);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	}

l3:
	result = HeapTupleSatisfiesUpdate(tp, cid, buffer);
	if (result == TM_Invisible)
		goto out;
	if (result == TM_BeingModified || result == TM_Updated ||
		result == TM_Deleted)
	{
		TransactionId xwait = HeapTupleHeaderGetRawXmax(tp->t_data);
		uint16		infomask = tp->t_data->t_infomask;
		uint16		infomask2 = tp->t_data->t_infomask2;
		bool		updated = !HEAP_XMAX_IS_LOCKED_ONLY(infomask);
		bool		chain_moves = updated &&
			!ItemPointerEquals(&tp->t_self, &tp->t_data->t_ctid);
		bool		require_sleep = true;

		if (first_time)
		{
			first_time = false;
			if (already_locked(xwait, infomask, infomask2, mode,
							   &skip_tuple_lock))
			{
				result = TM_Ok;
				goto out;
			}
		}

		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		if (mode == LockTupleKeyShare && !(infomask2 & HEAP_KEYS_UPDATED))
		{
			/* only a non-key update or weaker locks: no conflict */
			if (follow_updates && chain_moves)
			{
				TM_Result	res = lock_updated_versions(rel, rowid, tp, mode);

				if (res != TM_Ok)
				{
					result = res;
					LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
					goto failed;
				}
			}
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			if (!HeapTupleHeaderIsOnlyLocked(tp->t_data) &&
				((tp->t_data->t_infomask2 & HEAP_KEYS_UPDATED) || !updated))
				goto l3;
			require_sleep = false;
		}
		else if (mode == LockTupleShare)
		{
			if (HEAP_XMAX_IS_LOCKED_ONLY(infomask) &&
				!HEAP_XMAX_IS_EXCL_LOCKED(infomask))
			{
				LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
				if (!HEAP_XMAX_IS_LOCKED_ONLY(tp->t_data->t_infomask) ||
					HEAP_XMAX_IS_EXCL_LOCKED(tp->t_data->t_infomask))
					goto l3;
				require_sleep = false;
			}
			else
				LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		}
		else if (mode == LockTupleNoKeyExclusive &&
				 (infomask & HEAP_XMAX_IS_MULTI ?
				  !helios_multixact_conflicts((MultiXactId) xwait, infomask,
											  mode, NULL) :
				  HEAP_XMAX_IS_KEYSHR_LOCKED(infomask)))
		{
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			if (helios_xmax_infomask_changed(tp->t_data->t_infomask, infomask) ||
				!TransactionIdEquals(HeapTupleHeaderGetRawXmax(tp->t_data), xwait))
				goto l3;
			require_sleep = false;
		}
		else
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);

		/* a lock of our own, weaker than wanted: upgrade it in place */
		if (require_sleep && !(infomask & HEAP_XMAX_IS_MULTI) &&
			TransactionIdIsCurrentTransactionId(xwait))
		{
			if (helios_xmax_infomask_changed(tp->t_data->t_infomask, infomask) ||
				!TransactionIdEquals(HeapTupleHeaderGetRawXmax(tp->t_data), xwait))
				goto l3;
			Assert(HEAP_XMAX_IS_LOCKED_ONLY(tp->t_data->t_infomask));
			require_sleep = false;
		}

		if (require_sleep && (result == TM_Updated || result == TM_Deleted))
			goto failed;
		else if (require_sleep)
		{
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			if (!skip_tuple_lock &&
				!helios_acquire_tuplock(rel, rowid, mode, wait_policy,
										&have_tuple_lock))
			{
				result = TM_WouldBlock;
				LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
				goto failed;
			}
			if (!wait_for_locker(rel, xwait, infomask, mode, wait_policy, rowid))
			{
				result = TM_WouldBlock;
				LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
				goto failed;
			}
			if (follow_updates && chain_moves)
			{
				TM_Result	res = lock_updated_versions(rel, rowid, tp, mode);

				if (res != TM_Ok)
				{
					result = res;
					LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
					goto failed;
				}
			}
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			if (helios_xmax_infomask_changed(tp->t_data->t_infomask, infomask) ||
				!TransactionIdEquals(HeapTupleHeaderGetRawXmax(tp->t_data), xwait))
				goto l3;
			if (!(infomask & HEAP_XMAX_IS_MULTI))
				helios_update_xmax_hint_bits(tp->t_data, buffer, xwait);
		}

		if (!require_sleep ||
			(tp->t_data->t_infomask & HEAP_XMAX_INVALID) ||
			HEAP_XMAX_IS_LOCKED_ONLY(tp->t_data->t_infomask) ||
			HeapTupleHeaderIsOnlyLocked(tp->t_data))
			result = TM_Ok;
		else if (!ItemPointerEquals(&tp->t_self, &tp->t_data->t_ctid))
			result = TM_Updated;
		else
			result = TM_Deleted;
	}

failed:
	if (result != TM_Ok)
		goto out;

	if (vmbuffer == InvalidBuffer && HeliosPageIsAllVisible(BufferGetPage(buffer)))
	{
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		visibilitymap_pin(rel, BufferGetBlockNumber(buffer), &vmbuffer);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		goto l3;
	}
	apply_row_lock(rel, buffer, vmbuffer, tp, mode);
	result = TM_Ok;

out:
	if (result != TM_Ok && result != TM_Invisible && result != TM_WouldBlock)
	{
		/* report where the newer version of the row is */
		if (HeapTupleHeaderIsHotUpdated(tp->t_data))
			tmfd->ctid = *rowid;
		else if (ItemPointerEquals(&tp->t_self, &tp->t_data->t_ctid))
			tmfd->ctid = *rowid;
		else
			tmfd->ctid = tp->t_data->t_ctid;
		tmfd->xmax = HeapTupleHeaderGetUpdateXid(tp->t_data);
		tmfd->cmax = result == TM_SelfModified ?
			HeapTupleHeaderGetCmax(tp->t_data) : InvalidCommandId;
	}
	if (BufferIsValid(vmbuffer))
		ReleaseBuffer(vmbuffer);
	if (have_tuple_lock)
		UnlockTupleTuplock(rel, rowid, mode);
	return result;
}

/*
 * Find the version that follows 'from' (made by its updater): the next
 * chain member on the same page, or the first version of the new root.
 * Returns a pinned, exclusively locked buffer and fills *next, or
 * InvalidBuffer when there is none.
 */
static Buffer
next_version(Relation rel, HeapTuple from, HeapTuple next, ItemPointer nextrow,
			 ItemPointer rowid)
{
	TransactionId prior = HeapTupleHeaderGetUpdateXid(from->t_data);
	ItemPointerData ctid = from->t_data->t_ctid;
	bool		in_chain = HeapTupleHeaderIsHotUpdated(from->t_data);
	Buffer		buffer;
	Page		page;
	OffsetNumber off = ItemPointerGetOffsetNumber(&ctid);

	if (HeapTupleHeaderIndicatesMovedPartitions(from->t_data) ||
		ItemPointerEquals(&ctid, &from->t_self))
		return InvalidBuffer;
	if (ItemPointerGetBlockNumber(&ctid) >= RelationGetNumberOfBlocks(rel))
		return InvalidBuffer;

	buffer = ReadBuffer(rel, ItemPointerGetBlockNumber(&ctid));
	LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	helios_check_page(rel, buffer);
	page = BufferGetPage(buffer);
	if (off < FirstOffsetNumber || off > PageGetMaxOffsetNumber(page) ||
		!ItemIdIsNormal(PageGetItemId(page, off)))
	{
		UnlockReleaseBuffer(buffer);
		return InvalidBuffer;
	}
	helios_member_tuple(rel, buffer, off, next);
	if (in_chain &&
		ItemPointerGetBlockNumber(&ctid) != ItemPointerGetBlockNumber(&from->t_self) &&
		(!HeliosTupleIsForwarded(next->t_data) ||
		 !ItemPointerEquals(HeliosTupleRootTid(next->t_data), rowid)))
	{
		/* a forward link whose segment is gone */
		UnlockReleaseBuffer(buffer);
		return InvalidBuffer;
	}

	/*
	 * The head of a forwarded segment may have become a stub: its link, on
	 * this page or past it, leads to the version we are after.
	 */
	for (int hops = 0; HeliosTupleIsStub(next->t_data); hops++)
	{
		ItemPointerData link = next->t_data->t_ctid;
		bool		crossed = ItemPointerGetBlockNumber(&link) !=
			BufferGetBlockNumber(buffer);

		off = ItemPointerGetOffsetNumber(&link);
		if (crossed)
		{
			UnlockReleaseBuffer(buffer);
			if (hops >= HELIOS_MAX_HOPS)
				return InvalidBuffer;
			/* not inside BufferIsValid(), which may evaluate it 3 times */
			buffer = helios_read_link_page(rel, ItemPointerGetBlockNumber(&link));
			if (!BufferIsValid(buffer))
				return InvalidBuffer;
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
			helios_check_page(rel, buffer);
			page = BufferGetPage(buffer);
		}
		if (off < FirstOffsetNumber || off > PageGetMaxOffsetNumber(page) ||
			!ItemIdIsNormal(PageGetItemId(page, off)))
		{
			UnlockReleaseBuffer(buffer);
			return InvalidBuffer;
		}
		helios_member_tuple(rel, buffer, off, next);
		prior = InvalidTransactionId;

		/* on another page, only a head naming this row is the row's */
		if (crossed &&
			(!HeliosTupleIsForwarded(next->t_data) ||
			 !ItemPointerEquals(HeliosTupleRootTid(next->t_data), rowid)))
		{
			UnlockReleaseBuffer(buffer);
			return InvalidBuffer;
		}
	}
	if (TransactionIdIsValid(prior) &&
		!TransactionIdEquals(HeapTupleHeaderGetRawXmin(next->t_data), prior))
	{
		UnlockReleaseBuffer(buffer);
		return InvalidBuffer;
	}
	*nextrow = in_chain ? *rowid : ctid;
	return buffer;
}

/* The MultiXactStatus that a single-xid xmax of tp stands for. */
static MultiXactStatus
xmax_status(uint16 infomask, uint16 infomask2)
{
	if (!HEAP_XMAX_IS_LOCKED_ONLY(infomask))
		return (infomask2 & HEAP_KEYS_UPDATED) ?
			MultiXactStatusUpdate : MultiXactStatusNoKeyUpdate;
	if (HEAP_XMAX_IS_KEYSHR_LOCKED(infomask))
		return MultiXactStatusForKeyShare;
	if (HEAP_XMAX_IS_SHR_LOCKED(infomask))
		return MultiXactStatusForShare;
	if (HEAP_XMAX_IS_EXCL_LOCKED(infomask))
		return (infomask2 & HEAP_KEYS_UPDATED) ?
			MultiXactStatusForUpdate : MultiXactStatusForNoKeyUpdate;
	elog(ERROR, "invalid lock status in tuple");
	return MultiXactStatusForKeyShare;	/* keep compiler quiet */
}

/*
 * Must we wait before adding our lock to version tp?  Returns TM_Ok (no
 * conflict), TM_SelfModified (we already hold a lock there), another
 * failure, or sets *waitxid to the transaction to wait for.
 */
static TM_Result
updated_version_conflict(HeapTuple tp, LockTupleMode mode,
						 TransactionId *waitxid)
{
	uint16		infomask = tp->t_data->t_infomask;
	TransactionId rawxmax = HeapTupleHeaderGetRawXmax(tp->t_data);
	bool		needwait;
	TM_Result	result = TM_Ok;

	*waitxid = InvalidTransactionId;
	if (infomask & HEAP_XMAX_INVALID)
		return TM_Ok;
	if (infomask & HEAP_XMAX_IS_MULTI)
	{
		MultiXactMember *members;
		int			n = GetMultiXactIdMembers(rawxmax, &members, false,
											  HEAP_XMAX_IS_LOCKED_ONLY(infomask));

		for (int i = 0; i < n; i++)
		{
			result = helios_test_lockmode_for_conflict(members[i].status,
													   members[i].xid, mode,
													   tp, &needwait);
			if (needwait)
				*waitxid = members[i].xid;
			if (result != TM_Ok || needwait)
				break;
		}
		if (n > 0)
			pfree(members);
		return result;
	}
	result = helios_test_lockmode_for_conflict(xmax_status(infomask, tp->t_data->t_infomask2),
											   rawxmax, mode, tp, &needwait);
	if (needwait)
		*waitxid = rawxmax;
	return result;
}

/*
 * Carry our lock to every version newer than 'from' (heap's
 * heap_lock_updated_tuple): a key-share locker of a row being updated
 * without key changes must also lock the new version, or a later DELETE
 * of that version would not see it.  The inserter of a newer version is
 * not waited for: the lock joins its xmax as a multixact member.
 */
static TM_Result
lock_updated_versions(Relation rel, ItemPointer rowid, HeapTuple from,
					  LockTupleMode mode)
{
	HeapTupleData cur = *from;
	HeapTupleData next;
	ItemPointerData row = *rowid;
	TM_Result	result = TM_Ok;
	Buffer		rowpin = InvalidBuffer;

	MultiXactIdSetOldestMember();
	for (;;)
	{
		ItemPointerData nextrow;
		Buffer		buf;
		Buffer		vmbuffer = InvalidBuffer;
		TransactionId waitxid;

		if ((cur.t_data->t_infomask & HEAP_XMAX_INVALID) ||
			HeapTupleHeaderIsOnlyLocked(cur.t_data))
			break;

		/* a step across a forward link keeps the root's page pinned */
		if (!BufferIsValid(rowpin) ||
			BufferGetBlockNumber(rowpin) != ItemPointerGetBlockNumber(&row))
		{
			if (BufferIsValid(rowpin))
				ReleaseBuffer(rowpin);
			rowpin = ReadBuffer(rel, ItemPointerGetBlockNumber(&row));
		}
		buf = next_version(rel, &cur, &next, &nextrow, &row);
		if (!BufferIsValid(buf))
			break;
l4:
		CHECK_FOR_INTERRUPTS();
		if (TransactionIdDidAbort(HeapTupleHeaderGetXmin(next.t_data)))
		{
			UnlockReleaseBuffer(buf);
			break;
		}
		result = updated_version_conflict(&next, mode, &waitxid);
		if (TransactionIdIsValid(waitxid))
		{
			LockBuffer(buf, BUFFER_LOCK_UNLOCK);
			XactLockTableWait(waitxid, rel, &next.t_self, XLTW_LockUpdated);
			LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
			goto l4;
		}
		if (result != TM_Ok && result != TM_SelfModified)
		{
			UnlockReleaseBuffer(buf);
			break;
		}
		if (result == TM_Ok)
		{
			if (HeliosPageIsAllVisible(BufferGetPage(buf)))
			{
				LockBuffer(buf, BUFFER_LOCK_UNLOCK);
				visibilitymap_pin(rel, BufferGetBlockNumber(buf), &vmbuffer);
				LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
				goto l4;
			}
			apply_row_lock(rel, buf, vmbuffer, &next, mode);
		}
		result = TM_Ok;
		if (BufferIsValid(vmbuffer))
			ReleaseBuffer(vmbuffer);

		/* copy what the next round needs before releasing the page */
		cur.t_self = next.t_self;
		cur.t_data = palloc(SizeofHeapTupleHeader);
		memcpy(cur.t_data, next.t_data, SizeofHeapTupleHeader);
		row = nextrow;

		/* a new root: keep its page pinned for the links we read there */
		if (BufferGetBlockNumber(buf) == ItemPointerGetBlockNumber(&row) &&
			(!BufferIsValid(rowpin) || BufferGetBlockNumber(rowpin) != BufferGetBlockNumber(buf)))
		{
			if (BufferIsValid(rowpin))
				ReleaseBuffer(rowpin);
			IncrBufferRefCount(buf);
			rowpin = buf;
		}
		UnlockReleaseBuffer(buf);
	}
	if (BufferIsValid(rowpin))
		ReleaseBuffer(rowpin);
	return result;
}

/*
 * Which member of a row's chain a lock request is about.  Heap's callers
 * name an exact version; a helios TID names the row, so the choice is made
 * from who is asking:
 *
 * - Without TUPLE_LOCK_FLAG_FIND_LAST_VERSION outside a transaction
 *   snapshot, the only caller is INSERT ... ON CONFLICT under READ
 *   COMMITTED, which found the row through a dirty snapshot and means the
 *   version that snapshot sees: the newest one not known dead.
 * - A flags == 0 request under REPEATABLE READ or SERIALIZABLE is ON
 *   CONFLICT or a trigger's row fetch.  If this command itself made the
 *   newest version, that is what ON CONFLICT's dirty snapshot saw; locking
 *   it reports the row affected twice (TM_Invisible), as heap does.
 * - A TID marked HELIOS_LOCKED_TID names the newest version, which the
 *   caller locked before (helios_am.h).
 * - A newest version this transaction has row-locked is where heap's
 *   chain walk from the snapshot's version would end too (a FOR UPDATE
 *   sub-select run again by EvalPlanQual); lock_row reports the traversal.
 * - Otherwise the version the caller's snapshot sees, which the executor
 *   read; if it was updated, helios_lock follows the chain from there.
 *
 * Falls back to the newest member.  past_link says the members are past a
 * forward link: when the version meant is not among them, it is in an
 * earlier segment (HELIOS_BACK_TO_ROOT).
 */
static OffsetNumber
lock_target(Relation rel, Buffer buffer, OffsetNumber *members, int n,
			Snapshot snapshot, uint8 flags, bool past_link, bool locked)
{
	HeapTupleData tp;
	SnapshotData dirty;

	if (locked || snapshot == InvalidSnapshot || !IsMVCCSnapshot(snapshot))
		return members[n - 1];

	/* already locked by this statement (EvalPlanQual, ON CONFLICT) */
	helios_member_tuple(rel, buffer, members[n - 1], &tp);
	if ((n > 1 || past_link) && helios_locked_by_us(tp.t_data, true))
		return members[n - 1];

	if (!(flags & TUPLE_LOCK_FLAG_FIND_LAST_VERSION) &&
		!IsolationUsesXactSnapshot())
	{
		/*
		 * A version another transaction is still creating is not what the
		 * unique check saw (it waits those out): take the one before it,
		 * whose lock then waits for that transaction, as heap's would.
		 */
		InitDirtySnapshot(dirty);
		for (int i = n - 1; i >= 0; i--)
		{
			helios_member_tuple(rel, buffer, members[i], &tp);
			dirty.xmin = InvalidTransactionId;
			if (HeapTupleSatisfiesVisibility(&tp, &dirty, buffer) &&
				!TransactionIdIsValid(dirty.xmin))
				return members[i];
		}
		return past_link ? HELIOS_BACK_TO_ROOT : members[n - 1];
	}

	if (flags == 0)
	{
		helios_member_tuple(rel, buffer, members[n - 1], &tp);
		if (TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tp.t_data)) &&
			!HeapTupleSatisfiesVisibility(&tp, snapshot, buffer))
			return members[n - 1];
	}

	for (int i = 0; i < n; i++)
	{
		helios_member_tuple(rel, buffer, members[i], &tp);
		if (HeapTupleSatisfiesVisibility(&tp, snapshot, buffer))
			return members[i];
	}
	return past_link ? HELIOS_BACK_TO_ROOT : members[n - 1];
}

/*
 * After the version we meant to lock turned out to be updated by a
 * committed transaction, find the version of the row to lock instead, as
 * heapam_tuple_lock does: walk the versions forward, skipping those a dirty
 * snapshot cannot see (updated or deleted by a committed transaction or by
 * us), checking that each version's xmin is its predecessor's updater.
 *
 * Buffer, exclusively locked, holds seg, a segment of the chain of row
 * *tid; from is the index in seg->members of the version to start from
 * (that version is checked too).  Returns CHASE_LOCK with *member set when a version to lock was
 * found on this page, CHASE_NEXT_ROW when the walk continues at a new root
 * (*tid has been updated), CHASE_NEXT_SEGMENT when it goes on past a
 * forward link (at *next, with *priorXmax), CHASE_WAIT after waiting for
 * an in-progress updater (the walk must be redone from *member, the version
 * waited for), or CHASE_DONE with *result set.
 */
typedef enum
{
	CHASE_LOCK,
	CHASE_NEXT_ROW,
	CHASE_NEXT_SEGMENT,
	CHASE_WAIT,
	CHASE_DONE
} ChaseStep;

static ChaseStep
chase_version(Relation rel, Buffer buffer, HeliosSegment *seg,
			  int from, ItemPointer tid, ItemPointer next,
			  TransactionId *priorXmax,
			  CommandId cid, LockWaitPolicy wait_policy,
			  OffsetNumber *member, TM_FailureData *tmfd, TM_Result *result)
{
	SnapshotData dirty;
	HeapTupleData tp;

	InitDirtySnapshot(dirty);
	for (int i = from; i < seg->n; i++)
	{
		helios_member_tuple(rel, buffer, seg->members[i], &tp);
		if (TransactionIdIsValid(*priorXmax) &&
			!TransactionIdEquals(HeapTupleHeaderGetRawXmin(tp.t_data), *priorXmax))
		{
			*result = TM_Deleted;	/* the version we followed is gone */
			return CHASE_DONE;
		}
		if (HeapTupleSatisfiesVisibility(&tp, &dirty, buffer))
		{
			if (TransactionIdIsValid(dirty.xmax))
			{
				ItemPointerData self = tp.t_self;

				/* the walk resumes here, where *priorXmax belongs */
				*member = seg->members[i];

				/* being updated by another transaction: wait, then redo */
				LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
				switch (wait_policy)
				{
					case LockWaitBlock:
						XactLockTableWait(dirty.xmax, rel, &self,
										  XLTW_FetchUpdated);
						break;
					case LockWaitSkip:
						if (!ConditionalXactLockTableWait(dirty.xmax))
						{
							/* CHASE_DONE returns the buffer locked */
							LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
							*result = TM_WouldBlock;
							return CHASE_DONE;
						}
						break;
					case LockWaitError:
						if (!ConditionalXactLockTableWait(dirty.xmax))
							ereport(ERROR,
									(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
									 errmsg("could not obtain lock on row in relation \"%s\"",
											RelationGetRelationName(rel))));
						break;
				}
				return CHASE_WAIT;
			}
			if (TransactionIdIsCurrentTransactionId(*priorXmax) &&
				HeapTupleHeaderGetCmin(tp.t_data) >= cid)
			{
				/* made by a later command of ours: report its cmin */
				tmfd->xmax = *priorXmax;
				tmfd->cmax = HeapTupleHeaderGetCmin(tp.t_data);
				*result = TM_SelfModified;
				return CHASE_DONE;
			}
			*member = seg->members[i];
			return CHASE_LOCK;
		}

		/* updated or deleted by a committed transaction, or by us */
		if (ItemPointerEquals(&tp.t_self, &tp.t_data->t_ctid))
		{
			*result = TM_Deleted;
			return CHASE_DONE;
		}
		if (HeapTupleHeaderIndicatesMovedPartitions(tp.t_data))
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("tuple to be locked was already moved to another partition due to concurrent update")));
		*priorXmax = HeapTupleHeaderGetUpdateXid(tp.t_data);
		if (!HeapTupleHeaderIsHotUpdated(tp.t_data))
		{
			*tid = tp.t_data->t_ctid;	/* the row went on at a new root */
			return CHASE_NEXT_ROW;
		}
		if (ItemPointerGetBlockNumber(&tp.t_data->t_ctid) !=
			BufferGetBlockNumber(buffer))
		{
			*next = tp.t_data->t_ctid;	/* on past a forward link */
			return CHASE_NEXT_SEGMENT;
		}
	}
	if (from >= seg->n && ItemPointerIsValid(&seg->next))
	{
		/* nothing to walk here (only a stub): straight on past the link */
		*next = seg->next;
		*priorXmax = seg->next_xmin;
		return CHASE_NEXT_SEGMENT;
	}
	*result = TM_Deleted;		/* the chain ends in a pruned version */
	return CHASE_DONE;
}

static TM_Result lock_row(Relation rel, ItemPointer tid, bool locked,
						  Snapshot snapshot, TupleTableSlot *slot, CommandId cid,
						  LockTupleMode mode, LockWaitPolicy wait_policy,
						  uint8 flags, TM_FailureData *tmfd, Buffer *rootpin);

/*
 * Lock row tid.  The row's root page stays pinned throughout (rootpin),
 * waits included, since the chase may come back to a segment past a
 * forward link directly (src/table/README, "Forward links").  On success
 * *tid is marked HELIOS_LOCKED_TID: it names the version locked.
 */
TM_Result
helios_lock(Relation rel, ItemPointer tid, Snapshot snapshot,
			TupleTableSlot *slot, CommandId cid, LockTupleMode mode,
			LockWaitPolicy wait_policy, uint8 flags, TM_FailureData *tmfd)
{
	Buffer		rootpin = InvalidBuffer;
	bool		locked = helios_is_locked_tid(tid);
	TM_Result	result;

	*tid = helios_row_tid(tid);
	result = lock_row(rel, tid, locked, snapshot, slot, cid, mode,
					  wait_policy, flags, tmfd, &rootpin);
	if (BufferIsValid(rootpin))
		ReleaseBuffer(rootpin);
	if (result == TM_Ok)
		ItemPointerSetOffsetNumber(tid, ItemPointerGetOffsetNumber(tid) |
								   HELIOS_LOCKED_TID);
	return result;
}

static TM_Result
lock_row(Relation rel, ItemPointer tid, bool locked, Snapshot snapshot,
		 TupleTableSlot *slot, CommandId cid, LockTupleMode mode,
		 LockWaitPolicy wait_policy, uint8 flags, TM_FailureData *tmfd,
		 Buffer *rootpin)
{
	bool		follow_updates = (flags & TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS) != 0;
	bool		chasing = false;	/* following the row after TM_Updated */
	OffsetNumber chase_from = InvalidOffsetNumber;
	TransactionId priorXmax = InvalidTransactionId;
	ItemPointerData segstart = *tid;	/* where the segment to look at starts */
	TransactionId segxmin = InvalidTransactionId;
	int			max_hops = HELIOS_MAX_HOPS; /* links a write may follow */
	TM_Result	result;

	tmfd->traversed = false;

	for (;;)
	{
		Buffer		buffer;
		HeliosSegment seg;
		OffsetNumber member = InvalidOffsetNumber;
		HeapTupleData tp;

		/* the chase may have moved on to a new root */
		if (!BufferIsValid(*rootpin) ||
			BufferGetBlockNumber(*rootpin) != ItemPointerGetBlockNumber(tid))
		{
			if (BufferIsValid(*rootpin))
				ReleaseBuffer(*rootpin);
			*rootpin = ReadBuffer(rel, ItemPointerGetBlockNumber(tid));
		}

		/*
		 * Not BufferIsValid(buffer = ...): with assertions, BufferIsValid
		 * evaluates its argument three times, pinning the page three times.
		 */
		if (ItemPointerEquals(&segstart, tid))
			buffer = ReadBuffer(rel, ItemPointerGetBlockNumber(tid));
		else
			buffer = helios_read_link_page(rel,
										   ItemPointerGetBlockNumber(&segstart));
		if (!BufferIsValid(buffer))
		{
			/* VACUUM truncated a dead segment away */
			tmfd->ctid = *tid;
			tmfd->xmax = InvalidTransactionId;
			tmfd->cmax = InvalidCommandId;
			return TM_Deleted;
		}
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		helios_check_page(rel, buffer);
		if (!chasing && ItemPointerEquals(&segstart, tid))
			buffer = helios_write_segment(rel, buffer, tid, max_hops, &seg,
										  &segstart, &segxmin);
		else
		{
			seg.hops = 0;
			helios_chain_segment(rel, buffer, tid,
								 ItemPointerGetOffsetNumber(&segstart),
								 segxmin, &seg);
		}
		if (seg.n == 0 && !(chasing && ItemPointerIsValid(&seg.next)))
		{
			UnlockReleaseBuffer(buffer);
			tmfd->ctid = *tid;
			tmfd->xmax = InvalidTransactionId;
			tmfd->cmax = InvalidCommandId;
			return TM_Deleted;
		}

		if (chasing)
		{
			int			from = 0;
			ChaseStep	step;
			ItemPointerData next;

			/* in-chain: start at the member the updated version links to */
			if (chase_from != InvalidOffsetNumber)
			{
				from = seg.n;
				for (int i = 0; i < seg.n; i++)
					if (seg.members[i] == chase_from)
						from = i;

				/*
				 * A segment head that has become a stub since: the versions
				 * after it are what we are after.
				 */
				if (from == seg.n &&
					chase_from == ItemPointerGetOffsetNumber(&segstart))
				{
					from = 0;
					priorXmax = InvalidTransactionId;
				}
			}
			step = chase_version(rel, buffer, &seg, from, tid, &next,
								 &priorXmax, cid, wait_policy, &member, tmfd,
								 &result);
			if (step == CHASE_WAIT)
			{
				ReleaseBuffer(buffer);	/* already unlocked */
				chase_from = member;
				continue;
			}
			if (step == CHASE_NEXT_SEGMENT)
			{
				/* on to the next page of the row's chain */
				UnlockReleaseBuffer(buffer);
				segstart = next;
				segxmin = priorXmax;
				chase_from = ItemPointerGetOffsetNumber(&next);
				continue;
			}
			if (step != CHASE_LOCK)
			{
				UnlockReleaseBuffer(buffer);
				if (step == CHASE_NEXT_ROW)
				{
					chase_from = InvalidOffsetNumber;
					segstart = *tid;
					segxmin = InvalidTransactionId;
					continue;
				}
				return result;
			}
		}
		else
		{
			member = lock_target(rel, buffer, seg.members, seg.n, snapshot,
								 flags, !ItemPointerEquals(&segstart, tid),
								 locked);
			if (member == HELIOS_BACK_TO_ROOT)
			{
				/* the version meant is in an earlier segment after all */
				UnlockReleaseBuffer(buffer);
				Assert(seg.hops > 0);
				max_hops = seg.hops - 1;
				segstart = *tid;
				segxmin = InvalidTransactionId;
				continue;
			}
		}
		helios_member_tuple(rel, buffer, member, &tp);

		result = lock_member(rel, buffer, &tp, tid, cid, mode, wait_policy,
							 follow_updates, tmfd);

		if (result == TM_Ok)
		{
			/*
			 * lock_target went straight to the newest version, which this
			 * statement locked before (an EvalPlanQual recheck running a
			 * FOR UPDATE sub-select again).  Heap reaches that version by
			 * following the chain from the snapshot's version and reports
			 * the traversal, so that the caller rechecks its quals against
			 * it: do the same when the snapshot cannot see what we locked.
			 */
			if (!chasing && !locked &&
				(flags & TUPLE_LOCK_FLAG_FIND_LAST_VERSION) &&
				snapshot != InvalidSnapshot && IsMVCCSnapshot(snapshot) &&
				!HeapTupleSatisfiesVisibility(&tp, snapshot, buffer))
				tmfd->traversed = true;
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			helios_slot_store(slot, &tp, buffer, tid, false);
			ReleaseBuffer(buffer);
			return TM_Ok;
		}

		if (result == TM_Invisible)
		{
			/* the caller decides (ON CONFLICT reports a cardinality error) */
			tmfd->ctid = *tid;
			tmfd->xmax = InvalidTransactionId;
			tmfd->cmax = InvalidCommandId;
		}

		if (result == TM_Updated && (flags & TUPLE_LOCK_FLAG_FIND_LAST_VERSION))
		{
			if (HeapTupleHeaderIndicatesMovedPartitions(tp.t_data))
			{
				UnlockReleaseBuffer(buffer);
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("tuple to be locked was already moved to another partition due to concurrent update")));
			}
			if (ItemPointerEquals(&tp.t_self, &tp.t_data->t_ctid))
			{
				UnlockReleaseBuffer(buffer);
				return TM_Deleted;
			}
			/* signal that a later version of the row is getting locked */
			tmfd->traversed = true;
			chasing = true;
			priorXmax = HeapTupleHeaderGetUpdateXid(tp.t_data);
			if (!HeapTupleHeaderIsHotUpdated(tp.t_data))
			{
				chase_from = InvalidOffsetNumber;
				*tid = tp.t_data->t_ctid;
				segstart = *tid;
				segxmin = InvalidTransactionId;
			}
			else
			{
				chase_from = ItemPointerGetOffsetNumber(&tp.t_data->t_ctid);
				if (ItemPointerGetBlockNumber(&tp.t_data->t_ctid) !=
					BufferGetBlockNumber(buffer))
				{
					/* past a forward link */
					segstart = tp.t_data->t_ctid;
					segxmin = priorXmax;
				}
			}
			UnlockReleaseBuffer(buffer);
			continue;
		}

		/* as heap, the slot holds the version the verdict is about */
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		helios_slot_store(slot, &tp, buffer, tid, false);
		ReleaseBuffer(buffer);
		return result;
	}
}
