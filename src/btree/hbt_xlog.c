/*-------------------------------------------------------------------------
 *
 * hbt_xlog.c
 *	  Redo, description and consistency masking of helios_btree's WAL
 *	  records (XLOG_HELIOS_BTREE in the helios resource manager).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/bufmask.h"
#include "access/xlogutils.h"
#include "storage/standby.h"

#include "btree/hbt.h"
#include "btree/hbt_xlog.h"

static void
hbt_redo_insert(XLogReaderState *record)
{
	xl_hbt_insert *xlrec = (xl_hbt_insert *) XLogRecGetData(record);
	Buffer		buf;

	if (XLogReadBufferForRedo(record, 0, &buf) == BLK_NEEDS_REDO)
	{
		Size		len;
		char	   *item = XLogRecGetBlockData(record, 0, &len);
		Page		page = BufferGetPage(buf);

		if (PageAddItem(page, (Item) item, len, xlrec->off, false, false) ==
			InvalidOffsetNumber)
			elog(PANIC, "helios_btree redo: failed to add item");
		PageSetLSN(page, record->EndRecPtr);
		MarkBufferDirty(buf);
	}
	if (BufferIsValid(buf))
		UnlockReleaseBuffer(buf);
}

static void
hbt_redo_images(XLogReaderState *record)
{
	xl_hbt_images *xlrec = (xl_hbt_images *) XLogRecGetData(record);
	Buffer		bufs[XLR_MAX_BLOCK_ID];

	/* restore every page before releasing any, as the primary changed them */
	for (int i = 0; i < xlrec->nblocks; i++)
	{
		if (XLogReadBufferForRedo(record, i, &bufs[i]) != BLK_RESTORED)
			elog(PANIC, "helios_btree redo: block %d of an IMAGES record was not restored", i);
	}
	for (int i = 0; i < xlrec->nblocks; i++)
		UnlockReleaseBuffer(bufs[i]);
}

static void
hbt_redo_xmax(XLogReaderState *record)
{
	xl_hbt_xmax xlrec;
	Buffer		buf;

	memcpy(&xlrec, XLogRecGetData(record), sizeof(xl_hbt_xmax));
	if (XLogReadBufferForRedo(record, 0, &buf) == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buf);
		IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, xlrec.off));

		memcpy(HbtEntryVersion(itup), &xlrec.version, sizeof(HbtVersion));
		HbtPageGetOpaque(page)->hbt_flags |= HBT_HAS_GARBAGE;
		PageSetLSN(page, record->EndRecPtr);
		MarkBufferDirty(buf);
	}
	if (BufferIsValid(buf))
		UnlockReleaseBuffer(buf);
}

static void
hbt_redo_vacuum(XLogReaderState *record)
{
	xl_hbt_vacuum xlrec;
	OffsetNumber *offs;
	Buffer		buf;

	memcpy(&xlrec, XLogRecGetData(record), SizeOfHbtVacuum);
	offs = (OffsetNumber *) (XLogRecGetData(record) + SizeOfHbtVacuum);

	/*
	 * Removed entries may still be visible to standby queries, and frozen
	 * ones not yet: a query whose snapshot does not see the horizon's
	 * transaction finished would answer differently after this record.
	 */
	if (InHotStandby && TransactionIdIsValid(xlrec.conflictHorizon))
	{
		RelFileNode rnode;

		XLogRecGetBlockTag(record, 0, &rnode, NULL, NULL);
		ResolveRecoveryConflictWithSnapshot(xlrec.conflictHorizon, rnode);
	}

	if (XLogReadBufferForRedo(record, 0, &buf) == BLK_NEEDS_REDO)
	{
		Page		page = BufferGetPage(buf);
		OffsetNumber *frozen = offs;
		OffsetNumber *cleared = frozen + xlrec.nfrozen;
		OffsetNumber *deleted = cleared + xlrec.ncleared;

		for (int i = 0; i < xlrec.nfrozen; i++)
			hbt_entry_apply_vacuum(HbtEntryVersion((IndexTuple) PageGetItem(page, PageGetItemId(page, frozen[i]))),
								   HBT_VAC_FREEZE);
		for (int i = 0; i < xlrec.ncleared; i++)
			hbt_entry_apply_vacuum(HbtEntryVersion((IndexTuple) PageGetItem(page, PageGetItemId(page, cleared[i]))),
								   HBT_VAC_CLEAR_XMAX);
		if (xlrec.ndeleted > 0)
			PageIndexMultiDelete(page, deleted, xlrec.ndeleted);
		HbtPageGetOpaque(page)->hbt_flags &= ~HBT_HAS_GARBAGE;
		PageSetLSN(page, record->EndRecPtr);
		MarkBufferDirty(buf);
	}
	if (BufferIsValid(buf))
		UnlockReleaseBuffer(buf);
}

