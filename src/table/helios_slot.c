/*-------------------------------------------------------------------------
 *
 * helios_slot.c
 *	  TupleTableSlot implementation for helios tuples.
 *
 * The slot holds either a tuple that lives on a pinned page (the slot owns
 * one pin), a palloc'd tuple it may own, or nothing but tts_values (a
 * virtual tuple stored by the executor).  Attributes are deformed lazily,
 * each one a load at its fixed offset.
 *
 * Executor code that wants a heap-format tuple (triggers, some utility
 * code) gets one formed from the values via copy_heap_tuple, carrying the
 * helios header's MVCC fields along.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "storage/bufmgr.h"
#include "utils/memutils.h"

#include "table/helios_tuple.h"

static inline HeliosLayout *
slot_layout(HeliosTupleTableSlot *hslot)
{
	if (hslot->layout == NULL)
		hslot->layout = helios_layout_build(hslot->base.tts_tupleDescriptor,
											hslot->base.tts_mcxt);
	return hslot->layout;
}

static void
tts_helios_init(TupleTableSlot *slot)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;

	hslot->tuple = NULL;
	hslot->buffer = InvalidBuffer;
	hslot->layout = NULL;
}

static void
tts_helios_release(TupleTableSlot *slot)
{
}

static void
tts_helios_clear(TupleTableSlot *slot)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;

	if (TTS_SHOULDFREE(slot))
	{
		Assert(hslot->tuple != &hslot->tupdata);
		heap_freetuple(hslot->tuple);
		slot->tts_flags &= ~TTS_FLAG_SHOULDFREE;
	}
	if (BufferIsValid(hslot->buffer))
		ReleaseBuffer(hslot->buffer);
	hslot->buffer = InvalidBuffer;
	hslot->tuple = NULL;
	slot->tts_nvalid = 0;
	slot->tts_flags |= TTS_FLAG_EMPTY;
	ItemPointerSetInvalid(&slot->tts_tid);
}

static void
tts_helios_getsomeattrs(TupleTableSlot *slot, int natts)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	HeliosLayout *layout = slot_layout(hslot);
	HeapTuple	tup = hslot->tuple;
	HeapTupleHeader td;
	int			tnatts;
	char	   *data;
	bits8	   *bits;
	int			n;
	int			i;

	Assert(!TTS_EMPTY(slot) && tup != NULL);

	td = tup->t_data;
	if (unlikely(td->t_hoff > tup->t_len))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("helios version (%u,%u) of relation %u is corrupt",
						ItemPointerGetBlockNumber(&tup->t_self),
						ItemPointerGetOffsetNumber(&tup->t_self),
						slot->tts_tableOid),
				 errdetail("Header length %u exceeds tuple length %u.",
						   td->t_hoff, tup->t_len)));
	tnatts = HeapTupleHeaderGetNatts(td);
	layout = helios_tuple_layout(layout, td);
	data = (char *) td + td->t_hoff;
	bits = (td->t_infomask & HEAP_HASNULL) ? td->t_bits : NULL;

	n = Min(natts, tnatts);
	i = slot->tts_nvalid;
	if (bits == NULL)
	{
		/* no NULLs: one load per attribute */
		for (; i < n; i++)
		{
			slot->tts_values[i] = helios_fetch_slot(&layout->attrs[i], data);
			slot->tts_isnull[i] = false;
		}
	}
	else
	{
		for (; i < n; i++)
		{
			if (att_isnull(i, bits))
			{
				slot->tts_values[i] = (Datum) 0;
				slot->tts_isnull[i] = true;
				continue;
			}
			slot->tts_values[i] = helios_fetch_slot(&layout->attrs[i], data);
			slot->tts_isnull[i] = false;
		}
	}
	slot->tts_nvalid = i;
	if (i < natts)
		slot_getmissingattrs(slot, i, natts);
	slot->tts_nvalid = natts;
}

static Datum
tts_helios_getsysattr(TupleTableSlot *slot, int attnum, bool *isnull)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	HeapTupleData tmp;

	if (hslot->tuple == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot retrieve a system column in this context")));
	tmp = *hslot->tuple;
	tmp.t_self = slot->tts_tid;
	tmp.t_tableOid = slot->tts_tableOid;
	return heap_getsysattr(&tmp, attnum, slot->tts_tupleDescriptor, isnull);
}

