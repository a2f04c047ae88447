/*-------------------------------------------------------------------------
 *
 * helios_page.c
 *	  Initialization and sanity checks of helios table pages.
 *
 * Every code path that reads a page of a helios table calls
 * helios_check_page() once it holds the buffer lock, so a page that is not
 * a helios page (or whose header is inconsistent) raises an ERROR naming
 * the relation and block instead of being interpreted.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"

#include "table/helios_page.h"

void
helios_page_init(Page page)
{
	HeliosPageOpaque opaque;

	PageInit(page, BLCKSZ, sizeof(HeliosPageOpaqueData));
	opaque = HeliosPageGetOpaque(page);
	opaque->hp_flags = 0;
	opaque->hp_magic = HELIOS_PAGE_MAGIC;
	opaque->hp_prune_xid = InvalidTransactionId;
}

void
helios_check_page(Relation rel, Buffer buf)
{
	Page		page = BufferGetPage(buf);
	PageHeader	phdr = (PageHeader) page;

	if (PageIsNew(page))
		return;

	if (phdr->pd_special != BLCKSZ - MAXALIGN(sizeof(HeliosPageOpaqueData)) ||
		phdr->pd_lower < SizeOfPageHeaderData ||
		phdr->pd_lower > phdr->pd_upper ||
		phdr->pd_upper > phdr->pd_special ||
		HeliosPageGetOpaque(page)->hp_magic != HELIOS_PAGE_MAGIC ||
		PageGetMaxOffsetNumber(page) > MaxHeapTuplesPerPage)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("helios page %u of relation \"%s\" is corrupt",
						BufferGetBlockNumber(buf),
						RelationGetRelationName(rel)),
				 errdetail("pd_lower %u, pd_upper %u, pd_special %u, magic 0x%04x.",
						   phdr->pd_lower, phdr->pd_upper, phdr->pd_special,
						   HeliosPageGetOpaque(page)->hp_magic)));
}

/* helios_check_item found item off corrupt: raise the error. */
void
helios_report_bad_item(Relation rel, Buffer buf, OffsetNumber off)
{
	ItemId		lp = PageGetItemId(BufferGetPage(buf), off);

	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("helios page %u of relation \"%s\" is corrupt",
					BufferGetBlockNumber(buf), RelationGetRelationName(rel)),
			 errdetail("Item %u has offset %u and length %u.", off,
					   ItemIdGetOffset(lp), ItemIdGetLength(lp))));
}

/*
 * Free space for a new tuple, counting the line pointer it needs unless a
 * free one can be reused; zero once the line pointer array is full.
 */
Size
helios_page_free_space(Page page)
{
	Size		space;

	if (PageIsNew(page))
		return HeliosMaxTupleSize;
	space = PageGetExactFreeSpace(page);
	if (PageGetMaxOffsetNumber(page) >= MaxHeapTuplesPerPage)
	{
		/* the hint may be stale: look for an unused line pointer */
		if (PageHasFreeLinePointers(page))
		{
			OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

			for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off++)
				if (!ItemIdIsUsed(PageGetItemId(page, off)))
					return space;
		}
		return 0;
	}
	return space >= sizeof(ItemIdData) ? space - sizeof(ItemIdData) : 0;
}
