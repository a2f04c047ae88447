/*-------------------------------------------------------------------------
 *
 * helios_tuple.c
 *	  Forming and deforming fixed-offset helios tuples.
 *
 * See helios_tuple.h for the format.  The layout of a tuple descriptor is
 * computed once (per relation, cached in rd_amcache; per slot for slots)
 * and every attribute access is a load at layout->attrs[k].off.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "table/helios_page.h"
#include "table/helios_tuple.h"

/*
 * Fill one layout of tupdesc: var slots of var_width bytes (2, or 4 for the
 * wide layout).  Returns false if the fixed region does not fit a page.
 */
static bool
helios_layout_fill(HeliosLayout *layout, TupleDesc tupdesc, int var_width)
{
	uint32		off = 0;

	layout->natts = tupdesc->natts;
	layout->fixed_end[0] = 0;
	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		HeliosAttrSlot *slot = &layout->attrs[i];

		slot->attlen = att->attlen;
		slot->attbyval = att->attbyval;
		slot->attalign = att->attalign;
		/* heaptuple.c's VARLENA_ATT_IS_PACKABLE */
		slot->packable = (att->attlen == -1 &&
						  att->attstorage != TYPSTORAGE_PLAIN);
		if (att->attlen < 0)
			slot->fetch = var_width == sizeof(uint16) ?
				HELIOS_FETCH_VAR : HELIOS_FETCH_VAR32;
		else if (!att->attbyval)
			slot->fetch = HELIOS_FETCH_BYREF;
		else if (att->attlen == sizeof(int64))
			slot->fetch = HELIOS_FETCH_INT64;
		else if (att->attlen == sizeof(int32))
			slot->fetch = HELIOS_FETCH_INT32;
		else if (att->attlen == sizeof(int16))
			slot->fetch = HELIOS_FETCH_INT16;
		else
		{
			Assert(att->attlen == 1);
			slot->fetch = HELIOS_FETCH_BYTE;
		}

		if (att->attlen > 0)
		{
			off = att_align_nominal(off, att->attalign);
			slot->off = off;
			off += att->attlen;
		}
		else
		{
			/* varlena or cstring: an offset into the var area */
			off = TYPEALIGN(var_width, off);
			slot->off = off;
			off += var_width;
		}
		if (off > PG_UINT16_MAX)
			return false;
		layout->fixed_end[i + 1] = off;
	}
	/* only the narrow layout is stored; the wide one follows from it */
	return off <= HeliosMaxTupleSize || var_width != sizeof(uint16);
}

HeliosLayout *
helios_layout_build(TupleDesc tupdesc, MemoryContext mcxt)
{
	int			natts = tupdesc->natts;
	Size		one = MAXALIGN(offsetof(HeliosLayout, attrs) +
							   sizeof(HeliosAttrSlot) * Max(natts, 1));
	Size		ends = MAXALIGN(sizeof(uint16) * (natts + 1));
	char	   *mem;
	HeliosLayout *layout;
	HeliosLayout *wide;

	/* both layouts and their fixed_end arrays in one chunk */
	mem = MemoryContextAlloc(mcxt, 2 * (one + ends));
	layout = (HeliosLayout *) mem;
	wide = (HeliosLayout *) (mem + one);
	layout->fixed_end = (uint16 *) (mem + 2 * one);
	wide->fixed_end = (uint16 *) (mem + 2 * one + ends);
	layout->wide = wide;
	wide->wide = wide;

	if (!helios_layout_fill(layout, tupdesc, sizeof(uint16)) ||
		!helios_layout_fill(wide, tupdesc, sizeof(uint32)))
	{
		pfree(mem);
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("helios rows cannot hold %d columns of these types", natts),
				 errdetail("The fixed part of a row would exceed %zu bytes.",
						   (Size) HeliosMaxTupleSize)));
	}
	return layout;
}

HeliosLayout *
helios_relation_layout(Relation rel)
{
	if (rel->rd_amcache == NULL)
		rel->rd_amcache = helios_layout_build(RelationGetDescr(rel),
											  rel->rd_indexcxt ? rel->rd_indexcxt : CacheMemoryContext);
	return (HeliosLayout *) rel->rd_amcache;
}