static void
tts_helios_materialize(TupleTableSlot *slot)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	MemoryContext oldcxt;

	Assert(!TTS_EMPTY(slot));
	if (TTS_SHOULDFREE(slot))
		return;

	oldcxt = MemoryContextSwitchTo(slot->tts_mcxt);
	if (hslot->tuple == NULL)
	{
		/* virtual: form a tuple from the values, which may be pass-by-ref */
		hslot->tuple = helios_form_tuple(slot_layout(hslot),
										 slot->tts_tupleDescriptor,
										 slot->tts_values, slot->tts_isnull);
	}
	else
	{
		HeapTuple	copy = helios_copy_version(hslot->tuple);

		copy->t_self = slot->tts_tid;
		hslot->tuple = copy;
		if (BufferIsValid(hslot->buffer))
			ReleaseBuffer(hslot->buffer);
		hslot->buffer = InvalidBuffer;
	}
	MemoryContextSwitchTo(oldcxt);
	slot->tts_flags |= TTS_FLAG_SHOULDFREE;
	/* values may point into the old storage */
	slot->tts_nvalid = 0;
}

static void
tts_helios_copyslot(TupleTableSlot *dstslot, TupleTableSlot *srcslot)
{
	HeliosTupleTableSlot *dst = (HeliosTupleTableSlot *) dstslot;
	HeapTuple	tuple;
	MemoryContext oldcxt;

	oldcxt = MemoryContextSwitchTo(dstslot->tts_mcxt);
	tuple = helios_slot_form_tuple(srcslot, slot_layout(dst));
	MemoryContextSwitchTo(oldcxt);
	tuple->t_tableOid = srcslot->tts_tableOid;
	helios_slot_store(dstslot, tuple, InvalidBuffer, &srcslot->tts_tid, true);
}

/* Heap-format copy, carrying the MVCC header along. */
static HeapTuple
tts_helios_copy_heap_tuple(TupleTableSlot *slot)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	HeapTuple	htup;

	slot_getallattrs(slot);
	htup = heap_form_tuple(slot->tts_tupleDescriptor, slot->tts_values,
						   slot->tts_isnull);
	if (hslot->tuple != NULL)
	{
		HeapTupleHeader src = hslot->tuple->t_data;

		htup->t_data->t_choice.t_heap = src->t_choice.t_heap;
		/* heap_form_tuple's infomask may carry xmax bits: replace them */
		htup->t_data->t_infomask &= ~HEAP_XACT_MASK;
		htup->t_data->t_infomask |= src->t_infomask & HEAP_XACT_MASK;
		htup->t_data->t_infomask2 &= ~HEAP2_XACT_MASK;
		htup->t_data->t_infomask2 |= src->t_infomask2 & HEAP2_XACT_MASK;
		htup->t_data->t_ctid = src->t_ctid;
	}
	htup->t_self = slot->tts_tid;
	htup->t_tableOid = slot->tts_tableOid;
	return htup;
}

static MinimalTuple
tts_helios_copy_minimal_tuple(TupleTableSlot *slot)
{
	slot_getallattrs(slot);
	return heap_form_minimal_tuple(slot->tts_tupleDescriptor,
								   slot->tts_values, slot->tts_isnull);
}

const TupleTableSlotOps TTSOpsHeliosTuple = {
	.base_slot_size = sizeof(HeliosTupleTableSlot),
	.init = tts_helios_init,
	.release = tts_helios_release,
	.clear = tts_helios_clear,
	.getsomeattrs = tts_helios_getsomeattrs,
	.getsysattr = tts_helios_getsysattr,
	.materialize = tts_helios_materialize,
	.copyslot = tts_helios_copyslot,
	.get_heap_tuple = NULL,
	.get_minimal_tuple = NULL,
	.copy_heap_tuple = tts_helios_copy_heap_tuple,
	.copy_minimal_tuple = tts_helios_copy_minimal_tuple
};

void
helios_slot_store(TupleTableSlot *slot, HeapTuple tuple, Buffer buffer,
				  ItemPointer tid, bool shouldFree)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	Buffer		oldbuf = hslot->buffer;
	ItemPointerData newtid = *tid;	/* tid and tuple may point into slot */
	HeapTupleData newtup = *tuple;

	Assert(slot->tts_ops == &TTSOpsHeliosTuple);

	/* keep the pin if the new tuple is on the same page */
	if (BufferIsValid(buffer) && buffer == oldbuf)
		hslot->buffer = InvalidBuffer;
	else
		oldbuf = InvalidBuffer;
	tts_helios_clear(slot);

	if (BufferIsValid(buffer))
	{
		if (!BufferIsValid(oldbuf))
			IncrBufferRefCount(buffer);
		hslot->buffer = buffer;
		hslot->tupdata = newtup;
		hslot->tuple = &hslot->tupdata;
		Assert(!shouldFree);
	}
	else
	{
		hslot->tuple = tuple;
		if (shouldFree)
			slot->tts_flags |= TTS_FLAG_SHOULDFREE;
	}
	slot->tts_flags &= ~TTS_FLAG_EMPTY;
	slot->tts_nvalid = 0;
	slot->tts_tid = newtid;
	slot->tts_tableOid = newtup.t_tableOid;
}

