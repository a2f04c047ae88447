/*-------------------------------------------------------------------------
 *
 * helios_xmax.h
 *	  Row-lock and multixact rules shared by helios DML (helios_xmax.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_XMAX_H
#define HELIOS_XMAX_H

#include "access/multixact.h"
#include "access/tableam.h"
#include "nodes/lockoptions.h"
#include "storage/buf.h"
#include "storage/itemptr.h"
#include "storage/lmgr.h"
#include "utils/relcache.h"

typedef struct HeliosTupLockInfo
{
	LOCKMODE	hwlock;			/* heavyweight tuple lock for the mode */
	int			lockstatus;		/* MultiXactStatus when only locking */
	int			updstatus;		/* MultiXactStatus when updating, or -1 */
} HeliosTupLockInfo;

extern const HeliosTupLockInfo helios_tuplock_info[MaxLockTupleMode + 1];
extern const int helios_mxstatus_lock[MaxMultiXactStatus + 1];

#define TUPLOCK_from_mxstatus(status) (helios_mxstatus_lock[(status)])
#define LOCKMODE_from_mxstatus(status) \
	(helios_tuplock_info[TUPLOCK_from_mxstatus((status))].hwlock)
#define LockTupleTuplock(rel, tup, mode) \
	LockTuple((rel), (tup), helios_tuplock_info[mode].hwlock)
#define UnlockTupleTuplock(rel, tup, mode) \
	UnlockTuple((rel), (tup), helios_tuplock_info[mode].hwlock)
#define ConditionalLockTupleTuplock(rel, tup, mode) \
	ConditionalLockTuple((rel), (tup), helios_tuplock_info[mode].hwlock)

extern void helios_update_xmax_hint_bits(HeapTupleHeader tuple, Buffer buffer,
										 TransactionId xid);
extern MultiXactStatus helios_mxact_status_for_lock(LockTupleMode mode,
													bool is_update);
extern bool helios_acquire_tuplock(Relation relation, ItemPointer tid,
								   LockTupleMode mode,
								   LockWaitPolicy wait_policy,
								   bool *have_tuple_lock);
extern void helios_compute_new_xmax_infomask(TransactionId xmax,
											 uint16 old_infomask,
											 uint16 old_infomask2,
											 TransactionId add_to_xmax,
											 LockTupleMode mode,
											 bool is_update,
											 TransactionId *result_xmax,
											 uint16 *result_infomask,
											 uint16 *result_infomask2);
extern TM_Result helios_test_lockmode_for_conflict(MultiXactStatus status,
												   TransactionId xid,
												   LockTupleMode mode,
												   HeapTuple tup,
												   bool *needwait);
extern void helios_multixact_hint_bits(MultiXactId multi, uint16 *new_infomask,
									   uint16 *new_infomask2);
extern TransactionId helios_multixact_update_xid(TransactionId xmax,
												 uint16 t_infomask);
extern bool helios_multixact_conflicts(MultiXactId multi, uint16 infomask,
									   LockTupleMode lockmode,
									   bool *current_is_member);
extern bool helios_do_multixact_wait(MultiXactId multi, MultiXactStatus status,
									 uint16 infomask, bool nowait,
									 Relation rel, ItemPointer ctid,
									 XLTW_Oper oper, int *remaining);
extern void helios_multixact_wait(MultiXactId multi, MultiXactStatus status,
								  uint16 infomask, Relation rel,
								  ItemPointer ctid, XLTW_Oper oper,
								  int *remaining);
extern bool helios_conditional_multixact_wait(MultiXactId multi,
											  MultiXactStatus status,
											  uint16 infomask, Relation rel,
											  int *remaining);
extern bool helios_xmax_infomask_changed(uint16 new_infomask,
										 uint16 old_infomask);

/*
 * True if this transaction holds a row lock (not an update) on a version
 * another transaction made: after EvalPlanQual or ON CONFLICT locked the
 * newest version of a row, that is the version the statement goes on with.
 * With stronger_than_key_share, a FOR KEY SHARE lock does not count: a
 * NO KEY UPDATE of another transaction carries such a lock of ours over to
 * the version it makes, which we never locked ourselves.
 */
extern bool helios_locked_by_us(HeapTupleHeader tup,
								bool stronger_than_key_share);

#endif							/* HELIOS_XMAX_H */
