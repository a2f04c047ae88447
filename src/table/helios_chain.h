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

extern int	helios_chain_members(Page page, BlockNumber blkno,
								 OffsetNumber root, OffsetNumber *members);
extern void helios_member_tuple(Relation rel, Buffer buffer,
								OffsetNumber offnum, HeapTuple tuple);
extern void helios_check_tid(Relation rel, ItemPointer tid, Page page);
extern void helios_log_tuple_data(HeapTuple tup, uint8 block_id);

#endif							/* HELIOS_CHAIN_H */
