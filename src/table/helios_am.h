/*-------------------------------------------------------------------------
 *
 * helios_am.h
 *	  Internal interfaces of the helios table access method.
 *
 * Row identity.  A row is named by its root TID: the line pointer that
 * indexes point at.  An UPDATE that changes no indexed column links the new
 * version into the root's version chain (t_ctid forward, HEAP_HOT_UPDATED
 * on the old version, HEAP_ONLY_TUPLE on the new one) and the row keeps its
 * TID, on the root's page or, when the new version does not fit there,
 * through a forward link to another page; slots always report the root
 * TID.  Pruning turns a root whose first versions are dead into a redirect
 * line pointer, exactly as heap's HOT pruning does, so the chain rules are
 * heap's HOT rules (src/table/README, also "Forward links").
 *
 * Every function that walks a chain does so under the buffer lock of the
 * page it reads, one page at a time.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_AM_H
#define HELIOS_AM_H

#include "access/hio.h"
#include "access/tableam.h"
#include "access/heapam.h"
#include "nodes/tidbitmap.h"
#include "utils/snapshot.h"

#include "table/helios_page.h"
#include "table/helios_tuple.h"

/* ---- helios_handler.c ---- */
extern const TableAmRoutine *helios_tableam_routine(void);
extern bool helios_is_helios_rel(Relation rel);
extern PGDLLIMPORT HeapTuple helios_index_build_tuple;

/* ---- heliosam.c: chain walking, fetch, DML ---- */

/*
 * Find the member of the version chain rooted at offnum (on the locked
 * buffer) that is visible to snapshot.  On success fills *tuple (t_self =
 * the member's own TID, t_tableOid set) and returns true.  When the member
 * is on the root's page, t_data points into the page and *copy is NULL;
 * when the chain left the page (a forward link), the buffer is unlocked
 * while the other page is read and locked again before returning, and the
 * member comes as a palloc'd *copy (tuple is a shallow copy of it).  If
 * all_dead is given it is set to true when every member is dead to
 * everyone (the root's index entries can be killed).  Performs the SSI
 * checks (PredicateLockTID on the row, conflict-out).  The caller reports
 * the row as (block, offnum).
 */
extern bool helios_chain_search(Relation rel, Buffer buffer, Snapshot snapshot,
								OffsetNumber offnum, HeapTuple tuple,
								bool *all_dead, HeapTuple *copy);

/*
 * The same on the root's page alone: false with seg->next valid when the
 * row's chain goes on elsewhere; helios_search_forward goes on from there,
 * with no lock held on the root's page.
 */
struct HeliosSegment;
extern bool helios_chain_search_page(Relation rel, Buffer buffer,
									 Snapshot snapshot, OffsetNumber offnum,
									 HeapTuple tuple, bool *all_dead,
									 struct HeliosSegment *seg);
extern HeapTuple helios_search_forward(Relation rel, BlockNumber blkno,
									   OffsetNumber root,
									   struct HeliosSegment *seg,
									   Snapshot snapshot, bool *all_dead);

/*
 * A TID names a row by its root.  After an UPDATE, helios_update rewrites
 * the caller's TID to name the replaced version itself (a "version TID",
 * the member's offset with HELIOS_VERSION_TID set), because AFTER ROW
 * triggers fetch OLD by that TID after the row has a newer version under
 * the same root.  Only helios_fetch_row accepts version TIDs.
 */
#define HELIOS_VERSION_TID		0x8000

static inline bool
helios_is_version_tid(ItemPointer tid)
{
	return (ItemPointerGetOffsetNumberNoCheck(tid) & HELIOS_VERSION_TID) != 0;
}

/*
 * A successful row lock marks the caller's TID with HELIOS_LOCKED_TID: from
 * then on that TID names the version the lock holds, the row's newest,
 * where an unmarked root TID names the version the caller's snapshot sees.
 * heap gets the same from heapam_tuple_lock, which points the caller's TID
 * at the exact version it locked.  The executor locks a TID and then
 * fetches, updates or deletes by that same TID (EvalPlanQual in UPDATE,
 * DELETE and MERGE, BEFORE ROW triggers, ON CONFLICT DO UPDATE), while a
 * TID it takes from a scan (a row mark it does not lock, the target of an
 * UPDATE) stays unmarked, even when the statement locked the row's newest
 * version through another path.  Every helios entry point that takes a TID
 * accepts the mark (helios_row_tid removes it); none ever reports one.
 */
#define HELIOS_LOCKED_TID		0x4000

static inline bool
helios_is_locked_tid(ItemPointer tid)
{
	return (ItemPointerGetOffsetNumberNoCheck(tid) & HELIOS_LOCKED_TID) != 0;
}

