/*-------------------------------------------------------------------------
 *
 * helios_xlog.c
 *	  Redo and consistency masking of the helios WAL resource manager.
 *
 * The DML, pruning and VACUUM code in src/table writes the records of
 * helios_xlog.h; this file replays them during crash recovery, on physical
 * standbys and in point-in-time recovery.  Each redo routine follows its
 * heap counterpart in heapam.c (heap_xlog_insert for INSERT, and so on)
 * line for line, with two differences: the all-visible flag and the prune
 * hint live in the helios special space (HP_ALL_VISIBLE, hp_prune_xid)
 * instead of the page header, and tuple bytes after the fixed header are
 * copied without being interpreted.  See src/wal/README for the records and
 * the invariants redo keeps.
 *
 * helios_mask() tells wal_consistency_checking which page bytes may differ
 * between the primary and a replayed page.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/bufmask.h"
#include "access/heapam_xlog.h"
#include "access/htup_details.h"
#include "access/visibilitymap.h"
#include "access/xlog.h"
#include "access/xlog_internal.h"
#include "access/xlogutils.h"
#include "storage/bufmgr.h"
#include "storage/freespace.h"
#include "storage/standby.h"

#include "btree/hbt.h"
#include "btree/hbt_xlog.h"
#include "helios.h"
#include "table/helios_page.h"
#include "table/helios_vm.h"
#include "wal/helios_xlog.h"

/*
 * RegisterCustomRmgr copies this; rm_startup/rm_cleanup are not needed
 * (no state spans records) and there is no logical decoding support.
 */
static RmgrData helios_rmgr = {
	.rm_name = HELIOS_RMGR_NAME,
	.rm_redo = helios_redo,
	.rm_desc = helios_desc,
	.rm_identify = helios_identify,
	.rm_startup = NULL,
	.rm_cleanup = NULL,
	.rm_mask = helios_mask,
	.rm_decode = NULL
};

/*
 * Register the resource manager.  Must run from _PG_init while
 * shared_preload_libraries is processed, so that the startup process knows
 * helios records before it replays any.
 */
void
helios_xlog_register(void)
{
	RegisterCustomRmgr(HELIOS_RMGR_ID, &helios_rmgr);
}

/*
 * The xmax-related infomask bits a record must carry for redo to rebuild
 * them; heap's compute_infobits().  HEAP_XMAX_SHR_LOCK needs no bit of its
 * own: it is EXCL_LOCK | KEYSHR_LOCK.
 */
uint8
helios_infobits(uint16 infomask, uint16 infomask2)
{
	return
		((infomask & HEAP_XMAX_IS_MULTI) != 0 ? XLHI_XMAX_IS_MULTI : 0) |
		((infomask & HEAP_XMAX_LOCK_ONLY) != 0 ? XLHI_XMAX_LOCK_ONLY : 0) |
		((infomask & HEAP_XMAX_EXCL_LOCK) != 0 ? XLHI_XMAX_EXCL_LOCK : 0) |
		((infomask & HEAP_XMAX_KEYSHR_LOCK) != 0 ? XLHI_XMAX_KEYSHR_LOCK : 0) |
		((infomask2 & HEAP_KEYS_UPDATED) != 0 ? XLHI_KEYS_UPDATED : 0);
}

/*
 * The reverse of helios_infobits(); heap's fix_infomask_from_infobits().
 * The bits it does not carry (hint bits, HEAP_XMAX_INVALID) are cleared by
 * the caller: redo must not invent hints the primary may not have.
 */
void
helios_fix_infomask_from_infobits(uint8 infobits, uint16 *infomask,
								  uint16 *infomask2)
{
	*infomask &= ~(HEAP_XMAX_IS_MULTI | HEAP_XMAX_LOCK_ONLY |
				   HEAP_XMAX_KEYSHR_LOCK | HEAP_XMAX_EXCL_LOCK);
	*infomask2 &= ~HEAP_KEYS_UPDATED;

	if (infobits & XLHI_XMAX_IS_MULTI)
		*infomask |= HEAP_XMAX_IS_MULTI;
	if (infobits & XLHI_XMAX_LOCK_ONLY)
		*infomask |= HEAP_XMAX_LOCK_ONLY;
	if (infobits & XLHI_XMAX_EXCL_LOCK)
		*infomask |= HEAP_XMAX_EXCL_LOCK;
	if (infobits & XLHI_XMAX_KEYSHR_LOCK)
		*infomask |= HEAP_XMAX_KEYSHR_LOCK;

	if (infobits & XLHI_KEYS_UPDATED)
		*infomask2 |= HEAP_KEYS_UPDATED;
}

/* ----------------------------------------------------------------
 *		redo helpers
 * ----------------------------------------------------------------
 */

