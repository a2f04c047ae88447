/*-------------------------------------------------------------------------
 *
 * helios_tuple.h
 *	  Fixed-offset row format of helios tables.
 *
 * A helios tuple is
 *
 *	  HeapTupleHeaderData | null bitmap | [root TID] | pad | fixed region | var area
 *	  ^ t_data                                             ^ t_data + t_hoff
 *
 * The header is laid out exactly as heap's (xmin, xmax, cid, ctid,
 * infomask2, infomask, hoff), so PostgreSQL's MVCC machinery (snapshots,
 * clog, hint bits, multixacts, combo cids, SSI) applies to it unchanged.
 *
 * Everything after t_hoff is helios's own: every attribute owns a slot in
 * the fixed region at an offset computed once per tuple descriptor
 * (HeliosLayout).  Fixed-width attributes (attlen > 0) are stored in their
 * slot, aligned, and the slot is present even when the value is NULL.
 * Variable-width attributes (varlena, cstring) have a 2-byte slot holding
 * the offset, from the start of the data area, of the value in the var
 * area.  Reading attribute k is therefore one load at a known offset.
 *
 * WIDE tuples.  A tuple whose data area would pass 64 KiB cannot address
 * its var area with 2-byte offsets.  Such a tuple never reaches a page (a
 * page holds 8 kB), but it exists in memory before TOAST shrinks it: an
 * INSERT of a 1 MB text value forms one, and so do slots materialized from
 * big values.  It is formed with 4-byte var slots instead (the WIDE layout,
 * HeliosLayout.wide, where every later slot moves accordingly) and carries
 * HELIOS_WIDE in t_infomask.  Readers pick the layout by that bit once per
 * tuple (helios_tuple_layout), never per attribute.
 *
 * Variable-width values are stored as heap stores them (heaptuple.c's
 * fill_val): an already short value is copied as it is, a value of a
 * packable column (attlen -1, storage other than PLAIN) gets a 1-byte
 * header when it fits one, and every other value keeps its 4-byte header,
 * aligned.  Types with PLAIN storage (tsquery, int2vector, oidvector, ...)
 * may read their values without detoasting, so they must never be packed.
 *
 * Attributes are laid out in attnum order, so a tuple written before ALTER
 * TABLE ADD COLUMN (fewer attributes, HeapTupleHeaderGetNatts) has the same
 * offsets for the attributes it has; the rest read as NULL or as the
 * column's missing value.
 *
 * Forward links (src/table/README, "Forward links").  The first version of
 * a row stored on a page other than its root's page (the head of the
 * row's off-page segment) carries HELIOS_FORWARDED in t_infomask2 and its
 * root TID right after the null bitmap (inside t_hoff).  A version that is
 * dead to everyone but still links the chain on (t_ctid) is cut down to a
 * STUB: its header (and root TID, if forwarded), HELIOS_STUB set, frozen
 * xmin and xmax, so that it is never visible and never needs freezing.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_TUPLE_H
#define HELIOS_TUPLE_H

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "executor/tuptable.h"
#include "utils/rel.h"

/* t_infomask2 bits 0x0800 and 0x1000 are free in heap's format. */
#define HELIOS_FORWARDED		0x0800
#define HELIOS_STUB				0x1000

/*
 * t_infomask bit 0x0008 (HEAP_HASOID_OLD) has been unused by heap since
 * PostgreSQL 12; helios marks in-memory tuples with 4-byte var slots with it.
 */
#define HELIOS_WIDE				0x0008

/* Largest data area that 2-byte var slots can address. */
#define HELIOS_NARROW_DATA_MAX	PG_UINT16_MAX

static inline bool
HeliosTupleIsWide(HeapTupleHeader tup)
{
	return (tup->t_infomask & HELIOS_WIDE) != 0;
}

static inline bool
HeliosTupleIsForwarded(HeapTupleHeader tup)
{
	return (tup->t_infomask2 & HELIOS_FORWARDED) != 0;
}

static inline bool
HeliosTupleIsStub(HeapTupleHeader tup)
{
	return (tup->t_infomask2 & HELIOS_STUB) != 0;
}

/* How an attribute's value is read from its slot (HeliosAttrSlot.fetch). */
typedef enum HeliosFetch
{
	HELIOS_FETCH_BYTE,			/* by value, 1 byte */
	HELIOS_FETCH_INT16,			/* by value, 2 bytes */
	HELIOS_FETCH_INT32,			/* by value, 4 bytes */
	HELIOS_FETCH_INT64,			/* by value, 8 bytes */
	HELIOS_FETCH_BYREF,			/* fixed width, by reference: the slot */
	HELIOS_FETCH_VAR,			/* varlena/cstring: slot holds a uint16 offset */
	HELIOS_FETCH_VAR32			/* the same in a wide tuple: a uint32 offset */
} HeliosFetch;

typedef struct HeliosAttrSlot
{
	uint16		off;			/* offset of the slot in the fixed region */
	int16		attlen;			/* as pg_attribute.attlen */
	bool		attbyval;
	char		attalign;
	bool		packable;		/* varlena that may get a 1-byte header */
	uint8		fetch;			/* HeliosFetch */
} HeliosAttrSlot;

