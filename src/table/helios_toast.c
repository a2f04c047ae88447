/*-------------------------------------------------------------------------
 *
 * helios_toast.c
 *	  TOAST for helios tables.
 *
 * helios stores oversized values in PostgreSQL's own toast tables through
 * toast_helper.c, with heap's policy (compress EXTENDED values, move the
 * biggest ones out of line, until the row fits TOAST_TUPLE_TARGET); only
 * the row-size arithmetic is helios's, because the row format differs.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/toast_helper.h"
#include "access/toast_internals.h"

#include "table/helios_am.h"

static Size
row_size(HeliosLayout *layout, ToastTupleContext *ttc, Size hoff)
{
	return hoff + helios_data_size(layout, ttc->ttc_values, ttc->ttc_isnull);
}

/*
 * Return newtup itself if no value needs toasting, else a new tuple with
 * values compressed / moved out of line.  oldtup (an update's previous
 * version) lets unchanged out-of-line values be reused.
 */
HeapTuple
helios_toast_tuple(Relation rel, HeapTuple newtup, HeapTuple oldtup,
				   int options)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);

	/*
	 * A private layout: moving values to the toast table takes locks, whose
	 * invalidations may rebuild rel's relcache entry and free the layout
	 * cached in rd_amcache (src/table/README, "Tuples").
	 */
	HeliosLayout *layout = helios_layout_build(tupdesc, CurrentMemoryContext);
	int			natts = tupdesc->natts;
	Datum	   *values = palloc(sizeof(Datum) * natts);
	bool	   *isnull = palloc(sizeof(bool) * natts);
	Datum	   *oldvalues = NULL;
	bool	   *oldisnull = NULL;
	ToastAttrInfo *attr = palloc0(sizeof(ToastAttrInfo) * natts);
	ToastTupleContext ttc;
	HeapTuple	result;
	Size		hoff;
	Size		maxlen;
	bool		has_toast = OidIsValid(rel->rd_rel->reltoastrelid);

	options &= ~HEAP_INSERT_SPECULATIVE;

	helios_deform_tuple(layout, tupdesc, newtup, values, isnull, natts);
	if (oldtup != NULL)
	{
		oldvalues = palloc(sizeof(Datum) * natts);
		oldisnull = palloc(sizeof(bool) * natts);
		helios_deform_tuple(layout, tupdesc, oldtup, oldvalues, oldisnull, natts);
	}

	ttc.ttc_rel = rel;
	ttc.ttc_values = values;
	ttc.ttc_isnull = isnull;
	ttc.ttc_oldvalues = oldvalues;
	ttc.ttc_oldisnull = oldisnull;
	ttc.ttc_attr = attr;
	toast_tuple_init(&ttc);

	hoff = helios_header_size(natts, (ttc.ttc_flags & TOAST_HAS_NULLS) != 0, false);
	maxlen = RelationGetToastTupleTarget(rel, TOAST_TUPLE_TARGET);

	/* 1: compress or externalize EXTENDED/EXTERNAL values, biggest first */
	while (row_size(layout, &ttc, hoff) > maxlen)
	{
		int			biggest = toast_tuple_find_biggest_attribute(&ttc, true, false);

		if (biggest < 0)
			break;
		if (TupleDescAttr(tupdesc, biggest)->attstorage == TYPSTORAGE_EXTENDED)
			toast_tuple_try_compression(&ttc, biggest);
		else
			attr[biggest].tai_colflags |= TOASTCOL_INCOMPRESSIBLE;
		if (attr[biggest].tai_size > maxlen - hoff && has_toast)
			toast_tuple_externalize(&ttc, biggest, options);
	}
	/* 2: move remaining EXTENDED/EXTERNAL values out of line */
	while (row_size(layout, &ttc, hoff) > maxlen && has_toast)
	{
		int			biggest = toast_tuple_find_biggest_attribute(&ttc, false, false);

		if (biggest < 0)
			break;
		toast_tuple_externalize(&ttc, biggest, options);
	}
	/* 3: compress MAIN values */
	while (row_size(layout, &ttc, hoff) > maxlen)
	{
		int			biggest = toast_tuple_find_biggest_attribute(&ttc, true, true);

		if (biggest < 0)
			break;
		toast_tuple_try_compression(&ttc, biggest);
	}
	/* 4: move MAIN values out of line as a last resort */
	maxlen = TOAST_TUPLE_TARGET_MAIN;
	while (row_size(layout, &ttc, hoff) > maxlen && has_toast)
	{
		int			biggest = toast_tuple_find_biggest_attribute(&ttc, false, true);

		if (biggest < 0)
			break;
		toast_tuple_externalize(&ttc, biggest, options);
	}

	if ((ttc.ttc_flags & TOAST_NEEDS_CHANGE) != 0)
	{
		result = helios_form_tuple(layout, tupdesc, values, isnull);
		/* keep the MVCC header the caller prepared */
		result->t_data->t_choice = newtup->t_data->t_choice;
		result->t_data->t_ctid = newtup->t_data->t_ctid;
		result->t_data->t_infomask |= newtup->t_data->t_infomask & HEAP_XACT_MASK;
		result->t_data->t_infomask2 |= newtup->t_data->t_infomask2 & HEAP2_XACT_MASK;
		result->t_self = newtup->t_self;
		result->t_tableOid = newtup->t_tableOid;
	}
	else
		result = newtup;

	toast_tuple_cleanup(&ttc);
	pfree(layout);
	return result;
}

/* Delete the out-of-line values of a deleted (or killed) version. */
void
helios_toast_delete(Relation rel, HeapTuple oldtup, bool is_speculative)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Datum	   *values = palloc(sizeof(Datum) * tupdesc->natts);
	bool	   *isnull = palloc(sizeof(bool) * tupdesc->natts);

	helios_deform_tuple(helios_relation_layout(rel), tupdesc, oldtup,
						values, isnull, tupdesc->natts);
	toast_delete_external(rel, values, isnull, is_speculative);
	pfree(values);
	pfree(isnull);
}
