/*-------------------------------------------------------------------------
 *
 * helios_vm.c
 *	  Setting visibility-map bits and applying prune plans on helios pages.
 *
 * helios tables use PostgreSQL's visibility map fork unchanged (two bits
 * per table block, read and cleared with visibilitymap_*), but the "page is
 * all-visible" flag lives in the helios special space (HP_ALL_VISIBLE), and
 * setting the bits must be logged by the helios resource manager:
 * visibilitymap_set() would write a heap2 VISIBLE record, whose redo sets
 * PD_ALL_VISIBLE in the page header of what is not a heap page.  So
 * helios_vm_set() does what visibilitymap_set() and log_heap_visible() do
 * together, with XLOG_HELIOS_VISIBLE.
 *
 * helios_page_prune_execute() is the page half of pruning, shared by the
 * pruning code, VACUUM's second pass and redo of XLOG_HELIOS_PRUNE so that
 * all three change the page identically.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/visibilitymap.h"
#include "access/xlog.h"
#include "access/xloginsert.h"
#include "access/xlogutils.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"

#include "helios.h"
#include "table/helios_page.h"
#include "table/helios_tuple.h"
#include "table/helios_vm.h"
#include "wal/helios_xlog.h"

/*
 * Addressing of the visibility map, as in visibilitymap.c (which keeps these
 * private): the map is the contents of each VM page after its page header,
 * BITS_PER_HEAPBLOCK bits per table block.
 */
#define MAPSIZE (BLCKSZ - MAXALIGN(SizeOfPageHeaderData))
#define HEAPBLOCKS_PER_BYTE (BITS_PER_BYTE / BITS_PER_HEAPBLOCK)
#define HEAPBLOCKS_PER_PAGE (MAPSIZE * HEAPBLOCKS_PER_BYTE)

#define HEAPBLK_TO_MAPBLOCK(x) ((x) / HEAPBLOCKS_PER_PAGE)
#define HEAPBLK_TO_MAPBYTE(x) (((x) % HEAPBLOCKS_PER_PAGE) / HEAPBLOCKS_PER_BYTE)
#define HEAPBLK_TO_OFFSET(x) (((x) % HEAPBLOCKS_PER_BYTE) * BITS_PER_HEAPBLOCK)

void
helios_vm_set(Relation rel, BlockNumber heapBlk, Buffer heapBuf,
			  Buffer vmBuf, TransactionId cutoff_xid, uint8 flags)
{
	BlockNumber mapBlock = HEAPBLK_TO_MAPBLOCK(heapBlk);
	uint32		mapByte = HEAPBLK_TO_MAPBYTE(heapBlk);
	uint8		mapOffset = HEAPBLK_TO_OFFSET(heapBlk);
	Page		heapPage;
	Page		vmPage;
	uint8	   *map;

	Assert(!InRecovery);
	Assert((flags & VISIBILITYMAP_VALID_BITS) == flags && flags != 0);

	/*
	 * Both checks are the ones visibilitymap_set() makes: a wrong buffer
	 * would set the bits of another block, which is silent corruption.
	 */
	if (!BufferIsValid(heapBuf) || BufferGetBlockNumber(heapBuf) != heapBlk)
		elog(ERROR, "wrong table buffer passed to helios_vm_set");
	if (!BufferIsValid(vmBuf) || BufferGetBlockNumber(vmBuf) != mapBlock)
		elog(ERROR, "wrong VM buffer passed to helios_vm_set");

	/* An uninitialized page has no special space to hold HP_ALL_VISIBLE. */
	heapPage = BufferGetPage(heapBuf);
	if (PageIsNew(heapPage))
		elog(ERROR, "cannot mark uninitialized block %u of relation \"%s\" all-visible",
			 heapBlk, RelationGetRelationName(rel));

	vmPage = BufferGetPage(vmBuf);
	map = (uint8 *) PageGetContents(vmPage);
	LockBuffer(vmBuf, BUFFER_LOCK_EXCLUSIVE);

	/*
	 * Already done: no record.  The page flag must be checked too, because a
	 * VM bit without the page flag would not be cleared by the next change
	 * of the page (DML clears the VM only when it sees HP_ALL_VISIBLE).
	 */
	if (((map[mapByte] >> mapOffset) & flags) == flags &&
		HeliosPageIsAllVisible(heapPage))
	{
		LockBuffer(vmBuf, BUFFER_LOCK_UNLOCK);
		return;
	}

	/*
	 * Page flag, map bits and the record that covers them change together:
	 * a crash between them must not leave a VM bit set whose page flag is
	 * not (see the comment of heap_xlog_visible).
	 */
	START_CRIT_SECTION();

	HeliosPageSetAllVisible(heapPage);
	MarkBufferDirty(heapBuf);

	map[mapByte] |= (flags << mapOffset);
	MarkBufferDirty(vmBuf);

	if (RelationNeedsWAL(rel))
	{
		xl_helios_visible xlrec;
		XLogRecPtr	recptr;
		uint8		heapflags = REGBUF_STANDARD;

		xlrec.cutoff_xid = cutoff_xid;
		xlrec.flags = flags;

		XLogBeginInsert();
		XLogRegisterData((char *) &xlrec, SizeOfHeliosVisible);

		/*
		 * Not REGBUF_STANDARD: a VM page's map lies between pd_lower and
		 * pd_upper, which a "standard" image would leave out as the hole.
		 */
		XLogRegisterBuffer(0, vmBuf, 0);

		/*
		 * HP_ALL_VISIBLE is set without a full-page image of the table page,
		 * as log_heap_visible does for PD_ALL_VISIBLE: redo only ORs a flag
		 * in without reading the rest of the page, so a torn page does not
		 * hurt it.  With checksums (or wal_log_hints) a torn page would fail
		 * its checksum, so then the page is protected like any change.
		 */
		if (!XLogHintBitIsNeeded())
			heapflags |= REGBUF_NO_IMAGE;
		XLogRegisterBuffer(1, heapBuf, heapflags);

		recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_VISIBLE);

		/*
		 * Without an image the table page's LSN is left alone, as for a
		 * hint bit: the next record touching the page decides whether it
		 * needs a full-page image by comparing the page LSN with the
		 * checkpoint's redo pointer, and an LSN from this imageless record
		 * would make it skip the image that protects against torn writes.
		 */
		if (XLogHintBitIsNeeded())
			PageSetLSN(heapPage, recptr);
		PageSetLSN(vmPage, recptr);
	}

	END_CRIT_SECTION();

	LockBuffer(vmBuf, BUFFER_LOCK_UNLOCK);
}