/*
 * Clear VM bits of a table block.  Done before, and independently of, the
 * table page's own redo: the page may already be past this record (its LSN
 * newer) while the VM page is not, and a VM bit must never stay set for a
 * page that has lost HP_ALL_VISIBLE.
 */
static void
redo_clear_vm(RelFileNode rnode, BlockNumber blkno, uint8 bits)
{
	Relation	reln = CreateFakeRelcacheEntry(rnode);
	Buffer		vmbuffer = InvalidBuffer;

	visibilitymap_pin(reln, blkno, &vmbuffer);
	visibilitymap_clear(reln, blkno, vmbuffer, bits);
	ReleaseBuffer(vmbuffer);
	FreeFakeRelcacheEntry(reln);
}

/* The block to replay into: a fresh page for INIT records, else read it. */
static XLogRedoAction
redo_read_or_init(XLogReaderState *record, uint8 block_id, bool init,
				  Buffer *buffer)
{
	if (init)
	{
		*buffer = XLogInitBufferForRedo(record, block_id);
		helios_page_init(BufferGetPage(*buffer));
		return BLK_NEEDS_REDO;
	}
	return XLogReadBufferForRedo(record, block_id, buffer);
}

/* The stored tuple a record modifies; PANIC if the page does not have it. */
static HeapTupleHeader
redo_get_tuple(Page page, BlockNumber blkno, OffsetNumber offnum)
{
	ItemId		lp;

	if (offnum < FirstOffsetNumber || offnum > PageGetMaxOffsetNumber(page))
		elog(PANIC, "helios_redo: invalid offset %u on block %u", offnum, blkno);
	lp = PageGetItemId(page, offnum);
	if (!ItemIdIsNormal(lp))
		elog(PANIC, "helios_redo: invalid lp %u on block %u", offnum, blkno);
	return (HeapTupleHeader) PageGetItem(page, lp);
}

/*
 * Rebuild a tuple from its logged header fields and bytes and store it at
 * offnum, as heap_xlog_insert does.  The record does not carry xmin (it is
 * the record's xid), cmin (lost: FirstCommandId, masked) or ctid (the tuple
 * itself), so these are filled in; xmax is given by the caller.
 */
static void
redo_put_tuple(XLogReaderState *record, Page page, BlockNumber blkno,
			   OffsetNumber offnum, uint16 infomask2, uint16 infomask,
			   uint8 hoff, TransactionId xmax, const char *data, Size datalen)
{
	union
	{
		HeapTupleHeaderData hdr;
		char		data[MaxHeapTupleSize];
	}			tbuf;
	HeapTupleHeader htup = &tbuf.hdr;
	Size		newlen = SizeofHeapTupleHeader + datalen;

	/* heap only Asserts these; an overflow here would smash the stack */
	if (newlen > HeliosMaxTupleSize)
		elog(PANIC, "helios_redo: tuple of %zu bytes for (%u,%u) is too long",
			 newlen, blkno, offnum);
	if (PageGetMaxOffsetNumber(page) + 1 < offnum)
		elog(PANIC, "helios_redo: invalid max offset number for (%u,%u)",
			 blkno, offnum);

	MemSet(htup, 0, SizeofHeapTupleHeader);
	memcpy((char *) htup + SizeofHeapTupleHeader, data, datalen);
	htup->t_infomask2 = infomask2;
	htup->t_infomask = infomask;
	htup->t_hoff = hoff;
	HeapTupleHeaderSetXmin(htup, XLogRecGetXid(record));
	HeapTupleHeaderSetCmin(htup, FirstCommandId);
	HeapTupleHeaderSetXmax(htup, xmax);
	ItemPointerSet(&htup->t_ctid, blkno, offnum);

	if (PageAddItem(page, (Item) htup, newlen, offnum, true, true) != offnum)
		elog(PANIC, "helios_redo: failed to add tuple at (%u,%u)", blkno, offnum);
}

/* xl_helios_header + tuple bytes, the block data of INSERT and UPDATE */
static void
redo_put_logged_tuple(XLogReaderState *record, uint8 block_id, Page page,
					  BlockNumber blkno, OffsetNumber offnum,
					  TransactionId xmax)
{
	Size		datalen;
	char	   *data = XLogRecGetBlockData(record, block_id, &datalen);
	xl_helios_header xlhdr;

	if (data == NULL || datalen < SizeOfHeliosHeader)
		elog(PANIC, "helios_redo: tuple data missing for (%u,%u)",
			 blkno, offnum);

	/* the block data is not aligned for xl_helios_header: copy it out */
	memcpy(&xlhdr, data, SizeOfHeliosHeader);
	redo_put_tuple(record, page, blkno, offnum,
				   xlhdr.t_infomask2, xlhdr.t_infomask, xlhdr.t_hoff, xmax,
				   data + SizeOfHeliosHeader, datalen - SizeOfHeliosHeader);
}

