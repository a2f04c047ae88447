/*-------------------------------------------------------------------------
 *
 * hbt_visibility.c
 *	  Visibility of helios_btree entries, decided from the entry alone:
 *	  its xmin and xmax, the snapshot, the commit log and hint bits.
 *
 * The rules are heap's HeapTupleSatisfiesMVCC restricted to what an entry
 * records: xmin made the key point at the row (INSERT or an indexed-column
 * UPDATE), xmax ended that (DELETE or an indexed-column UPDATE); row locks
 * never reach entries.  Command ids follow heap's combo-cid scheme, with a
 * header on the stack standing in for the entry, so that a transaction
 * that both inserted and deleted an entry keeps both command ids.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "storage/bufmgr.h"
#include "storage/procarray.h"
#include "utils/combocid.h"
#include "utils/snapmgr.h"

#include "btree/hbt.h"

/* A heap tuple header carrying v's xids and cid, for combocid.c. */
static void
hbt_fake_header(HbtVersion *v, HeapTupleHeaderData *hdr)
{
	memset(hdr, 0, sizeof(HeapTupleHeaderData));
	HeapTupleHeaderSetXmin(hdr, v->xmin);
	HeapTupleHeaderSetXmax(hdr, v->xmax);
	hdr->t_choice.t_heap.t_field3.t_cid = v->cid;
	if (v->flags & HBT_COMBOCID)
		hdr->t_infomask |= HEAP_COMBOCID;
	if (!TransactionIdIsValid(v->xmax))
		hdr->t_infomask |= HEAP_XMAX_INVALID;
}

static CommandId
hbt_cmin(HbtVersion *v)
{
	HeapTupleHeaderData hdr;

	hbt_fake_header(v, &hdr);
	return HeapTupleHeaderGetCmin(&hdr);
}

static CommandId
hbt_cmax(HbtVersion *v)
{
	HeapTupleHeaderData hdr;

	hbt_fake_header(v, &hdr);
	return HeapTupleHeaderGetCmax(&hdr);
}

/* The version of an entry the current command inserts. */
void
hbt_version_for_insert(HbtVersion *v)
{
	v->xmin = GetCurrentTransactionId();
	v->xmax = InvalidTransactionId;
	v->cid = GetCurrentCommandId(true);
	v->flags = HBT_XMAX_INVALID;
	v->pad = 0;
}

/* Stamp xmax (xid, command cid), keeping cmin through a combo id. */
void
hbt_version_set_xmax(HbtVersion *v, TransactionId xid, CommandId cid)
{
	HeapTupleHeaderData hdr;
	bool		iscombo = false;

	hbt_fake_header(v, &hdr);
	if (!(v->flags & HBT_XMIN_COMMITTED) &&
		TransactionIdIsCurrentTransactionId(v->xmin))
	{
		hdr.t_infomask &= ~HEAP_COMBOCID;
		if (v->flags & HBT_COMBOCID)
		{
			/* an earlier xmax of ours was rolled back: the cmin is real */
			hdr.t_choice.t_heap.t_field3.t_cid = hbt_cmin(v);
		}
		HeapTupleHeaderAdjustCmax(&hdr, &cid, &iscombo);
	}
	v->xmax = xid;
	v->cid = cid;
	v->flags &= ~(HBT_XMAX_COMMITTED | HBT_XMAX_INVALID | HBT_COMBOCID);
	if (iscombo)
		v->flags |= HBT_COMBOCID;
}

/*
 * Set a hint bit, as heap's SetHintBits: not for a commit whose record may
 * not be flushed yet (asynchronous commit), since a crash could lose the
 * commit but keep the page.
 */
static void
hbt_set_hint(HbtVersion *v, Buffer buf, uint16 bits, TransactionId xid)
{
	if (!BufferIsValid(buf))
		return;
	if (TransactionIdIsValid(xid) && BufferIsPermanent(buf))
	{
		XLogRecPtr	commitLSN = TransactionIdGetCommitLSN(xid);

		if (BufferIsPermanent(buf) && XLogNeedsFlush(commitLSN) &&
			BufferGetLSNAtomic(buf) < commitLSN)
			return;
	}
	v->flags |= bits;
	MarkBufferDirtyHint(buf, true);
}