/*
 * Store the version a chain search found, reported as row tid: tuple on the
 * pinned page in buffer, or, when copy is set, that palloc'd copy (of a
 * forwarded row's version, see helios_chain_search), which the slot then
 * frees.  The copy was made wherever the caller was, possibly a per-tuple
 * context that is reset before the slot is cleared, so it moves to the
 * slot's context first.
 */
void
helios_slot_store_found(TupleTableSlot *slot, HeapTuple tuple,
						HeapTuple copy, Buffer buffer, ItemPointer tid)
{
	if (copy == NULL)
	{
		helios_slot_store(slot, tuple, buffer, tid, false);
		return;
	}
	if (GetMemoryChunkContext(copy) != slot->tts_mcxt)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(slot->tts_mcxt);
		HeapTuple	moved = heap_copytuple(copy);

		MemoryContextSwitchTo(oldcxt);
		heap_freetuple(copy);
		copy = moved;
	}
	helios_slot_store(slot, copy, InvalidBuffer, tid, true);
}

void
helios_slot_set_stored(TupleTableSlot *slot, HeapTuple tup)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	ItemPointerData tid = slot->tts_tid;
	HeapTupleHeader td;

	if (slot->tts_ops != &TTSOpsHeliosTuple || hslot->tuple == tup)
		return;
	if (hslot->tuple == NULL || !TTS_SHOULDFREE(slot))
	{
		/* no tuple of its own: keep a copy of the stored one */
		MemoryContext oldcxt = MemoryContextSwitchTo(slot->tts_mcxt);
		HeapTuple	copy = helios_copy_version(tup);

		MemoryContextSwitchTo(oldcxt);
		helios_slot_store(slot, copy, InvalidBuffer, &tid, true);
		return;
	}
	/* same values: only the transaction fields of the header differ */
	td = hslot->tuple->t_data;
	td->t_choice = tup->t_data->t_choice;
	td->t_infomask = (td->t_infomask & ~HEAP_XACT_MASK) |
		(tup->t_data->t_infomask & HEAP_XACT_MASK);
	td->t_infomask2 = (td->t_infomask2 & ~HEAP2_XACT_MASK) |
		(tup->t_data->t_infomask2 & HEAP2_XACT_MASK);
}

HeapTuple
helios_slot_form_tuple(TupleTableSlot *slot, HeliosLayout *layout)
{
	slot_getallattrs(slot);
	return helios_form_tuple(layout, slot->tts_tupleDescriptor,
							 slot->tts_values, slot->tts_isnull);
}

/*
 * Store the version at item veroff of the pinned page in buffer (block
 * blkno), reported as row (blkno, rootoff): the sequential scan's fast path.
 * Consecutive rows of one page share the slot's pin.
 */
void
helios_slot_store_page_version(TupleTableSlot *slot, Buffer buffer,
							   BlockNumber blkno, OffsetNumber veroff,
							   OffsetNumber rootoff)
{
	HeliosTupleTableSlot *hslot = (HeliosTupleTableSlot *) slot;
	Page		page = BufferGetPage(buffer);
	ItemId		lp = PageGetItemId(page, veroff);

	Assert(slot->tts_ops == &TTSOpsHeliosTuple);
	Assert(ItemIdIsNormal(lp));
	if (hslot->buffer != buffer || TTS_SHOULDFREE(slot))
	{
		tts_helios_clear(slot);
		IncrBufferRefCount(buffer);
		hslot->buffer = buffer;
	}
	hslot->tupdata.t_data = (HeapTupleHeader) PageGetItem(page, lp);
	hslot->tupdata.t_len = ItemIdGetLength(lp);
	hslot->tupdata.t_tableOid = slot->tts_tableOid;
	ItemPointerSet(&hslot->tupdata.t_self, blkno, veroff);
	hslot->tuple = &hslot->tupdata;
	slot->tts_flags &= ~TTS_FLAG_EMPTY;
	slot->tts_nvalid = 0;
	ItemPointerSet(&slot->tts_tid, blkno, rootoff);
}