/*
 * Record a new xmax on a stored tuple: clear every xmax bit (hints too),
 * then set those the record names.  Callers then set xmax itself.
 */
static void
redo_reset_xmax_bits(HeapTupleHeader htup, uint8 infobits)
{
	htup->t_infomask &= ~(HEAP_XMAX_BITS | HEAP_MOVED);
	htup->t_infomask2 &= ~HEAP_KEYS_UPDATED;
	helios_fix_infomask_from_infobits(infobits, &htup->t_infomask,
									  &htup->t_infomask2);
}

/* ----------------------------------------------------------------
 *		redo routines
 * ----------------------------------------------------------------
 */

/*
 * End the redo of a record that added tuples to one page: clear the page's
 * all-visible flag if the record did, set the LSN, release the buffer.
 * Then, as heap, tell the FSM when the page is getting full (under 20%
 * free), so that a standby promoted later does not keep offering it; a
 * restored full-page image is not worth the lookup, the FSM being a hint.
 */
static void
redo_finish_added(XLogReaderState *record, XLogRedoAction action,
				  Buffer buffer, bool clear_all_visible, RelFileNode rnode,
				  BlockNumber blkno)
{
	Size		freespace = 0;

	if (action == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);

		freespace = helios_page_free_space(page);
		if (clear_all_visible)
			HeliosPageClearAllVisible(page);
		PageSetLSN(page, record->EndRecPtr);
		MarkBufferDirty(buffer);
	}
	if (BufferIsValid(buffer))
		UnlockReleaseBuffer(buffer);
	if (action == BLK_NEEDS_REDO && freespace < BLCKSZ / 5)
		XLogRecordPageWithFreeSpace(rnode, blkno, freespace);
}

/* XLOG_HELIOS_INSERT (+INIT): heap_xlog_insert */
static void
helios_redo_insert(XLogReaderState *record)
{
	xl_helios_insert *xlrec = (xl_helios_insert *) XLogRecGetData(record);
	RelFileNode rnode;
	BlockNumber blkno;
	Buffer		buffer;
	XLogRedoAction action;

	XLogRecGetBlockTag(record, 0, &rnode, NULL, &blkno);

	if (xlrec->flags & XLH_ALL_VISIBLE_CLEARED)
		redo_clear_vm(rnode, blkno, VISIBILITYMAP_VALID_BITS);

	action = redo_read_or_init(record, 0,
							   helios_xlog_init_page(XLogRecGetInfo(record)),
							   &buffer);
	if (action == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);

		redo_put_logged_tuple(record, 0, page, blkno, xlrec->offnum,
							  InvalidTransactionId);
	}
	redo_finish_added(record, action, buffer,
					  (xlrec->flags & XLH_ALL_VISIBLE_CLEARED) != 0,
					  rnode, blkno);
}

/* XLOG_HELIOS_MULTI_INSERT (+INIT): heap_xlog_multi_insert */
static void
helios_redo_multi_insert(XLogReaderState *record)
{
	xl_helios_multi_insert *xlrec;
	RelFileNode rnode;
	BlockNumber blkno;
	Buffer		buffer;
	XLogRedoAction action;
	bool		init;

	xlrec = (xl_helios_multi_insert *) XLogRecGetData(record);
	init = helios_xlog_init_page(XLogRecGetInfo(record));
	if (XLogRecGetDataLen(record) <
		SizeOfHeliosMultiInsert + (init ? 0 : xlrec->ntuples * sizeof(OffsetNumber)))
		elog(PANIC, "helios_redo: multi-insert record too short for %u offsets",
			 xlrec->ntuples);

	XLogRecGetBlockTag(record, 0, &rnode, NULL, &blkno);

	if (xlrec->flags & XLH_ALL_VISIBLE_CLEARED)
		redo_clear_vm(rnode, blkno, VISIBILITYMAP_VALID_BITS);

	action = redo_read_or_init(record, 0, init, &buffer);
	if (action == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);
		Size		len;
		char	   *start = XLogRecGetBlockData(record, 0, &len);
		char	   *end = start + len;
		char	   *p = start;

		if (start == NULL)
			elog(PANIC, "helios_redo: multi-insert tuple data missing");

		for (int i = 0; i < xlrec->ntuples; i++)
		{
			xl_helios_multi_tuple xlhdr;

			/* entries are SHORTALIGNed from the start of the block data */
			p = start + SHORTALIGN(p - start);
			if (p + SizeOfHeliosMultiTuple > end)
				elog(PANIC, "helios_redo: multi-insert tuple data truncated");
			memcpy(&xlhdr, p, SizeOfHeliosMultiTuple);
			p += SizeOfHeliosMultiTuple;
			if (p + xlhdr.datalen > end)
				elog(PANIC, "helios_redo: multi-insert tuple data truncated");

			redo_put_tuple(record, page, blkno,
						   init ? FirstOffsetNumber + i : xlrec->offsets[i],
						   xlhdr.t_infomask2, xlhdr.t_infomask, xlhdr.t_hoff,
						   InvalidTransactionId, p, xlhdr.datalen);
			p += xlhdr.datalen;
		}
		if (p != end)
			elog(PANIC, "helios_redo: multi-insert total tuple length mismatch");
	}
	redo_finish_added(record, action, buffer,
					  (xlrec->flags & XLH_ALL_VISIBLE_CLEARED) != 0,
					  rnode, blkno);
}

