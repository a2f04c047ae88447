/*-------------------------------------------------------------------------
 *
 * hbt_vacuum.c
 *	  VACUUM for helios_btree: remove the entries of dead rows and the
 *	  entries no snapshot can see, freeze xmins every snapshot sees, and
 *	  forget aborted xmaxes.
 *
 * Leaves are visited in physical order under a cleanup lock.  Pages are
 * never recycled and splits only move entries to new pages at the end of
 * the relation, so an entry moved right by a concurrent split is still
 * ahead of the scan; the scan re-reads the relation's length until it
 * stops growing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/xloginsert.h"
#include "commands/vacuum.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/indexfsm.h"
#include "utils/rel.h"

#include "btree/hbt.h"
#include "btree/hbt_xlog.h"
#include "helios.h"

static void
hbt_vacuum_page(Relation rel, Buffer buf, GlobalVisState *vistest,
				IndexBulkDeleteCallback callback, void *callback_state,
				IndexBulkDeleteResult *stats)
{
	Page		page = BufferGetPage(buf);
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	OffsetNumber deleted[MaxIndexTuplesPerPage];
	OffsetNumber frozen[MaxIndexTuplesPerPage];
	OffsetNumber cleared[MaxIndexTuplesPerPage];
	int			ndeleted = 0,
				nfrozen = 0,
				ncleared = 0;
	TransactionId latestRemoved = InvalidTransactionId;	/* conflict horizon */

	for (OffsetNumber off = HbtFirstDataKey(opaque); off <= maxoff; off++)
	{
		IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));
		HbtVersion *v = HbtEntryVersion(itup);
		int			actions;

		if ((callback && callback(&itup->t_tid, callback_state)) ||
			hbt_entry_removable(v, vistest, &latestRemoved))
		{
			deleted[ndeleted++] = off;
			continue;
		}
		actions = hbt_entry_vacuum_actions(v, vistest);
		if (actions & HBT_VAC_FREEZE)
		{
			frozen[nfrozen++] = off;
			/* a standby query may not see this xmin committed yet */
			if (!TransactionIdIsValid(latestRemoved) ||
				TransactionIdFollows(v->xmin, latestRemoved))
				latestRemoved = v->xmin;
		}
		if (actions & HBT_VAC_CLEAR_XMAX)
			cleared[ncleared++] = off;
	}
	stats->tuples_removed += ndeleted;
	stats->num_index_tuples += (maxoff - HbtFirstDataKey(opaque) + 1) - ndeleted;
	if (ndeleted + nfrozen + ncleared == 0)
		return;

	START_CRIT_SECTION();
	for (int i = 0; i < nfrozen; i++)
		hbt_entry_apply_vacuum(HbtEntryVersion((IndexTuple) PageGetItem(page, PageGetItemId(page, frozen[i]))),
							   HBT_VAC_FREEZE);
	for (int i = 0; i < ncleared; i++)
		hbt_entry_apply_vacuum(HbtEntryVersion((IndexTuple) PageGetItem(page, PageGetItemId(page, cleared[i]))),
							   HBT_VAC_CLEAR_XMAX);
	if (ndeleted > 0)
		PageIndexMultiDelete(page, deleted, ndeleted);
	opaque->hbt_flags &= ~HBT_HAS_GARBAGE;
	MarkBufferDirty(buf);
	if (RelationNeedsWAL(rel))
		hbt_log_vacuum(buf, latestRemoved, frozen, nfrozen, cleared, ncleared,
					   deleted, ndeleted);
	END_CRIT_SECTION();
}

static void
hbt_vacuum_scan(IndexVacuumInfo *info, IndexBulkDeleteResult *stats,
				IndexBulkDeleteCallback callback, void *callback_state)
{
	Relation	rel = info->index;
	Relation	heap;
	GlobalVisState *vistest;
	BlockNumber blkno = HBT_METAPAGE + 1;
	BlockNumber nblocks;

	/*
	 * The horizon is the table's: GlobalVisTestFor() takes tables, not
	 * indexes.  VACUUM holds ShareUpdateExclusiveLock on the table.
	 */
	heap = table_open(rel->rd_index->indrelid, NoLock);
	vistest = GlobalVisTestFor(heap);
	table_close(heap, NoLock);

	stats->num_index_tuples = 0;
	for (;;)
	{
		nblocks = RelationGetNumberOfBlocks(rel);
		if (blkno >= nblocks)
			break;
		for (; blkno < nblocks; blkno++)
		{
			Buffer		buf;
			Page		page;

			vacuum_delay_point();
			buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL,
									 info->strategy);
			LockBufferForCleanup(buf);
			page = BufferGetPage(buf);
			if (PageIsNew(page))
			{
				/* extended by a split that failed before using it */
				UnlockReleaseBuffer(buf);
				continue;
			}
			hbt_check_page(rel, buf);
			if (HbtPageIsLeaf(HbtPageGetOpaque(page)))
				hbt_vacuum_page(rel, buf, vistest, callback, callback_state, stats);
			UnlockReleaseBuffer(buf);
		}
	}
	stats->num_pages = nblocks;
	stats->estimated_count = false;
}

IndexBulkDeleteResult *
hbt_bulkdelete(IndexVacuumInfo *info, IndexBulkDeleteResult *stats,
			   IndexBulkDeleteCallback callback, void *callback_state)
{
	if (stats == NULL)
		stats = palloc0(sizeof(IndexBulkDeleteResult));
	hbt_vacuum_scan(info, stats, callback, callback_state);
	return stats;
}

bool
hbt_index_holds_xids(Relation indrel)
{
	return indrel->rd_indam->amvacuumcleanup == hbt_vacuumcleanup;
}

IndexBulkDeleteResult *
hbt_vacuumcleanup(IndexVacuumInfo *info, IndexBulkDeleteResult *stats)
{
	if (info->analyze_only)
		return stats;

	/*
	 * Without a bulk-delete pass in this VACUUM, still remove what no
	 * snapshot sees and freeze: the table's relfrozenxid will advance.
	 */
	if (stats == NULL)
	{
		stats = palloc0(sizeof(IndexBulkDeleteResult));
		hbt_vacuum_scan(info, stats, NULL, NULL);
	}
	return stats;
}
