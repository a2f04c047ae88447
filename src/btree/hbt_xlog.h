/*-------------------------------------------------------------------------
 *
 * hbt_xlog.h
 *	  WAL records of helios_btree, written through the helios resource
 *	  manager as XLOG_HELIOS_BTREE; the first byte of the main data says
 *	  which.
 *
 * INSERT adds one item; XMAX stamps an entry's end; VACUUM removes,
 * freezes and clears entries; IMAGES carries full-page images of every page
 * a structural change touched (a split with its parent insertions, a new
 * root and the metapage), so that a split and its downlink are one atomic
 * record and recovery never sees a half-finished split.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HBT_XLOG_H
#define HBT_XLOG_H

#include "btree/hbt.h"

#define XLOG_HELIOS_BTREE	0xE0	/* in helios's xl_info space */

#define HBT_XLOG_INSERT		1
#define HBT_XLOG_IMAGES		2
#define HBT_XLOG_XMAX		3
#define HBT_XLOG_VACUUM		4

/* INSERT: block 0 = page; block data = the item. */
typedef struct xl_hbt_insert
{
	uint8		subop;
	OffsetNumber off;
} xl_hbt_insert;

/* IMAGES: blocks 0..nblocks-1, each a full-page image. */
typedef struct xl_hbt_images
{
	uint8		subop;
	uint8		nblocks;
} xl_hbt_images;

/* XMAX: block 0 = leaf; the entry at off gets version. */
typedef struct xl_hbt_xmax
{
	uint8		subop;
	OffsetNumber off;
	HbtVersion	version;
} xl_hbt_xmax;

/*
 * VACUUM: block 0 = leaf; followed by nfrozen, ncleared and ndeleted
 * OffsetNumbers, applied in that order (offsets are before deletion).
 */
typedef struct xl_hbt_vacuum
{
	uint8		subop;
	TransactionId conflictHorizon;	/* newest xid a standby snapshot must
									 * see finished: of removed entries'
									 * xmax and frozen entries' xmin */
	uint16		nfrozen;
	uint16		ncleared;
	uint16		ndeleted;
} xl_hbt_vacuum;

#define SizeOfHbtVacuum	(offsetof(xl_hbt_vacuum, ndeleted) + sizeof(uint16))

extern bool hbt_building;

#define HbtNeedsWAL(rel)	(RelationNeedsWAL(rel) && !hbt_building)

extern void hbt_log_insert(Relation rel, Buffer buf, OffsetNumber off,
						   Item item, Size size);
extern XLogRecPtr hbt_log_images(Buffer *bufs, int nbufs);
extern void hbt_log_vacuum(Buffer buf, TransactionId latestRemoved,
						   OffsetNumber *frozen, int nfrozen,
						   OffsetNumber *cleared, int ncleared,
						   OffsetNumber *deleted, int ndeleted);

#endif							/* HBT_XLOG_H */