/* The value of attribute slot a of a tuple whose data area starts at data. */
static inline Datum
helios_fetch_slot(const HeliosAttrSlot *a, char *data)
{
	char	   *slotp = data + a->off;

	switch ((HeliosFetch) a->fetch)
	{
		case HELIOS_FETCH_BYTE:
			return CharGetDatum(*slotp);
		case HELIOS_FETCH_INT16:
			return Int16GetDatum(*(int16 *) slotp);
		case HELIOS_FETCH_INT32:
			return Int32GetDatum(*(int32 *) slotp);
		case HELIOS_FETCH_INT64:
			return Int64GetDatum(*(int64 *) slotp);
		case HELIOS_FETCH_BYREF:
			return PointerGetDatum(slotp);
		case HELIOS_FETCH_VAR32:
			return PointerGetDatum(data + *(uint32 *) slotp);
		case HELIOS_FETCH_VAR:
			break;
	}
	return PointerGetDatum(data + *(uint16 *) slotp);
}

typedef struct HeliosLayout
{
	int			natts;
	/* fixed_end[k]: end of the fixed region of a tuple with k attributes */
	uint16	   *fixed_end;
	/* the layout of wide tuples (4-byte var slots); itself for a wide one */
	struct HeliosLayout *wide;
	HeliosAttrSlot attrs[FLEXIBLE_ARRAY_MEMBER];
} HeliosLayout;

/*
 * Layout of a tuple descriptor, built in mcxt as one allocation (with its
 * wide twin): pfree(layout) frees it.
 */
extern HeliosLayout *helios_layout_build(TupleDesc tupdesc, MemoryContext mcxt);

/* The layout that tuple td was formed with: layout itself or its wide twin. */
static inline HeliosLayout *
helios_tuple_layout(HeliosLayout *layout, HeapTupleHeader td)
{
	return unlikely(HeliosTupleIsWide(td)) ? layout->wide : layout;
}

/* Layout of a relation, cached in rd_amcache. */
extern HeliosLayout *helios_relation_layout(Relation rel);

/* Size of the header part (t_hoff) of a tuple. */
extern Size helios_header_size(int natts, bool hasnull, bool forwarded);

/* Size of the data area (fixed region + var area) for these values. */
extern Size helios_data_size(HeliosLayout *layout, Datum *values, bool *isnull);

/*
 * Form a tuple from values/isnull (already detoasted/toasted as the caller
 * wants).  Returns a palloc'd HeapTuple whose t_data points right after the
 * HeapTupleData, as heap_form_tuple does.
 */
extern HeapTuple helios_form_tuple(HeliosLayout *layout, TupleDesc tupdesc,
								   Datum *values, bool *isnull);

/* Deform attributes [0, natts) of tup into values/isnull. */
extern void helios_deform_tuple(HeliosLayout *layout, TupleDesc tupdesc,
								HeapTuple tup, Datum *values, bool *isnull,
								int natts);

/* Fetch one attribute (0-based) of tup. */
extern Datum helios_getattr(HeliosLayout *layout, TupleDesc tupdesc,
							HeapTuple tup, int attno, bool *isnull);

/* Root TID stored in a forwarded version. */
static inline ItemPointer
HeliosTupleRootTid(HeapTupleHeader tup)
{
	Size		off = SizeofHeapTupleHeader;

	Assert(tup->t_infomask2 & HELIOS_FORWARDED);
	if (tup->t_infomask & HEAP_HASNULL)
		off += BITMAPLEN(HeapTupleHeaderGetNatts(tup));
	return (ItemPointer) ((char *) tup + off);
}

/*
 * tup with its root TID added (HELIOS_FORWARDED) or removed; a new palloc'd
 * tuple, header fields copied.
 */
extern HeapTuple helios_tuple_set_forwarded(HeapTuple tup, ItemPointer root);
extern HeapTuple helios_tuple_clear_forwarded(HeapTuple tup);

/* A palloc'd copy of a version, without the root TID of a forwarded one. */
extern HeapTuple helios_copy_version(HeapTuple tuple);

/*
 * Cut the version in item lp of page down to a stub linking to *link
 * (primary and redo).  The caller defragments the page afterwards.
 */
extern void helios_tuple_make_stub(Page page, ItemId lp, ItemPointer link);

/* The slot type of helios tables. */
extern PGDLLIMPORT const TupleTableSlotOps TTSOpsHeliosTuple;

typedef struct HeliosTupleTableSlot
{
	TupleTableSlot base;
	HeapTuple	tuple;			/* the stored tuple, or NULL */
	HeapTupleData tupdata;		/* header for on-page tuples */
	Buffer		buffer;			/* pin held for an on-page tuple */
	HeliosLayout *layout;		/* layout of base.tts_tupleDescriptor */
} HeliosTupleTableSlot;

/*
 * Store tuple in slot.  If buffer is valid the tuple lives on that page and
 * the slot takes its own pin; tid is the row identity (root TID) to report.
 */
extern void helios_slot_store(TupleTableSlot *slot, HeapTuple tuple,
							  Buffer buffer, ItemPointer tid, bool shouldFree);
extern void helios_slot_store_found(TupleTableSlot *slot, HeapTuple tuple,
									HeapTuple copy, Buffer buffer,
									ItemPointer tid);

/*
 * Store the version at item veroff of the pinned page in buffer, reported
 * as row (blkno, rootoff); the slot's tts_tableOid must already be set.
 */
extern void helios_slot_store_page_version(TupleTableSlot *slot,
										   Buffer buffer, BlockNumber blkno,
										   OffsetNumber veroff,
										   OffsetNumber rootoff);

/*
 * After INSERT or UPDATE stored tup, formed from slot's values and carrying
 * its final header: let slot's system columns (xmin, xmax, cmin) report it,
 * as heap's slot does, for RETURNING and AFTER triggers.
 */
extern void helios_slot_set_stored(TupleTableSlot *slot, HeapTuple tup);

/* Form a helios tuple from any slot's contents. */
extern HeapTuple helios_slot_form_tuple(TupleTableSlot *slot,
										HeliosLayout *layout);

#endif							/* HELIOS_TUPLE_H */