/* tid without HELIOS_LOCKED_TID: the row's root TID (or a version TID). */
static inline ItemPointerData
helios_row_tid(ItemPointer tid)
{
	ItemPointerData res = *tid;

	ItemPointerSetOffsetNumber(&res, ItemPointerGetOffsetNumberNoCheck(tid) &
							   ~HELIOS_LOCKED_TID);
	return res;
}

/*
 * Fetch row tid's version into slot; false if none.  With SnapshotAny: a
 * version TID's own version; for a row, the newest version when this
 * transaction made or deleted it, or when tid carries HELIOS_LOCKED_TID,
 * else the one the active snapshot sees (what the statement read, for
 * EvalPlanQual's re-fetch of rows it does not lock), else the newest
 * committed one.
 */
extern bool helios_fetch_row(Relation rel, ItemPointer tid, Snapshot snapshot,
							 TupleTableSlot *slot);

extern void helios_insert(Relation rel, TupleTableSlot *slot, CommandId cid,
						  int options, BulkInsertState bistate,
						  uint32 specToken);
extern void helios_multi_insert(Relation rel, TupleTableSlot **slots,
								int ntuples, CommandId cid, int options,
								BulkInsertState bistate);
extern void helios_finish_speculative(Relation rel, ItemPointer tid);
extern void helios_abort_speculative(Relation rel, ItemPointer tid);
extern TM_Result helios_delete(Relation rel, ItemPointer tid, CommandId cid,
							   Snapshot snapshot, Snapshot crosscheck,
							   bool wait, TM_FailureData *tmfd,
							   bool changingPart);
extern TM_Result helios_update(Relation rel, ItemPointer otid,
							   TupleTableSlot *slot, CommandId cid,
							   Snapshot snapshot, Snapshot crosscheck,
							   bool wait, TM_FailureData *tmfd,
							   LockTupleMode *lockmode, bool *update_indexes);
extern TM_Result helios_lock(Relation rel, ItemPointer tid, Snapshot snapshot,
							 TupleTableSlot *slot, CommandId cid,
							 LockTupleMode mode, LockWaitPolicy wait_policy,
							 uint8 flags, TM_FailureData *tmfd);
extern void helios_get_latest_tid(Relation rel, Snapshot snapshot,
								  ItemPointer tid);

/* ---- helios_hio.c: finding room for a tuple ---- */
extern Buffer helios_get_buffer_for_tuple(Relation rel, Size len,
										  Buffer otherBuffer, int options,
										  BulkInsertState bistate,
										  Buffer *vmbuffer,
										  Buffer *vmbuffer_other);
extern OffsetNumber helios_put_tuple(Relation rel, Buffer buffer,
									 HeapTuple tuple, bool token);

/* ---- helios_prune.c ---- */

/* Opportunistic pruning on page access; buffer pinned, not locked. */
extern void helios_page_prune_opt(Relation rel, Buffer buffer);

/*
 * Prune the page (buffer cleanup-locked); returns number of tuples removed.
 * Dead chain members are removed, roots become redirects or dead, WAL
 * logged as XLOG_HELIOS_PRUNE.
 */
extern int	helios_page_prune(Relation rel, Buffer buffer,
							  struct GlobalVisState *vistest,
							  TransactionId old_snap_xmin,
							  TimestampTz old_snap_ts,
							  int *nnewlpdead,
							  OffsetNumber *off_loc);

/*
 * For each offset, its chain's root offset (InvalidOffsetNumber if none,
 * HELIOS_ROOT_ELSEWHERE for the versions of a row forwarded to this page).
 */
#define HELIOS_ROOT_ELSEWHERE	((OffsetNumber) 0xFFFF)
extern void helios_get_root_tuples(Page page, BlockNumber blkno,
								   OffsetNumber *root_offsets);

/* The roots of the page whose chains go on on another page. */
extern int	helios_forwarded_roots(Relation rel, Buffer buffer,
								   OffsetNumber *roots);

/* ---- helios_vacuum.c ---- */
extern void helios_vacuum_rel(Relation rel, struct VacuumParams *params,
							  BufferAccessStrategy bstrategy);
extern TransactionId helios_index_delete_tuples(Relation rel,
												TM_IndexDeleteOp *delstate);

/* ---- helios_toast.c ---- */

/*
 * Return newtup, or a copy with values compressed / moved to the toast
 * table, as heap_toast_insert_or_update does for heap tuples.
 */
extern HeapTuple helios_toast_tuple(Relation rel, HeapTuple newtup,
									HeapTuple oldtup, int options);
extern void helios_toast_delete(Relation rel, HeapTuple oldtup,
								bool is_speculative);

#endif							/* HELIOS_AM_H */