/* XLOG_HELIOS_DELETE: heap_xlog_delete without XLH_DELETE_IS_SUPER */
static void
helios_redo_delete(XLogReaderState *record)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_delete *xlrec = (xl_helios_delete *) XLogRecGetData(record);
	RelFileNode rnode;
	BlockNumber blkno;
	Buffer		buffer;

	XLogRecGetBlockTag(record, 0, &rnode, NULL, &blkno);

	if (xlrec->flags & XLH_ALL_VISIBLE_CLEARED)
		redo_clear_vm(rnode, blkno, VISIBILITYMAP_VALID_BITS);

	if (XLogReadBufferForRedo(record, 0, &buffer) == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);
		HeapTupleHeader htup = redo_get_tuple(page, blkno, xlrec->offnum);

		redo_reset_xmax_bits(htup, xlrec->infobits_set);
		HeapTupleHeaderClearHotUpdated(htup);
		HeapTupleHeaderSetXmax(htup, xlrec->xmax);
		HeapTupleHeaderSetCmax(htup, FirstCommandId, false);

		/* the deleter's xid is a lower bound of when pruning can help */
		HeliosPageSetPrunable(page, XLogRecGetXid(record));

		if (xlrec->flags & XLH_ALL_VISIBLE_CLEARED)
			HeliosPageClearAllVisible(page);

		/* no forward link: the row ends here, or moved to a partition */
		if (xlrec->flags & XLH_PARTITION_MOVE)
			HeapTupleHeaderSetMovedPartitions(htup);
		else
			ItemPointerSet(&htup->t_ctid, blkno, xlrec->offnum);

		PageSetLSN(page, lsn);
		MarkBufferDirty(buffer);
	}
	if (BufferIsValid(buffer))
		UnlockReleaseBuffer(buffer);
}

/*
 * XLOG_HELIOS_UPDATE (+INIT) and XLOG_HELIOS_CHAIN_UPDATE: heap_xlog_update,
 * with chain = HOT update.  helios never logs prefix/suffix compression,
 * so the new tuple's bytes are all in block 0's data.
 */
static void
helios_redo_update(XLogReaderState *record, bool chain)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_update *xlrec = (xl_helios_update *) XLogRecGetData(record);
	RelFileNode rnode;
	BlockNumber oldblk;
	BlockNumber newblk;
	Buffer		obuffer;
	Buffer		nbuffer;
	XLogRedoAction oldaction;
	XLogRedoAction newaction;
	Size		freespace = 0;

	XLogRecGetBlockTag(record, 0, &rnode, NULL, &newblk);
	if (!XLogRecGetBlockTagExtended(record, 1, NULL, NULL, &oldblk, NULL))
		oldblk = newblk;

	if (xlrec->flags & XLH_ALL_VISIBLE_CLEARED)
		redo_clear_vm(rnode, oldblk, VISIBILITYMAP_VALID_BITS);

	/*
	 * Old version first, and keep its page locked until the new version is
	 * in place: a hot standby query must never see the old version updated
	 * with its successor missing.
	 */
	oldaction = XLogReadBufferForRedo(record, (oldblk == newblk) ? 0 : 1,
									  &obuffer);
	if (oldaction == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(obuffer);
		HeapTupleHeader htup = redo_get_tuple(page, oldblk, xlrec->old_offnum);

		redo_reset_xmax_bits(htup, xlrec->old_infobits_set);
		if (chain || (xlrec->flags & XLH_UPDATE_FORWARD))
			HeapTupleHeaderSetHotUpdated(htup);
		else
			HeapTupleHeaderClearHotUpdated(htup);
		HeapTupleHeaderSetXmax(htup, xlrec->old_xmax);
		HeapTupleHeaderSetCmax(htup, FirstCommandId, false);
		/* forward link to the new version */
		ItemPointerSet(&htup->t_ctid, newblk, xlrec->new_offnum);

		HeliosPageSetPrunable(page, XLogRecGetXid(record));

		if (xlrec->flags & XLH_ALL_VISIBLE_CLEARED)
			HeliosPageClearAllVisible(page);

		PageSetLSN(page, lsn);
		MarkBufferDirty(obuffer);
	}

	if (oldblk == newblk)
	{
		nbuffer = obuffer;
		newaction = oldaction;
	}
	else
		newaction = redo_read_or_init(record, 0,
									  helios_xlog_init_page(XLogRecGetInfo(record)),
									  &nbuffer);

	if (xlrec->flags & XLH_NEW_ALL_VISIBLE_CLEARED)
		redo_clear_vm(rnode, newblk, VISIBILITYMAP_VALID_BITS);

	if (newaction == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(nbuffer);

		redo_put_logged_tuple(record, 0, page, newblk, xlrec->new_offnum,
							  xlrec->new_xmax);

		if (xlrec->flags & XLH_NEW_ALL_VISIBLE_CLEARED)
			HeliosPageClearAllVisible(page);

		freespace = helios_page_free_space(page);

		PageSetLSN(page, lsn);
		MarkBufferDirty(nbuffer);
	}

	if (BufferIsValid(nbuffer) && nbuffer != obuffer)
		UnlockReleaseBuffer(nbuffer);
	if (BufferIsValid(obuffer))
		UnlockReleaseBuffer(obuffer);

	/*
	 * As heap, but not after a chain update: one of the two versions will
	 * soon be pruned, giving the page back about the space it had.
	 */
	if (newaction == BLK_NEEDS_REDO && !chain && freespace < BLCKSZ / 5)
		XLogRecordPageWithFreeSpace(rnode, newblk, freespace);
}