Size
helios_header_size(int natts, bool hasnull, bool forwarded)
{
	Size		len = SizeofHeapTupleHeader;

	if (hasnull)
		len += BITMAPLEN(natts);
	if (forwarded)
		len += sizeof(ItemPointerData);
	return MAXALIGN(len);
}

/*
 * Space a variable-width value takes in the var area at offset off, and
 * the value in the form it is stored, by heap's rules (fill_val): short
 * and external values as they are, packable values converted to a short
 * header where they fit one, every other value with its 4-byte header at
 * its alignment.
 */
static Size
helios_var_size(Datum value, const HeliosAttrSlot *a, Size off,
				bool *make_short, Size *datalen)
{
	Pointer		val = DatumGetPointer(value);

	*make_short = false;
	if (a->attlen == -2)
	{
		*datalen = strlen(val) + 1;
		return *datalen;
	}
	if (VARATT_IS_EXTERNAL_EXPANDED(val))
	{
		*datalen = EOH_get_flat_size(DatumGetEOHP(value));
		return att_align_nominal(off, a->attalign) - off + *datalen;
	}
	if (VARATT_IS_EXTERNAL(val))
	{
		*datalen = VARSIZE_EXTERNAL(val);
		return *datalen;
	}
	if (VARATT_IS_SHORT(val))
	{
		*datalen = VARSIZE_SHORT(val);
		return *datalen;
	}
	if (a->packable && VARATT_CAN_MAKE_SHORT(val))
	{
		*make_short = true;
		*datalen = VARATT_CONVERTED_SHORT_SIZE(val);
		return *datalen;
	}
	*datalen = VARSIZE(val);
	return att_align_nominal(off, a->attalign) - off + *datalen;
}

/* Size of the fixed region plus var area for these values. */
Size
helios_data_size(HeliosLayout *layout, Datum *values, bool *isnull)
{
	Size		len = layout->fixed_end[layout->natts];

	for (int i = 0; i < layout->natts; i++)
	{
		HeliosAttrSlot *a = &layout->attrs[i];
		bool		make_short;
		Size		datalen;

		if (isnull[i] || a->attlen > 0)
			continue;
		len += helios_var_size(values[i], a, len, &make_short, &datalen);
	}
	return len;
}