/*
 * Is the entry visible to an MVCC snapshot?  buf, if valid, is the share-
 * or exclusively-locked buffer holding it, for hint bits.
 */
bool
hbt_entry_visible(HbtVersion *v, Snapshot snapshot, Buffer buf)
{
	if (v->flags & HBT_KILLED)
		return false;

	if ((v->flags & HBT_XMIN_FROZEN) == HBT_XMIN_FROZEN)
	{
		/* visible to every snapshot as far as xmin goes */
	}
	else if (v->flags & HBT_XMIN_INVALID)
		return false;
	else if (!(v->flags & HBT_XMIN_COMMITTED))
	{
		if (TransactionIdIsCurrentTransactionId(v->xmin))
		{
			if (hbt_cmin(v) >= snapshot->curcid)
				return false;	/* inserted after the scan started */
			if ((v->flags & HBT_XMAX_INVALID) || !TransactionIdIsValid(v->xmax))
				return true;
			if (!TransactionIdIsCurrentTransactionId(v->xmax))
				return true;	/* a subtransaction of ours that aborted */
			return hbt_cmax(v) >= snapshot->curcid;
		}
		if (XidInMVCCSnapshot(v->xmin, snapshot))
			return false;
		if (TransactionIdDidCommit(v->xmin))
			hbt_set_hint(v, buf, HBT_XMIN_COMMITTED, v->xmin);
		else
		{
			hbt_set_hint(v, buf, HBT_XMIN_INVALID, InvalidTransactionId);
			return false;
		}
	}
	else if (XidInMVCCSnapshot(v->xmin, snapshot))
		return false;

	/* xmin is visible: now the end of the entry's life */
	if ((v->flags & HBT_XMAX_INVALID) || !TransactionIdIsValid(v->xmax))
		return true;
	if (TransactionIdIsCurrentTransactionId(v->xmax))
		return hbt_cmax(v) >= snapshot->curcid;
	if (XidInMVCCSnapshot(v->xmax, snapshot))
		return true;
	if (!(v->flags & HBT_XMAX_COMMITTED))
	{
		if (!TransactionIdDidCommit(v->xmax))
		{
			/* not running for the snapshot and not committed: aborted */
			hbt_set_hint(v, buf, HBT_XMAX_INVALID, InvalidTransactionId);
			return true;
		}
		hbt_set_hint(v, buf, HBT_XMAX_COMMITTED, v->xmax);
	}
	return false;
}

/* The fate of xid: in progress (ours too), committed or aborted. */
HbtXidStatus
hbt_xid_status(TransactionId xid)
{
	if (TransactionIdIsCurrentTransactionId(xid))
		return HBT_XID_OURS;
	if (TransactionIdIsInProgress(xid))
		return HBT_XID_IN_PROGRESS;
	if (TransactionIdDidCommit(xid))
		return HBT_XID_COMMITTED;
	return HBT_XID_ABORTED;
}

/* Has the entry's xmin committed (or been frozen)?  Ours counts as no. */
static bool
hbt_xmin_committed(HbtVersion *v)
{
	if (v->flags & HBT_XMIN_COMMITTED)
		return true;
	if (v->flags & HBT_XMIN_INVALID)
		return false;
	return hbt_xid_status(v->xmin) == HBT_XID_COMMITTED;
}

/*
 * Can the entry go, for every snapshot now and later?  Yes if it was
 * killed, if its inserter aborted, or if its xmax committed and is older
 * than every snapshot (vistest).  *latestRemoved advances to the xmax of
 * such an entry, for hot-standby conflicts.
 */