/* XLOG_HELIOS_LOCK: heap_xlog_lock */
static void
helios_redo_lock(XLogReaderState *record)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_lock *xlrec = (xl_helios_lock *) XLogRecGetData(record);
	RelFileNode rnode;
	BlockNumber blkno;
	Buffer		buffer;

	XLogRecGetBlockTag(record, 0, &rnode, NULL, &blkno);

	/*
	 * A lock leaves the page all-visible but not all-frozen: the locker's
	 * xid in xmax has to be frozen some day.  So XLH_ALL_VISIBLE_CLEARED
	 * means the all-frozen bit here (heap's XLH_LOCK_ALL_FROZEN_CLEARED).
	 */
	if (xlrec->flags & XLH_ALL_VISIBLE_CLEARED)
		redo_clear_vm(rnode, blkno, VISIBILITYMAP_ALL_FROZEN);

	if (XLogReadBufferForRedo(record, 0, &buffer) == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);
		HeapTupleHeader htup = redo_get_tuple(page, blkno, xlrec->offnum);

		redo_reset_xmax_bits(htup, xlrec->infobits_set);

		/*
		 * Only when the new xmax is a pure lock does the version stop being
		 * updated: then it heads no chain and links nowhere.  (A multixact
		 * xmax can hold an update and locks; that update stays.)
		 */
		if (HEAP_XMAX_IS_LOCKED_ONLY(htup->t_infomask))
		{
			HeapTupleHeaderClearHotUpdated(htup);
			ItemPointerSet(&htup->t_ctid, blkno, xlrec->offnum);
		}
		HeapTupleHeaderSetXmax(htup, xlrec->locking_xid);
		HeapTupleHeaderSetCmax(htup, FirstCommandId, false);

		PageSetLSN(page, lsn);
		MarkBufferDirty(buffer);
	}
	if (BufferIsValid(buffer))
		UnlockReleaseBuffer(buffer);
}