void
hbt_redo(XLogReaderState *record)
{
	uint8		subop = *(uint8 *) XLogRecGetData(record);

	switch (subop)
	{
		case HBT_XLOG_INSERT:
			hbt_redo_insert(record);
			break;
		case HBT_XLOG_IMAGES:
			hbt_redo_images(record);
			break;
		case HBT_XLOG_XMAX:
			hbt_redo_xmax(record);
			break;
		case HBT_XLOG_VACUUM:
			hbt_redo_vacuum(record);
			break;
		default:
			elog(PANIC, "helios_btree redo: unknown record %u", subop);
	}
}

const char *
hbt_identify(uint8 subop)
{
	switch (subop)
	{
		case HBT_XLOG_INSERT:
			return "BTREE_INSERT";
		case HBT_XLOG_IMAGES:
			return "BTREE_IMAGES";
		case HBT_XLOG_XMAX:
			return "BTREE_XMAX";
		case HBT_XLOG_VACUUM:
			return "BTREE_VACUUM";
	}
	return NULL;
}

void
hbt_desc(StringInfo buf, XLogReaderState *record)
{
	char	   *data = XLogRecGetData(record);
	const char *name = hbt_identify((uint8) data[0]);

	appendStringInfo(buf, "%s ", name ? name : "UNKNOWN");
	switch ((uint8) data[0])
	{
		case HBT_XLOG_INSERT:
			appendStringInfo(buf, "off %u", ((xl_hbt_insert *) data)->off);
			break;
		case HBT_XLOG_IMAGES:
			appendStringInfo(buf, "pages %u", ((xl_hbt_images *) data)->nblocks);
			break;
		case HBT_XLOG_XMAX:
			{
				xl_hbt_xmax xlrec;

				memcpy(&xlrec, data, sizeof(xlrec));
				appendStringInfo(buf, "off %u xmax %u flags 0x%04X", xlrec.off,
								 xlrec.version.xmax, xlrec.version.flags);
				break;
			}
		case HBT_XLOG_VACUUM:
			{
				xl_hbt_vacuum xlrec;

				memcpy(&xlrec, data, SizeOfHbtVacuum);
				appendStringInfo(buf, "conflictHorizon %u frozen %u cleared %u deleted %u",
								 xlrec.conflictHorizon, xlrec.nfrozen, xlrec.ncleared,
								 xlrec.ndeleted);
				break;
			}
	}
}

/* Is this a helios_btree page (for the rmgr's shared rm_mask)? */
bool
hbt_is_page(Page page)
{
	return !PageIsNew(page) &&
		PageGetSpecialSize(page) == MAXALIGN(sizeof(HbtPageOpaqueData)) &&
		HbtPageGetOpaque(page)->hbt_page_id == HBT_PAGE_ID;
}

/*
 * Mask what WAL does not carry: LSN, checksum, unused space, the garbage
 * hint, and entries' hint bits (a frozen xmin is real data).
 */
void
hbt_mask(char *pagedata, BlockNumber blkno)
{
	Page		page = (Page) pagedata;
	HbtPageOpaque opaque;

	mask_page_lsn_and_checksum(page);
	mask_page_hint_bits(page);
	mask_unused_space(page);
	opaque = HbtPageGetOpaque(page);
	opaque->hbt_flags &= ~HBT_HAS_GARBAGE;

	if (HbtPageIsLeaf(opaque))
	{
		OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

		for (OffsetNumber off = HbtFirstDataKey(opaque); off <= maxoff; off++)
		{
			ItemId		iid = PageGetItemId(page, off);
			HbtVersion *v;

			if (!ItemIdHasStorage(iid))
				continue;
			v = HbtEntryVersion((IndexTuple) PageGetItem(page, iid));
			if ((v->flags & HBT_XMIN_FROZEN) != HBT_XMIN_FROZEN)
				v->flags &= ~(HBT_XMIN_COMMITTED | HBT_XMIN_INVALID);
			v->flags &= ~(HBT_XMAX_COMMITTED | HBT_XMAX_INVALID);
		}
	}
}
