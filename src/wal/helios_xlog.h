/*-------------------------------------------------------------------------
 *
 * helios_xlog.h
 *	  WAL record formats of the helios resource manager.
 *
 * One record per logical page change.  Every record registers the buffers
 * it changes with XLogRegisterBuffer, so full-page images, torn-page
 * protection and wal_consistency_checking work as for heap.  Tuples are
 * logged as xl_helios_header + the tuple bytes after the fixed header
 * (null bitmap, optional root TID, padding, fixed region, var area); redo
 * fills in xmin/cmin/ctid, as heap does.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_XLOG_H
#define HELIOS_XLOG_H

#include "access/heapam_xlog.h"
#include "access/xlogreader.h"
#include "lib/stringinfo.h"
#include "storage/off.h"

/*
 * Record types: the high 4 bits of xl_info (the low 4 belong to the WAL
 * machinery).  INSERT, MULTI_INSERT and UPDATE have a second code, with
 * XLOG_HELIOS_INIT_PAGE added, for records that (re)initialize the target
 * page: redo starts from an empty page instead of reading the block.
 */
#define XLOG_HELIOS_INSERT			0x00
#define XLOG_HELIOS_MULTI_INSERT	0x20
#define XLOG_HELIOS_UPDATE			0x40	/* new version gets a new root */
#define XLOG_HELIOS_CHAIN_UPDATE	0x60	/* new version joins the chain */
#define XLOG_HELIOS_DELETE			0x70
#define XLOG_HELIOS_LOCK			0x80
#define XLOG_HELIOS_PRUNE			0x90
#define XLOG_HELIOS_FREEZE			0xA0
#define XLOG_HELIOS_VISIBLE			0xB0
#define XLOG_HELIOS_CONFIRM			0xC0	/* speculative insertion done */
#define XLOG_HELIOS_SPEC_ABORT		0xD0	/* speculative insertion killed */

#define XLOG_HELIOS_INIT_PAGE		0x10

/* The record type of xl_info, without XLOG_HELIOS_INIT_PAGE. */
static inline uint8
helios_xlog_op(uint8 info)
{
	uint8		op = info & XLR_RMGR_INFO_MASK;

	return op < XLOG_HELIOS_CHAIN_UPDATE ? (op & ~XLOG_HELIOS_INIT_PAGE) : op;
}

static inline bool
helios_xlog_init_page(uint8 info)
{
	return (info & XLR_RMGR_INFO_MASK) < XLOG_HELIOS_CHAIN_UPDATE &&
		(info & XLOG_HELIOS_INIT_PAGE) != 0;
}

/* xl_helios_*.flags bits */
#define XLH_ALL_VISIBLE_CLEARED		0x01	/* (old) page's VM bit cleared */
#define XLH_NEW_ALL_VISIBLE_CLEARED	0x02	/* update: new page's VM bit */
#define XLH_IS_SPECULATIVE			0x04	/* insert: speculative token */
#define XLH_PARTITION_MOVE			0x08	/* delete: row moved partitions */

/* What the tuple header looks like before redo fills in xmin/cid/ctid. */
typedef struct xl_helios_header
{
	uint16		t_infomask2;
	uint16		t_infomask;
	uint8		t_hoff;
} xl_helios_header;

#define SizeOfHeliosHeader	(offsetof(xl_helios_header, t_hoff) + sizeof(uint8))

/*
 * INSERT: block 0 = target page; block data = xl_helios_header + tuple
 * bytes from offsetof(HeapTupleHeaderData, t_bits).
 */
typedef struct xl_helios_insert
{
	OffsetNumber offnum;
	uint8		flags;
} xl_helios_insert;

#define SizeOfHeliosInsert	(offsetof(xl_helios_insert, flags) + sizeof(uint8))

/*
 * MULTI_INSERT: block 0 = target page; main data = this struct with its
 * offsets, left out with XLOG_HELIOS_INIT_PAGE (the page was empty: the
 * offsets are 1..ntuples); block data = for each tuple, an
 * xl_helios_multi_tuple followed by its bytes (each entry SHORTALIGNed).
 */
typedef struct xl_helios_multi_insert
{
	uint8		flags;
	uint16		ntuples;
	OffsetNumber offsets[FLEXIBLE_ARRAY_MEMBER];
} xl_helios_multi_insert;

#define SizeOfHeliosMultiInsert	offsetof(xl_helios_multi_insert, offsets)

typedef struct xl_helios_multi_tuple
{
	uint16		datalen;		/* bytes after this struct */
	uint16		t_infomask2;
	uint16		t_infomask;
	uint8		t_hoff;
} xl_helios_multi_tuple;

#define SizeOfHeliosMultiTuple	(offsetof(xl_helios_multi_tuple, t_hoff) + sizeof(uint8))

/*
 * DELETE: block 0 = page.  Sets xmax, infomask bits (infobits_set, as
 * heap's XLHL_* bits: see helios_infobits), clears HEAP_HOT_UPDATED, sets
 * ctid to itself (or, for a tuple superseded by a new-root update, that is
 * done by UPDATE), and cmax is lost as in heap.
 */