/* XLOG_HELIOS_PRUNE: heap_xlog_prune */
static void
helios_redo_prune(XLogReaderState *record)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_prune *xlrec = (xl_helios_prune *) XLogRecGetData(record);
	RelFileNode rnode;
	BlockNumber blkno;
	Buffer		buffer;
	XLogRedoAction action;

	XLogRecGetBlockTag(record, 0, &rnode, NULL, &blkno);

	/*
	 * Tuples are about to go: first cancel standby queries whose snapshots
	 * may still see them.  Before touching the page, since a query may be
	 * reading it right now.  (VACUUM's second pass logs an invalid xid:
	 * its items were already dead, and that is no conflict.)
	 */
	if (InHotStandby)
		ResolveRecoveryConflictWithSnapshot(xlrec->latestRemovedXid, rnode);

	/* a cleanup lock, because tuples move on the page */
	action = XLogReadBufferForRedoExtended(record, 0, RBM_NORMAL, true,
										   &buffer);
	if (action == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);
		Size		datalen;
		OffsetNumber *redirected;
		OffsetNumber *nowdead;
		xl_helios_stub *stubs;
		OffsetNumber *nowunused;
		OffsetNumber *end;
		int			nunused;

		redirected = (OffsetNumber *) XLogRecGetBlockData(record, 0, &datalen);
		if (redirected == NULL ||
			datalen < (2 * xlrec->nredirected + xlrec->ndead) * sizeof(OffsetNumber) +
			xlrec->nstubs * sizeof(xl_helios_stub))
			elog(PANIC, "helios_redo: prune record too short");
		end = (OffsetNumber *) ((char *) redirected + datalen);
		nowdead = redirected + 2 * xlrec->nredirected;
		stubs = (xl_helios_stub *) (nowdead + xlrec->ndead);
		nowunused = (OffsetNumber *) ((char *) stubs +
									  xlrec->nstubs * sizeof(xl_helios_stub));
		nunused = end - nowunused;

		helios_page_prune_execute(buffer,
								  redirected, xlrec->nredirected,
								  nowdead, xlrec->ndead,
								  stubs, xlrec->nstubs,
								  nowunused, nunused);

		/*
		 * The prune hint and HP_PAGE_FULL are left as they are, as heap
		 * leaves its own: at worst an extra prune happens soon after
		 * promotion.
		 */
		PageSetLSN(page, lsn);
		MarkBufferDirty(buffer);
	}

	if (BufferIsValid(buffer))
	{
		Size		freespace = helios_page_free_space(BufferGetPage(buffer));

		UnlockReleaseBuffer(buffer);

		/*
		 * Pruning makes room that inserters should find even if VACUUM
		 * never visits the page again (it may become all-visible).  The
		 * FSM is not in the page, so this is done after an image too.
		 */
		XLogRecordPageWithFreeSpace(rnode, blkno, freespace);
	}
}

/* XLOG_HELIOS_FREEZE: heap_xlog_freeze_page */
static void
helios_redo_freeze(XLogReaderState *record)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_freeze *xlrec = (xl_helios_freeze *) XLogRecGetData(record);
	Buffer		buffer;

	/*
	 * Frozen xmins become visible to every snapshot: cancel standby queries
	 * that still consider xids before cutoff_xid running.
	 */
	if (InHotStandby)
	{
		RelFileNode rnode;
		TransactionId latestRemovedXid = xlrec->cutoff_xid;

		TransactionIdRetreat(latestRemovedXid);

		XLogRecGetBlockTag(record, 0, &rnode, NULL, NULL);
		ResolveRecoveryConflictWithSnapshot(latestRemovedXid, rnode);
	}

	if (XLogReadBufferForRedo(record, 0, &buffer) == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);
		BlockNumber blkno = BufferGetBlockNumber(buffer);
		Size		len;
		xl_heap_freeze_tuple *tuples;

		tuples = (xl_heap_freeze_tuple *) XLogRecGetBlockData(record, 0, &len);
		if (tuples == NULL || len < xlrec->ntuples * sizeof(xl_heap_freeze_tuple))
			elog(PANIC, "helios_redo: freeze record too short for %u tuples",
				 xlrec->ntuples);

		/* the freeze plans only touch the header, which is heap's */
		for (int i = 0; i < xlrec->ntuples; i++)
			heap_execute_freeze_tuple(redo_get_tuple(page, blkno,
													 tuples[i].offset),
									  &tuples[i]);

		PageSetLSN(page, lsn);
		MarkBufferDirty(buffer);
	}
	if (BufferIsValid(buffer))
		UnlockReleaseBuffer(buffer);
}

/*
 * XLOG_HELIOS_VISIBLE: heap_xlog_visible.
 *
 * The invariant: a VM bit may be set only while the page has
 * HP_ALL_VISIBLE, else the next change of the page would not clear the VM
 * bit.  Every record that clears HP_ALL_VISIBLE clears the VM bits before
 * looking at the page LSN, so setting bits here is safe even when the table
 * page is skipped.
 */
