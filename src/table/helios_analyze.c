/*-------------------------------------------------------------------------
 *
 * helios_analyze.c
 *	  ANALYZE's block sampling on helios tables.
 *
 * ANALYZE picks blocks; for each, helios counts every stored version as
 * live or dead with heap's rules and hands the live ones over to be
 * sampled, so that ANALYZE and CREATE INDEX compute the same reltuples for
 * helios and heap tables.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"

#include "table/helios_am.h"
#include "table/helios_chain.h"
#include "table/helios_scan.h"

/*
 * The row of version off, which belongs to the segment of a row forwarded
 * to this page (HELIOS_ROOT_ELSEWHERE): the root TID its segment's head
 * stores.  Rare, so the heads of the page are simply tried in turn.
 */
static void
forwarded_row(Relation rel, Buffer buffer, OffsetNumber off, ItemPointer rowid)
{
	Page		page = BufferGetPage(buffer);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

	for (OffsetNumber head = FirstOffsetNumber; head <= maxoff; head++)
	{
		ItemId		lp = PageGetItemId(page, head);
		HeapTupleHeader htup;
		HeliosSegment seg;

		if (!ItemIdIsNormal(lp))
			continue;
		htup = (HeapTupleHeader) PageGetItem(page, lp);
		if (!HeliosTupleIsForwarded(htup))
			continue;
		seg.hops = 0;
		helios_chain_segment(rel, buffer, HeliosTupleRootTid(htup), head,
							 InvalidTransactionId, &seg);
		for (int i = 0; i < seg.n; i++)
		{
			if (seg.members[i] == off)
			{
				*rowid = *HeliosTupleRootTid(htup);
				return;
			}
		}
	}
	/* not reached from any head after all: its own row, as above */
	ItemPointerSet(rowid, BufferGetBlockNumber(buffer), off);
}

/*
 * The row of heap-only version off of the current block.  The page's root
 * map is computed on the first call for the block: most sampled versions
 * are roots, which need none.
 */
static void
sampled_version_row(HeliosScanDesc scan, OffsetNumber off, ItemPointer rowid)
{
	OffsetNumber root;

	if (!scan->rs_rootmap_valid)
	{
		helios_get_root_tuples(BufferGetPage(scan->rs_cbuf), scan->rs_cblock,
							   scan->rs_rootmap);
		scan->rs_rootmap_valid = true;
	}
	root = scan->rs_rootmap[off - 1];
	if (root == HELIOS_ROOT_ELSEWHERE)
		forwarded_row(scan->rs_base.rs_rd, scan->rs_cbuf, off, rowid);
	else
	{
		/* a version no chain reaches any more is its own row */
		ItemPointerSet(rowid, scan->rs_cblock,
					   OffsetNumberIsValid(root) ? root : off);
	}
}

/*
 * Pin and share-lock the block for the whole time ANALYZE looks at it (the
 * pin keeps pruning away, the lock saves relocking per item).
 */
bool
helios_scan_analyze_next_block(TableScanDesc sscan, BlockNumber blockno,
							   BufferAccessStrategy bstrategy)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;

	scan->rs_cblock = blockno;
	scan->rs_coffset = FirstOffsetNumber;
	scan->rs_cbuf = ReadBufferExtended(sscan->rs_rd, MAIN_FORKNUM, blockno,
									   RBM_NORMAL, bstrategy);
	LockBuffer(scan->rs_cbuf, BUFFER_LOCK_SHARE);
	helios_check_page(sscan->rs_rd, scan->rs_cbuf);
	scan->rs_rootmap_valid = false;

	/* every block may hold rows */
	return true;
}

/*
 * Count and sample the versions of the current block with heap's rules
 * (heapam_scan_analyze_next_tuple), so that ANALYZE and CREATE INDEX
 * compute the same reltuples for helios and heap tables.  Every stored
 * version is looked at, heap-only ones included: a chain of three versions
 * of which one is live counts one live and two dead, as heap's HOT chain
 * does.
 */
bool
helios_scan_analyze_next_tuple(TableScanDesc sscan, TransactionId OldestXmin,
							   double *liverows, double *deadrows,
							   TupleTableSlot *slot)
{
	HeliosScanDesc scan = (HeliosScanDesc) sscan;
	Relation	rel = sscan->rs_rd;
	Page		page = BufferGetPage(scan->rs_cbuf);
	OffsetNumber maxoffset = PageGetMaxOffsetNumber(page);

	for (; scan->rs_coffset <= maxoffset; scan->rs_coffset++)
	{
		OffsetNumber off = scan->rs_coffset;
		ItemId		itemid = PageGetItemId(page, off);
		HeapTupleData tuple;
		bool		sample_it = false;

		/*
		 * Unused and redirect line pointers are not versions.  Dead ones are
		 * counted as dead, since VACUUM must still remove them; this agrees
		 * with how pruning counts.
		 */
		if (!ItemIdIsNormal(itemid))
		{
			if (ItemIdIsDead(itemid))
				*deadrows += 1;
			continue;
		}

		helios_member_tuple(rel, scan->rs_cbuf, off, &tuple);

		/* a stub only links a chain on: not a version of anything */
		if (HeliosTupleIsStub(tuple.t_data))
			continue;

		switch (HeapTupleSatisfiesVacuum(&tuple, OldestXmin, scan->rs_cbuf))
		{
			case HEAPTUPLE_LIVE:
				sample_it = true;
				*liverows += 1;
				break;

			case HEAPTUPLE_DEAD:
			case HEAPTUPLE_RECENTLY_DEAD:
				*deadrows += 1;
				break;

			case HEAPTUPLE_INSERT_IN_PROGRESS:

				/*
				 * Not counted: the inserter reports its own rows when it ends
				 * (see heapam_scan_analyze_next_tuple).  Our own inserts are
				 * counted and sampled, for users who load and analyze in one
				 * transaction.
				 */
				if (TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple.t_data)))
				{
					sample_it = true;
					*liverows += 1;
				}
				break;

			case HEAPTUPLE_DELETE_IN_PROGRESS:

				/*
				 * Counted and sampled as live unless we are the deleter: we
				 * act as if other transactions in progress had not happened
				 * yet, which also samples the pre-image, not the post-image,
				 * of a row a concurrent transaction is updating.
				 */
				if (TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetUpdateXid(tuple.t_data)))
					*deadrows += 1;
				else
				{
					sample_it = true;
					*liverows += 1;
				}
				break;

			default:
				elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
				break;
		}

		if (sample_it)
		{
			ItemPointerData rowid;

			if (HeapTupleHeaderIsHeapOnly(tuple.t_data))
				sampled_version_row(scan, off, &rowid);
			else
				ItemPointerSet(&rowid, scan->rs_cblock, off);	/* a root */
			helios_slot_store(slot, &tuple, scan->rs_cbuf, &rowid, false);
			scan->rs_coffset++;

			/* the buffer stays locked until the block is done */
			return true;
		}
	}

	UnlockReleaseBuffer(scan->rs_cbuf);
	scan->rs_cbuf = InvalidBuffer;

	/* and the slot must not keep a pin on the page either */
	ExecClearTuple(slot);

	return false;
}