typedef struct xl_helios_delete
{
	TransactionId xmax;
	OffsetNumber offnum;
	uint8		infobits_set;
	uint8		flags;
} xl_helios_delete;

#define SizeOfHeliosDelete	(offsetof(xl_helios_delete, flags) + sizeof(uint8))

/*
 * UPDATE / CHAIN_UPDATE: block 0 = new page, block 1 = old page if it is a
 * different page.  Block 0 data = xl_helios_header + new tuple bytes.
 * The old version gets old_xmax / old_infobits_set and ctid -> new; with
 * CHAIN_UPDATE the old version is marked HEAP_HOT_UPDATED and the new one
 * HEAP_ONLY_TUPLE (those bits also travel in the header).
 */
typedef struct xl_helios_update
{
	TransactionId old_xmax;
	OffsetNumber old_offnum;
	uint8		old_infobits_set;
	uint8		flags;
	TransactionId new_xmax;		/* xmax of the new version (locker) */
	OffsetNumber new_offnum;
} xl_helios_update;

#define SizeOfHeliosUpdate	(offsetof(xl_helios_update, new_offnum) + sizeof(OffsetNumber))

/* LOCK: block 0 = page. */
typedef struct xl_helios_lock
{
	TransactionId locking_xid;
	OffsetNumber offnum;
	uint8		infobits_set;
	uint8		flags;			/* XLH_ALL_VISIBLE_CLEARED */
} xl_helios_lock;

#define SizeOfHeliosLock	(offsetof(xl_helios_lock, flags) + sizeof(uint8))

/*
 * PRUNE: block 0 = page; block data = OffsetNumber arrays
 * redirected[2 * nredirected] (from, to), nowdead[ndead], then
 * xl_helios_stub stubs[nstubs] (versions cut down to stubs, with their new
 * link), then nowunused[rest].  latestRemovedXid drives hot-standby
 * conflicts.
 */
typedef struct xl_helios_prune
{
	TransactionId latestRemovedXid;
	uint16		nredirected;
	uint16		ndead;
	uint16		nstubs;
} xl_helios_prune;

#define SizeOfHeliosPrune	(offsetof(xl_helios_prune, nstubs) + sizeof(uint16))

typedef struct xl_helios_stub
{
	OffsetNumber offnum;
	ItemPointerData link;
} xl_helios_stub;

#define XLH_UPDATE_FORWARD			0x10	/* update: new version forwarded */

/*
 * FREEZE: block 0 = page; block data = array of xl_heap_freeze_tuple
 * (PostgreSQL's freeze plan, built by heap_prepare_freeze_tuple and applied
 * by heap_execute_freeze_tuple: both only read the tuple header, which
 * helios shares with heap).  cutoff_xid drives hot-standby conflicts.
 */

typedef struct xl_helios_freeze
{
	TransactionId cutoff_xid;
	uint16		ntuples;
} xl_helios_freeze;

#define SizeOfHeliosFreeze	(offsetof(xl_helios_freeze, ntuples) + sizeof(uint16))

/*
 * VISIBLE: block 0 = visibility map page, block 1 = table page.  Sets the
 * VM bits in flags (VISIBILITYMAP_*) and the page's HP_ALL_VISIBLE flag.
 */
typedef struct xl_helios_visible
{
	TransactionId cutoff_xid;
	uint8		flags;
} xl_helios_visible;

#define SizeOfHeliosVisible	(offsetof(xl_helios_visible, flags) + sizeof(uint8))

/* CONFIRM / SPEC_ABORT: block 0 = page. */
typedef struct xl_helios_confirm
{
	OffsetNumber offnum;
} xl_helios_confirm;

#define SizeOfHeliosConfirm	(offsetof(xl_helios_confirm, offnum) + sizeof(OffsetNumber))

/*
 * infobits_set bits: which xmax-related infomask bits the record sets.
 * Identical in meaning to heap's XLHL_*.
 */
#define XLHI_XMAX_IS_MULTI		0x01
#define XLHI_XMAX_LOCK_ONLY		0x02
#define XLHI_XMAX_EXCL_LOCK		0x04
#define XLHI_XMAX_KEYSHR_LOCK	0x08
#define XLHI_KEYS_UPDATED		0x10

extern uint8 helios_infobits(uint16 infomask, uint16 infomask2);
extern void helios_fix_infomask_from_infobits(uint8 infobits,
											  uint16 *infomask,
											  uint16 *infomask2);

/* resource manager callbacks (helios_xlog.c, helios_xlogdesc.c) */
extern void helios_xlog_register(void);
extern void helios_redo(XLogReaderState *record);
extern void helios_desc(StringInfo buf, XLogReaderState *record);
extern const char *helios_identify(uint8 info);
extern void helios_mask(char *pagedata, BlockNumber blkno);

#endif							/* HELIOS_XLOG_H */
