/*-------------------------------------------------------------------------
 *
 * helios_chain.h
 *	  Version-chain helpers shared by heliosam.c and helios_dml.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_CHAIN_H
#define HELIOS_CHAIN_H

#include "access/htup.h"
#include "storage/bufpage.h"
#include "utils/rel.h"

#include "table/helios_page.h"
#include "wal/helios_xlog.h"

/*
 * The part of a row's version chain stored on one page: a SEGMENT.  The
 * root's page holds the first one; a forward link (src/table/README) leads
 * to a segment on another page, whose head is a HELIOS_FORWARDED version
 * naming the root.  Members are listed oldest first, stubs left out.
 */
typedef struct HeliosSegment
{
	int			n;
	OffsetNumber members[MaxHeapTuplesPerPage];
	ItemPointerData next;		/* head of the next segment; invalid if the
								 * chain ends on this page */
	TransactionId next_xmin;	/* raw xmin that head must have; invalid when
								 * the link is a stub's */
	int			hops;			/* pages followed so far */
} HeliosSegment;

extern void helios_chain_segment(Relation rel, Buffer buffer,
								 ItemPointer rowid, OffsetNumber start,
								 TransactionId start_xmin,
								 HeliosSegment *seg);
extern Buffer helios_read_link_page(Relation rel, BlockNumber blkno);
extern Buffer helios_segment_follow(Relation rel, ItemPointer rowid,
									HeliosSegment *seg, int lockmode);
extern Buffer helios_write_segment(Relation rel, Buffer buffer,
								   ItemPointer rowid, int max_hops,
								   HeliosSegment *seg, ItemPointer start,
								   TransactionId *start_xmin);

/*
 * target_member / lock_target: the write is about an earlier segment of the
 * row (the caller looks again with fewer hops)
 */
#define HELIOS_BACK_TO_ROOT		((OffsetNumber) 0xFFFF)

/*
 * An UPDATE forwards a row's new version only while the version it
 * replaces is fewer links than this from the root (src/table/README).
 */
#define HELIOS_FORWARD_HOPS		2

/*
 * More links than any row's chain can have: pruning collapses links over
 * dead segments, and each link leads to a distinct item.  A walk that gets
 * this far is going round in circles on corrupt pages.
 */
#define HELIOS_MAX_HOPS			(1 << 24)

/* The row's segment on its root's page (buffer, locked), at item root. */
static inline void
helios_root_segment(Relation rel, Buffer buffer, OffsetNumber root,
					HeliosSegment *seg)
{
	ItemPointerData rowid;

	ItemPointerSet(&rowid, BufferGetBlockNumber(buffer), root);
	seg->hops = 0;
	helios_chain_segment(rel, buffer, &rowid, root, InvalidTransactionId, seg);
}

/*
 * Point tuple at the version in normal item offnum of the page in buffer
 * (locked or pinned): t_data into the page, t_self the version's own TID.
 */
static inline void
helios_member_tuple(Relation rel, Buffer buffer, OffsetNumber offnum,
					HeapTuple tuple)
{
	Page		page = BufferGetPage(buffer);
	ItemId		lp = PageGetItemId(page, offnum);

	Assert(ItemIdIsNormal(lp));
	helios_check_item(rel, buffer, offnum);
	tuple->t_data = (HeapTupleHeader) PageGetItem(page, lp);
	tuple->t_len = ItemIdGetLength(lp);
	tuple->t_tableOid = RelationGetRelid(rel);
	ItemPointerSet(&tuple->t_self, BufferGetBlockNumber(buffer), offnum);
}
extern void helios_check_tid(Relation rel, ItemPointer tid, Page page);
extern void helios_log_tuple_data(HeapTuple tup, uint8 block_id,
								  xl_helios_header *xlhdr);

#endif							/* HELIOS_CHAIN_H */
