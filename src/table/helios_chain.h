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

extern int	helios_chain_members(Page page, BlockNumber blkno,
								 OffsetNumber root, OffsetNumber *members);

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