static void
helios_redo_visible(XLogReaderState *record)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_visible *xlrec = (xl_helios_visible *) XLogRecGetData(record);
	Buffer		vmbuffer = InvalidBuffer;
	Buffer		buffer;
	RelFileNode rnode;
	BlockNumber blkno;
	XLogRedoAction action;

	XLogRecGetBlockTag(record, 1, &rnode, NULL, &blkno);

	/*
	 * Index-only scans of standby queries that cannot yet see cutoff_xid
	 * would trust the VM bit and skip the table page: cancel them.
	 */
	if (InHotStandby)
		ResolveRecoveryConflictWithSnapshot(xlrec->cutoff_xid, rnode);

	/*
	 * The table page, if it still exists (it may have been truncated away
	 * later in the WAL; the VM still gets its bits below).
	 */
	action = XLogReadBufferForRedo(record, 1, &buffer);
	if (action == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);

		/*
		 * Setting the flag reads nothing else on the page, so a torn page
		 * does not matter here.  The LSN moves only when the primary moved
		 * it (with checksums or wal_log_hints, when it logged an image).
		 * Had the page LSN been past this record, a later record might have
		 * cleared the flag again; XLogReadBufferForRedo then returns
		 * BLK_DONE and the flag is not set behind that record's back.
		 */
		HeliosPageSetAllVisible(page);

		if (XLogHintBitIsNeeded())
			PageSetLSN(page, lsn);

		MarkBufferDirty(buffer);
	}
	else if (action == BLK_RESTORED)
	{
		/*
		 * The image (taken only with checksums or wal_log_hints) already
		 * has the flag.
		 */
	}

	if (BufferIsValid(buffer))
	{
		Size		space = helios_page_free_space(BufferGetPage(buffer));

		UnlockReleaseBuffer(buffer);

		/*
		 * VACUUM of a promoted standby skips all-visible pages, so their FSM
		 * entries, stale on the standby, would never be corrected and could
		 * lure inserters to full pages.  Record the page's space now, image
		 * or not (the FSM is not in the page).
		 */
		if (xlrec->flags & VISIBILITYMAP_VALID_BITS)
			XLogRecordPageWithFreeSpace(rnode, blkno, space);
	}

	/*
	 * The VM page may be zeroes if it was never written before a crash
	 * (RBM_ZERO_ON_ERROR): initialize it as vm_readbuf would.
	 */
	if (XLogReadBufferForRedoExtended(record, 0, RBM_ZERO_ON_ERROR, false,
									  &vmbuffer) == BLK_NEEDS_REDO)
	{
		Page		vmpage = BufferGetPage(vmbuffer);
		Relation	reln;

		if (PageIsNew(vmpage))
			PageInit(vmpage, BLCKSZ, 0);

		/* visibilitymap_set takes the lock itself */
		LockBuffer(vmbuffer, BUFFER_LOCK_UNLOCK);

		reln = CreateFakeRelcacheEntry(rnode);
		visibilitymap_pin(reln, blkno, &vmbuffer);

		/*
		 * In recovery, with a valid LSN, visibilitymap_set writes no WAL: it
		 * sets the bits and the VM page LSN.  The same conservative LSN test
		 * as heap: should replay have passed this record already, leave the
		 * bits alone (a lost bit only costs a VACUUM visit).
		 */
		if (lsn > PageGetLSN(vmpage))
			visibilitymap_set(reln, blkno, InvalidBuffer, lsn, vmbuffer,
							  xlrec->cutoff_xid, xlrec->flags);

		ReleaseBuffer(vmbuffer);
		FreeFakeRelcacheEntry(reln);
	}
	else if (BufferIsValid(vmbuffer))
		UnlockReleaseBuffer(vmbuffer);
}

/* XLOG_HELIOS_CONFIRM: heap_xlog_confirm */
static void
helios_redo_confirm(XLogReaderState *record)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_confirm *xlrec = (xl_helios_confirm *) XLogRecGetData(record);
	Buffer		buffer;

	if (XLogReadBufferForRedo(record, 0, &buffer) == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);
		BlockNumber blkno = BufferGetBlockNumber(buffer);
		HeapTupleHeader htup = redo_get_tuple(page, blkno, xlrec->offnum);

		/* the speculative token in ctid gives way to the tuple's own TID */
		ItemPointerSet(&htup->t_ctid, blkno, xlrec->offnum);

		PageSetLSN(page, lsn);
		MarkBufferDirty(buffer);
	}
	if (BufferIsValid(buffer))
		UnlockReleaseBuffer(buffer);
}

/*
 * XLOG_HELIOS_SPEC_ABORT: heap_xlog_delete of an XLH_DELETE_IS_SUPER record.
 * The record carries no infobits: the primary cleared every xmax bit, which
 * is what heap's record says too (its infobits are computed afterwards).
 */
static void
helios_redo_spec_abort(XLogReaderState *record)
{
	XLogRecPtr	lsn = record->EndRecPtr;
	xl_helios_confirm *xlrec = (xl_helios_confirm *) XLogRecGetData(record);
	Buffer		buffer;

	if (XLogReadBufferForRedo(record, 0, &buffer) == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buffer);
		BlockNumber blkno = BufferGetBlockNumber(buffer);
		HeapTupleHeader htup = redo_get_tuple(page, blkno, xlrec->offnum);

		redo_reset_xmax_bits(htup, 0);
		HeapTupleHeaderClearHotUpdated(htup);

		/* invalid xmin: dead to everyone at once, waiters included */
		HeapTupleHeaderSetXmin(htup, InvalidTransactionId);
		HeapTupleHeaderSetCmax(htup, FirstCommandId, false);

		HeliosPageSetPrunable(page, XLogRecGetXid(record));

		/* drop the speculative token */
		ItemPointerSet(&htup->t_ctid, blkno, xlrec->offnum);

		PageSetLSN(page, lsn);
		MarkBufferDirty(buffer);
	}
	if (BufferIsValid(buffer))
		UnlockReleaseBuffer(buffer);
}