HeapTuple
helios_form_tuple(HeliosLayout *layout, TupleDesc tupdesc,
				  Datum *values, bool *isnull)
{
	int			natts = tupdesc->natts;
	bool		hasnull = false;
	Size		hoff;
	Size		len;
	HeapTuple	tuple;
	HeapTupleHeader td;
	char	   *data;
	bits8	   *bits = NULL;

	Assert(layout->natts == natts);
	if (natts > MaxTupleAttributeNumber)
		ereport(ERROR,
				(errcode(ERRCODE_TOO_MANY_COLUMNS),
				 errmsg("number of columns (%d) exceeds limit (%d)",
						natts, MaxTupleAttributeNumber)));

	for (int i = 0; i < natts; i++)
		if (isnull[i])
		{
			hasnull = true;
			break;
		}

	hoff = helios_header_size(natts, hasnull, false);
	len = helios_data_size(layout, values, isnull);
	if (len > HELIOS_NARROW_DATA_MAX)
	{
		/* 2-byte var slots cannot address it: form a wide tuple */
		layout = layout->wide;
		len = helios_data_size(layout, values, isnull);
	}
	if (hoff + len > MaxAllocSize - HEAPTUPLESIZE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("row is too big: size %zu, maximum size %zu",
						hoff + len, (Size) (MaxAllocSize - HEAPTUPLESIZE))));

	tuple = (HeapTuple) palloc0(HEAPTUPLESIZE + hoff + len);
	tuple->t_data = td = (HeapTupleHeader) ((char *) tuple + HEAPTUPLESIZE);
	tuple->t_len = hoff + len;
	ItemPointerSetInvalid(&tuple->t_self);
	tuple->t_tableOid = InvalidOid;

	HeapTupleHeaderSetDatumLength(td, hoff + len);
	HeapTupleHeaderSetTypeId(td, tupdesc->tdtypeid);
	HeapTupleHeaderSetTypMod(td, tupdesc->tdtypmod);
	HeapTupleHeaderSetNatts(td, natts);
	td->t_hoff = hoff;
	if (layout->wide == layout)
		td->t_infomask |= HELIOS_WIDE;
	if (hasnull)
	{
		td->t_infomask |= HEAP_HASNULL;
		bits = td->t_bits;
	}

	data = (char *) td + hoff;
	len = layout->fixed_end[natts];
	for (int i = 0; i < natts; i++)
	{
		HeliosAttrSlot *a = &layout->attrs[i];
		char	   *slotp = data + a->off;

		if (bits)
		{
			if (isnull[i])
				continue;		/* bitmap bit stays 0 */
			bits[i >> 3] |= (1 << (i & 7));
		}

		if (a->attlen > 0)
		{
			if (a->attbyval)
				store_att_byval(slotp, values[i], a->attlen);
			else
				memcpy(slotp, DatumGetPointer(values[i]), a->attlen);
		}
		else
		{
			Pointer		val = DatumGetPointer(values[i]);
			bool		make_short;
			Size		datalen;
			Size		need;
			Size		start;

			need = helios_var_size(values[i], a, len, &make_short, &datalen);
			start = len + need - datalen;
			if (a->fetch == HELIOS_FETCH_VAR32)
				*(uint32 *) slotp = (uint32) start;
			else
			{
				Assert(start <= HELIOS_NARROW_DATA_MAX);
				*(uint16 *) slotp = (uint16) start;
			}

			if (a->attlen == -2)
				memcpy(data + start, val, datalen);
			else if (VARATT_IS_EXTERNAL_EXPANDED(val))
				EOH_flatten_into(DatumGetEOHP(values[i]), data + start, datalen);
			else if (make_short)
			{
				SET_VARSIZE_SHORT(data + start, datalen);
				memcpy(data + start + 1, VARDATA(val), datalen - 1);
			}
			else
			{
				if (VARATT_IS_EXTERNAL(val))
					td->t_infomask |= HEAP_HASEXTERNAL;
				memcpy(data + start, val, datalen);
			}
			td->t_infomask |= HEAP_HASVARWIDTH;
			len += need;
		}
	}
	return tuple;
}

void
helios_deform_tuple(HeliosLayout *layout, TupleDesc tupdesc, HeapTuple tup,
					Datum *values, bool *isnull, int natts)
{
	HeapTupleHeader td = tup->t_data;
	int			tnatts = HeapTupleHeaderGetNatts(td);
	char	   *data = (char *) td + td->t_hoff;
	bits8	   *bits = HeapTupleHasNulls(tup) ? td->t_bits : NULL;
	int			n = Min(natts, tnatts);
	int			i;

	layout = helios_tuple_layout(layout, td);

	for (i = 0; i < n; i++)
	{
		if (bits && att_isnull(i, bits))
		{
			values[i] = (Datum) 0;
			isnull[i] = true;
			continue;
		}
		values[i] = helios_fetch_slot(&layout->attrs[i], data);
		isnull[i] = false;
	}
	/* columns added after this tuple was written */
	for (; i < natts; i++)
		values[i] = getmissingattr(tupdesc, i + 1, &isnull[i]);
}

Datum
helios_getattr(HeliosLayout *layout, TupleDesc tupdesc, HeapTuple tup,
			   int attno, bool *isnull)
{
	HeapTupleHeader td = tup->t_data;

	if (attno >= HeapTupleHeaderGetNatts(td))
		return getmissingattr(tupdesc, attno + 1, isnull);
	if (HeapTupleHasNulls(tup) && att_isnull(attno, td->t_bits))
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	layout = helios_tuple_layout(layout, td);
	return helios_fetch_slot(&layout->attrs[attno], (char *) td + td->t_hoff);
}

