/*-------------------------------------------------------------------------
 *
 * helios_page.h
 *	  Page layout of helios tables.
 *
 * A helios page is a standard PostgreSQL page (PageHeaderData, line
 * pointers growing up, tuples growing down) so that checksums, full-page
 * images and the buffer manager work unchanged.  The special space holds
 * helios's own page flags and a prune hint.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_PAGE_H
#define HELIOS_PAGE_H

#include "access/htup_details.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "utils/rel.h"

#define HELIOS_PAGE_MAGIC	0x4845	/* "HE" */

typedef struct HeliosPageOpaqueData
{
	uint16		hp_flags;		/* HP_* below */
	uint16		hp_magic;		/* HELIOS_PAGE_MAGIC */
	TransactionId hp_prune_xid; /* oldest xid that may make pruning useful */
} HeliosPageOpaqueData;

typedef HeliosPageOpaqueData *HeliosPageOpaque;

#define HP_ALL_VISIBLE		0x0001	/* every tuple visible to everyone */
#define HP_HAS_FORWARDED	0x0002	/* some version chain leaves the page */
#define HP_PAGE_FULL		0x0004	/* last UPDATE found no room */

#define HeliosPageGetOpaque(page) \
	((HeliosPageOpaque) PageGetSpecialPointer(page))

/*
 * A new (all-zero) page has no special space yet: one a backend extended
 * the relation with and did not initialize before it failed is read before
 * helios_get_buffer_for_tuple initializes it (PageGetSpecialPointer asserts).
 */
#define HeliosPageIsAllVisible(page) \
	(!PageIsNew(page) && \
	 (HeliosPageGetOpaque(page)->hp_flags & HP_ALL_VISIBLE) != 0)
#define HeliosPageSetAllVisible(page) \
	(HeliosPageGetOpaque(page)->hp_flags |= HP_ALL_VISIBLE)
#define HeliosPageClearAllVisible(page) \
	(HeliosPageGetOpaque(page)->hp_flags &= ~HP_ALL_VISIBLE)

/* Set the prune hint to xid if it is older than the current one. */
#define HeliosPageSetPrunable(page, xid) \
	do { \
		HeliosPageOpaque _op = HeliosPageGetOpaque(page); \
		Assert(TransactionIdIsNormal(xid)); \
		if (!TransactionIdIsValid(_op->hp_prune_xid) || \
			TransactionIdPrecedes(xid, _op->hp_prune_xid)) \
			_op->hp_prune_xid = (xid); \
	} while (0)

/* a hint to the CPU to start loading memory that will be read soon */
#if defined(__GNUC__) || defined(__clang__)
#define helios_prefetch(addr)	__builtin_prefetch(addr)
#else
#define helios_prefetch(addr)	((void) (addr))
#endif

/* Usable space for tuples on an empty helios page. */
#define HeliosMaxTupleSize \
	(BLCKSZ - MAXALIGN(SizeOfPageHeaderData + sizeof(ItemIdData)) - \
	 MAXALIGN(sizeof(HeliosPageOpaqueData)))

extern void helios_page_init(Page page);
extern void helios_check_page(Relation rel, Buffer buf);
extern void helios_report_bad_item(Relation rel, Buffer buf, OffsetNumber off);

/*
 * Does line pointer lp of page lie inside the tuple area, long enough for a
 * tuple header?  Reads the line pointer only, not the item.
 */
static inline bool
helios_item_in_bounds(Page page, ItemId lp)
{
	PageHeader	phdr = (PageHeader) page;

	return ItemIdGetOffset(lp) >= phdr->pd_upper &&
		ItemIdGetOffset(lp) + ItemIdGetLength(lp) <= phdr->pd_special &&
		ItemIdGetLength(lp) >= SizeofHeapTupleHeader;
}

/*
 * Check that normal item off of a page lies inside the tuple area and holds
 * its whole header: a corrupt line pointer must not send a reader outside
 * the page.  Inline, since every read of a version passes here.
 */
static inline void
helios_check_item(Relation rel, Buffer buf, OffsetNumber off)
{
	Page		page = BufferGetPage(buf);
	ItemId		lp = PageGetItemId(page, off);

	if (unlikely(!helios_item_in_bounds(page, lp) ||
				 ((HeapTupleHeader) PageGetItem(page, lp))->t_hoff >
				 ItemIdGetLength(lp)))
		helios_report_bad_item(rel, buf, off);
}
extern Size helios_page_free_space(Page page);

#endif							/* HELIOS_PAGE_H */