void
helios_redo(XLogReaderState *record)
{
	uint8		op = helios_xlog_op(XLogRecGetInfo(record));

	switch (op)
	{
		case XLOG_HELIOS_INSERT:
			helios_redo_insert(record);
			break;
		case XLOG_HELIOS_MULTI_INSERT:
			helios_redo_multi_insert(record);
			break;
		case XLOG_HELIOS_UPDATE:
			helios_redo_update(record, false);
			break;
		case XLOG_HELIOS_CHAIN_UPDATE:
			helios_redo_update(record, true);
			break;
		case XLOG_HELIOS_DELETE:
			helios_redo_delete(record);
			break;
		case XLOG_HELIOS_LOCK:
			helios_redo_lock(record);
			break;
		case XLOG_HELIOS_PRUNE:
			helios_redo_prune(record);
			break;
		case XLOG_HELIOS_FREEZE:
			helios_redo_freeze(record);
			break;
		case XLOG_HELIOS_VISIBLE:
			helios_redo_visible(record);
			break;
		case XLOG_HELIOS_CONFIRM:
			helios_redo_confirm(record);
			break;
		case XLOG_HELIOS_SPEC_ABORT:
			helios_redo_spec_abort(record);
			break;
		case XLOG_HELIOS_BTREE:
			hbt_redo(record);
			break;
		default:
			elog(PANIC, "helios_redo: unknown op code %u", op);
	}
}

/* ----------------------------------------------------------------
 *		wal_consistency_checking
 * ----------------------------------------------------------------
 */

/*
 * Mask what may legitimately differ between the primary's page and the
 * replayed one: what redo cannot know (LSN, checksum, command ids,
 * speculative tokens) and hints set without WAL (tuple hint bits, the page
 * header's flags, helios's prune hint, HP_PAGE_FULL, and HP_ALL_VISIBLE,
 * which VISIBLE redo skips when the page is already newer).
 *
 * Also called on the visibility map pages of VISIBLE records: those have no
 * special space and no line pointers, so only the generic masking applies
 * (which, as for heap, masks the map itself as unused space).
 */
void
helios_mask(char *pagedata, BlockNumber blkno)
{
	Page		page = (Page) pagedata;
	OffsetNumber maxoff;

	/* helios_btree pages have their own rules */
	if (hbt_is_page(page))
	{
		hbt_mask(pagedata, blkno);
		return;
	}

	mask_page_lsn_and_checksum(page);

	/* all zeroes: nothing else to mask, and mask_unused_space would fail */
	if (PageIsNew(page))
		return;

	mask_page_hint_bits(page);
	mask_unused_space(page);

	if (PageGetSpecialSize(page) == MAXALIGN(sizeof(HeliosPageOpaqueData)))
	{
		HeliosPageOpaque opaque = HeliosPageGetOpaque(page);

		opaque->hp_prune_xid = MASK_MARKER;
		opaque->hp_flags &= ~(HP_PAGE_FULL | HP_ALL_VISIBLE);
	}

	maxoff = PageGetMaxOffsetNumber(page);
	for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off++)
	{
		ItemId		iid = PageGetItemId(page, off);
		char	   *page_item = (char *) (page + ItemIdGetOffset(iid));

		if (ItemIdIsNormal(iid))
		{
			HeapTupleHeader htup = (HeapTupleHeader) page_item;

			/*
			 * Hint bits are set without WAL.  Once xmin is frozen the xmin
			 * bits are real data (HEAP_XMIN_FROZEN), but xmax hints remain
			 * hints.
			 */
			if (!HeapTupleHeaderXminFrozen(htup))
				htup->t_infomask &= ~HEAP_XACT_MASK;
			else
				htup->t_infomask &= ~(HEAP_XMAX_INVALID | HEAP_XMAX_COMMITTED);

			/* redo stores FirstCommandId: the real cid is not logged */
			htup->t_choice.t_heap.t_field3.t_cid = MASK_MARKER;

			/*
			 * The primary keeps the speculative token in ctid until CONFIRM
			 * or SPEC_ABORT; redo of the insert stores the tuple's own TID.
			 * A ctid that moved partitions is logged data and stays.
			 */
			if (HeapTupleHeaderIsSpeculative(htup))
				ItemPointerSet(&htup->t_ctid, blkno, off);
		}

		/* padding after a tuple whose length is not MAXALIGNed */
		if (ItemIdHasStorage(iid))
		{
			int			len = ItemIdGetLength(iid);
			int			padlen = MAXALIGN(len) - len;

			if (padlen > 0)
				memset(page_item + len, MASK_MARKER, padlen);
		}
	}
}