void
helios_page_prune_execute(Buffer buffer,
						  OffsetNumber *redirected, int nredirected,
						  OffsetNumber *nowdead, int ndead,
						  xl_helios_stub *stubs, int nstubs,
						  OffsetNumber *nowunused, int nunused)
{
	Page		page = BufferGetPage(buffer);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

	/* a plan with nothing in it is never logged, so never replayed */
	Assert(nredirected > 0 || ndead > 0 || nstubs > 0 || nunused > 0);

	/*
	 * An offset past the line pointer array would make us write into the
	 * page's free space or tuples.  Plans come from a locked page or from a
	 * CRC-checked record, so this only catches bugs, cheaply.
	 */
	for (int i = 0; i < 2 * nredirected; i++)
		if (redirected[i] < FirstOffsetNumber || redirected[i] > maxoff)
			elog(ERROR, "helios prune plan: redirect offset %u out of range 1..%u",
				 redirected[i], maxoff);
	for (int i = 0; i < ndead; i++)
		if (nowdead[i] < FirstOffsetNumber || nowdead[i] > maxoff)
			elog(ERROR, "helios prune plan: dead offset %u out of range 1..%u",
				 nowdead[i], maxoff);
	for (int i = 0; i < nunused; i++)
		if (nowunused[i] < FirstOffsetNumber || nowunused[i] > maxoff)
			elog(ERROR, "helios prune plan: unused offset %u out of range 1..%u",
				 nowunused[i], maxoff);
	for (int i = 0; i < nstubs; i++)
	{
		xl_helios_stub stub;

		memcpy(&stub, &stubs[i], sizeof(stub));	/* WAL data is unaligned */
		if (stub.offnum < FirstOffsetNumber || stub.offnum > maxoff ||
			!ItemIdIsNormal(PageGetItemId(page, stub.offnum)))
			elog(ERROR, "helios prune plan: stub offset %u is not a version",
				 stub.offnum);
	}

	for (int i = 0; i < nredirected; i++)
	{
		OffsetNumber fromoff = redirected[2 * i];
		OffsetNumber tooff = redirected[2 * i + 1];

		ItemIdSetRedirect(PageGetItemId(page, fromoff), tooff);
	}

	for (int i = 0; i < ndead; i++)
		ItemIdSetDead(PageGetItemId(page, nowdead[i]));

	for (int i = 0; i < nunused; i++)
		ItemIdSetUnused(PageGetItemId(page, nowunused[i]));

	for (int i = 0; i < nstubs; i++)
	{
		xl_helios_stub stub;

		memcpy(&stub, &stubs[i], sizeof(stub));
		helios_tuple_make_stub(page, PageGetItemId(page, stub.offnum),
							   &stub.link);
	}

	/*
	 * Give the space of the removed tuples back.  Since PostgreSQL 14 this
	 * also truncates trailing LP_UNUSED line pointers and recomputes the
	 * "has free line pointers" hint, so PageTruncateLinePointerArray() would
	 * find nothing more to do.
	 */
	PageRepairFragmentation(page);

#ifdef USE_ASSERT_CHECKING

	/*
	 * As heap's page_verify_redirects(): a redirect must lead to a stored
	 * version, else the chain (and the row its index entries name) is lost.
	 * A bad plan shows here rather than at some later chain walk.
	 */
	maxoff = PageGetMaxOffsetNumber(page);
	for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off++)
	{
		ItemId		lp = PageGetItemId(page, off);
		OffsetNumber target;

		if (!ItemIdIsRedirected(lp))
			continue;
		target = ItemIdGetRedirect(lp);
		Assert(target >= FirstOffsetNumber && target <= maxoff);
		Assert(ItemIdIsNormal(PageGetItemId(page, target)));
	}
#endif
}