bool
hbt_entry_removable(HbtVersion *v, GlobalVisState *vistest,
					TransactionId *latestRemoved)
{
	if (v->flags & HBT_KILLED)
		return true;
	if ((v->flags & HBT_XMIN_FROZEN) != HBT_XMIN_FROZEN)
	{
		if (v->flags & HBT_XMIN_INVALID)
			return true;
		if (!(v->flags & HBT_XMIN_COMMITTED))
		{
			HbtXidStatus st = hbt_xid_status(v->xmin);

			if (st == HBT_XID_ABORTED)
				return true;
			if (st != HBT_XID_COMMITTED)
				return false;
		}
	}
	if ((v->flags & HBT_XMAX_INVALID) || !TransactionIdIsValid(v->xmax))
		return false;
	if (!(v->flags & HBT_XMAX_COMMITTED) &&
		hbt_xid_status(v->xmax) != HBT_XID_COMMITTED)
		return false;
	if (!GlobalVisTestIsRemovableXid(vistest, v->xmax))
		return false;
	if (latestRemoved && TransactionIdFollows(v->xmax, *latestRemoved))
		*latestRemoved = v->xmax;
	return true;
}

/*
 * What VACUUM may change in a surviving entry: freeze an xmin that every
 * snapshot sees (so that the commit log may be truncated), forget an
 * aborted xmax.  Returns the HBT_VAC_* actions to apply.
 */
int
hbt_entry_vacuum_actions(HbtVersion *v, GlobalVisState *vistest)
{
	int			actions = 0;

	if ((v->flags & HBT_XMIN_FROZEN) != HBT_XMIN_FROZEN &&
		hbt_xmin_committed(v) &&
		GlobalVisTestIsRemovableXid(vistest, v->xmin))
		actions |= HBT_VAC_FREEZE;
	if (TransactionIdIsValid(v->xmax) && !(v->flags & HBT_XMAX_COMMITTED) &&
		hbt_xid_status(v->xmax) == HBT_XID_ABORTED)
		actions |= HBT_VAC_CLEAR_XMAX;
	return actions;
}

/* Apply hbt_entry_vacuum_actions' result; also run by redo. */
void
hbt_entry_apply_vacuum(HbtVersion *v, int actions)
{
	if (actions & HBT_VAC_FREEZE)
		v->flags |= HBT_XMIN_FROZEN;
	if (actions & HBT_VAC_CLEAR_XMAX)
	{
		v->xmax = InvalidTransactionId;
		v->flags &= ~(HBT_XMAX_COMMITTED | HBT_COMBOCID);
		v->flags |= HBT_XMAX_INVALID;
	}
}

/*
 * For SERIALIZABLE: the concurrent writer a reader of this entry depends
 * on, as heap's HeapCheckForSerializableConflictOut: the inserter of an
 * entry the snapshot does not see yet, or the deleter of one it still
 * sees.  InvalidTransactionId if none.
 */
TransactionId
hbt_entry_conflict_xid(HbtVersion *v, bool visible)
{
	if (v->flags & HBT_KILLED)
		return InvalidTransactionId;
	if (!visible)
	{
		if ((v->flags & HBT_XMIN_FROZEN) == HBT_XMIN_FROZEN ||
			(v->flags & HBT_XMIN_INVALID))
			return InvalidTransactionId;
		switch (hbt_xid_status(v->xmin))
		{
			case HBT_XID_IN_PROGRESS:
			case HBT_XID_COMMITTED:
				/* invisible though committed: committed after the snapshot */
				return v->xmin;
			default:
				return InvalidTransactionId;
		}
	}
	if ((v->flags & HBT_XMAX_INVALID) || !TransactionIdIsValid(v->xmax))
		return InvalidTransactionId;
	switch (hbt_xid_status(v->xmax))
	{
		case HBT_XID_IN_PROGRESS:
		case HBT_XID_COMMITTED:
			return v->xmax;
		default:
			return InvalidTransactionId;
	}
}

/*
 * Is v its row's current entry: not killed, and no xmax or an aborted one?
 * The entry that DELETE or UPDATE ends, and the one a live row must have.
 */
bool
hbt_entry_is_current(HbtVersion *v)
{
	if (v->flags & HBT_KILLED)
		return false;
	return !(TransactionIdIsValid(v->xmax) && !(v->flags & HBT_XMAX_INVALID) &&
			 ((v->flags & HBT_XMAX_COMMITTED) ||
			  hbt_xid_status(v->xmax) != HBT_XID_ABORTED));
}
