/*-------------------------------------------------------------------------
 *
 * helios_vm.h
 *	  Page-level operations shared by DML, pruning, VACUUM and redo.
 *
 * Each function here changes pages in exactly the way the matching redo
 * routine of the helios resource manager does, so that a primary and its
 * standbys compute the same page: the primary calls it inside its critical
 * section before writing the WAL record, redo calls it when replaying that
 * record.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_VM_H
#define HELIOS_VM_H

#include "storage/block.h"
#include "storage/buf.h"
#include "storage/off.h"
#include "utils/rel.h"

struct xl_helios_stub;

/*
 * Mark table block heapBlk all-visible (and/or all-frozen, per the
 * VISIBILITYMAP_* bits in flags): HP_ALL_VISIBLE on the page and the bits
 * in the visibility map, WAL-logged as one XLOG_HELIOS_VISIBLE record.
 *
 * The caller holds an exclusive lock on heapBuf (the buffer of heapBlk) and
 * has pinned vmBuf with visibilitymap_pin(rel, heapBlk, &vmBuf); vmBuf is
 * locked and unlocked here.  cutoff_xid is the newest xmin on the page (or
 * InvalidTransactionId): standby queries that may not see it yet conflict.
 * Nothing happens if the page flag and the requested bits are already set.
 *
 * The argument order follows visibilitymap_set(): block number, then the
 * table buffer.
 */
extern void helios_vm_set(Relation rel, BlockNumber heapBlk, Buffer heapBuf,
						  Buffer vmBuf, TransactionId cutoff_xid, uint8 flags);

/*
 * Apply a prune plan to a table page: line pointers redirected[2 * i] become
 * redirects to redirected[2 * i + 1], nowdead[] become LP_DEAD, nowunused[]
 * become LP_UNUSED; then the page is defragmented and trailing unused line
 * pointers are dropped.
 *
 * Page changes only: no WAL, no MarkBufferDirty, no critical section.  The
 * caller holds a cleanup lock on buffer (tuples move) and, outside redo,
 * wraps the call and its XLOG_HELIOS_PRUNE record in a critical section.
 */
extern void helios_page_prune_execute(Buffer buffer,
									  OffsetNumber *redirected, int nredirected,
									  OffsetNumber *nowdead, int ndead,
									  struct xl_helios_stub *stubs, int nstubs,
									  OffsetNumber *nowunused, int nunused);

#endif							/* HELIOS_VM_H */