/*
 * tup re-headed: same header fields, null bitmap and data area, with the
 * root TID slot added (root != NULL) or removed.  The data area starts at a
 * MAXALIGN'd t_hoff either way, so its alignment is unchanged.
 */
static HeapTuple
helios_tuple_rehead(HeapTuple tup, ItemPointer root)
{
	HeapTupleHeader src = tup->t_data;
	bool		hasnull = (src->t_infomask & HEAP_HASNULL) != 0;
	int			natts = HeapTupleHeaderGetNatts(src);
	Size		bitlen = hasnull ? BITMAPLEN(natts) : 0;
	Size		hoff = helios_header_size(natts, hasnull, root != NULL);
	Size		datalen = tup->t_len - src->t_hoff;
	HeapTuple	res;
	HeapTupleHeader td;

	res = (HeapTuple) palloc0(HEAPTUPLESIZE + hoff + datalen);
	res->t_len = hoff + datalen;
	res->t_self = tup->t_self;
	res->t_tableOid = tup->t_tableOid;
	res->t_data = td = (HeapTupleHeader) ((char *) res + HEAPTUPLESIZE);

	memcpy(td, src, SizeofHeapTupleHeader + bitlen);
	memcpy((char *) td + hoff, (char *) src + src->t_hoff, datalen);
	td->t_hoff = hoff;
	if (root != NULL)
	{
		td->t_infomask2 |= HELIOS_FORWARDED;
		*HeliosTupleRootTid(td) = *root;
	}
	else
		td->t_infomask2 &= ~HELIOS_FORWARDED;
	return res;
}

HeapTuple
helios_tuple_set_forwarded(HeapTuple tup, ItemPointer root)
{
	Assert(!HeliosTupleIsForwarded(tup->t_data));
	return helios_tuple_rehead(tup, root);
}

HeapTuple
helios_tuple_clear_forwarded(HeapTuple tup)
{
	Assert(HeliosTupleIsForwarded(tup->t_data));
	return helios_tuple_rehead(tup, NULL);
}

HeapTuple
helios_copy_version(HeapTuple tuple)
{
	if (HeliosTupleIsForwarded(tuple->t_data))
		return helios_tuple_clear_forwarded(tuple);
	return heap_copytuple(tuple);
}

/*
 * A stub keeps the header and, in a forwarded version, the root TID; it has
 * no attributes.  Its xmin and xmax are FrozenTransactionId with the
 * committed hints, so that anything reading its header alone takes it for
 * a version dead to everyone, for ever: no clog lookup, nothing to freeze.
 * HEAP_HOT_UPDATED stays set, t_ctid is the link.
 */
void
helios_tuple_make_stub(Page page, ItemId lp, ItemPointer link)
{
	HeapTupleHeader td = (HeapTupleHeader) PageGetItem(page, lp);
	bool		forwarded = HeliosTupleIsForwarded(td);
	ItemPointerData root;
	Size		hoff = helios_header_size(0, false, forwarded);

	Assert(ItemIdIsNormal(lp) && ItemIdGetLength(lp) >= hoff);
	if (forwarded)
		root = *HeliosTupleRootTid(td);

	td->t_infomask = HEAP_XMIN_FROZEN | HEAP_XMAX_COMMITTED;
	td->t_infomask2 = (td->t_infomask2 & (HEAP_ONLY_TUPLE | HELIOS_FORWARDED)) |
		HEAP_HOT_UPDATED | HELIOS_STUB;
	HeapTupleHeaderSetXmin(td, FrozenTransactionId);
	HeapTupleHeaderSetXmax(td, FrozenTransactionId);
	HeapTupleHeaderSetCmax(td, FirstCommandId, false);
	td->t_ctid = *link;
	td->t_hoff = hoff;
	MemSet((char *) td + SizeofHeapTupleHeader, 0, hoff - SizeofHeapTupleHeader);
	if (forwarded)
		*HeliosTupleRootTid(td) = root;
	ItemIdSetNormal(lp, ItemIdGetOffset(lp), hoff);
}
