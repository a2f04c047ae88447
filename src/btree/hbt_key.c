/*-------------------------------------------------------------------------
 *
 * hbt_key.c
 *	  helios_btree keys: building search keys, comparing them with entries
 *	  and pivots in index order, binary search within a page, and making
 *	  pivots.
 *
 * Order is the opclass's ORDER proc per column with the column's DESC and
 * NULLS FIRST options, then the row TID.  int2/int4/int8 columns whose
 * ORDER proc is the built-in one compare inline, without a function call.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"

#include "btree/hbt.h"

/* inline comparison codes, kept in sk_strategy (unused by search keys) */
#define HBT_CMP_CALL	0
#define HBT_CMP_INT2	1
#define HBT_CMP_INT4	2
#define HBT_CMP_INT8	3

void
hbt_key_set_fast(ScanKey sk)
{
	switch (sk->sk_func.fn_oid)
	{
		case F_BTINT2CMP:
			sk->sk_strategy = HBT_CMP_INT2;
			break;
		case F_BTINT4CMP:
			sk->sk_strategy = HBT_CMP_INT4;
			break;
		case F_BTINT8CMP:
			sk->sk_strategy = HBT_CMP_INT8;
			break;
		default:
			sk->sk_strategy = HBT_CMP_CALL;
			break;
	}
}

/*
 * Key on the first nkeys columns with the given values, compared with the
 * index's own ORDER procs; tid, if not NULL, breaks ties.
 */
void
hbt_key_from_values(Relation rel, HbtKey key, Datum *values, bool *isnull,
					int nkeys, ItemPointer tid)
{
	int16	   *indoption = rel->rd_indoption;

	key->nkeys = nkeys;
	key->nextkey = false;
	key->anynull = false;
	key->have_tid = (tid != NULL);
	if (tid)
		key->tid = *tid;
	for (int i = 0; i < nkeys; i++)
	{
		FmgrInfo   *proc = index_getprocinfo(rel, i + 1, BTORDER_PROC);
		int			flags;

		flags = (isnull[i] ? SK_ISNULL : 0) |
			(indoption[i] << SK_BT_INDOPTION_SHIFT);
		ScanKeyEntryInitializeWithInfo(&key->sk[i], flags, (AttrNumber) (i + 1),
									   InvalidStrategy, InvalidOid,
									   rel->rd_indcollation[i], proc,
									   isnull[i] ? (Datum) 0 : values[i]);
		hbt_key_set_fast(&key->sk[i]);
		if (isnull[i])
			key->anynull = true;
	}
}

/* Key from the key columns of an index tuple (entry or pivot). */
void
hbt_key_from_tuple(Relation rel, HbtKey key, IndexTuple itup, ItemPointer tid)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			nkeys = IndexRelationGetNumberOfKeyAttributes(rel);
	Datum		values[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];

	for (int i = 0; i < nkeys; i++)
		values[i] = index_getattr(itup, i + 1, desc, &isnull[i]);
	hbt_key_from_values(rel, key, values, isnull, nkeys, tid);
}

/*
 * Compare key with an index tuple's key columns and then its row TID:
 * <0, 0 or >0 as key sorts before, equal to or after it.  A key without a
 * TID sorts before every tuple with equal values, or after them all with
 * nextkey, so 0 means an exact (values, TID) match.
 */
int32
hbt_compare_tuple(Relation rel, HbtKey key, IndexTuple itup, ItemPointer rowtid)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < key->nkeys; i++)
	{
		ScanKey		sk = &key->sk[i];
		Datum		datum;
		bool		isnull;
		int32		result;

		datum = index_getattr(itup, sk->sk_attno, desc, &isnull);
		if (sk->sk_flags & SK_ISNULL)
		{
			if (isnull)
				result = 0;
			else if (sk->sk_flags & SK_BT_NULLS_FIRST)
				result = -1;
			else
				result = 1;
		}
		else if (isnull)
		{
			if (sk->sk_flags & SK_BT_NULLS_FIRST)
				result = 1;
			else
				result = -1;
		}
		else
		{
			/* key versus item, in the column's order */
			switch (sk->sk_strategy)
			{
				case HBT_CMP_INT4:
					{
						int32		a = DatumGetInt32(sk->sk_argument);
						int32		b = DatumGetInt32(datum);

						result = (a > b) - (a < b);
						break;
					}
				case HBT_CMP_INT8:
					{
						int64		a = DatumGetInt64(sk->sk_argument);
						int64		b = DatumGetInt64(datum);

						result = (a > b) - (a < b);
						break;
					}
				case HBT_CMP_INT2:
					{
						int16		a = DatumGetInt16(sk->sk_argument);
						int16		b = DatumGetInt16(datum);

						result = (a > b) - (a < b);
						break;
					}
				default:
					result = DatumGetInt32(FunctionCall2Coll(&sk->sk_func,
															 sk->sk_collation,
															 datum,
															 sk->sk_argument));
					INVERT_COMPARE_RESULT(result);
					break;
			}
			if (sk->sk_flags & SK_BT_DESC)
				INVERT_COMPARE_RESULT(result);
		}
		if (result != 0)
			return result;
	}

	if (key->have_tid && rowtid != NULL)
	{
		int32		result = ItemPointerCompare(&key->tid, rowtid);

		if (result != 0 || !key->nextkey)
			return result;
	}
	return key->nextkey ? 1 : -1;
}

/*
 * Compare key with the item at off.  An internal page's first data item
 * is minus infinity; a leaf's high key is a pivot.
 */
int32
hbt_compare(Relation rel, HbtKey key, Page page, OffsetNumber off)
{
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	IndexTuple	itup;

	if (!HbtPageIsLeaf(opaque) && off == HbtFirstDataKey(opaque))
		return 1;
	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));
	return hbt_compare_tuple(rel, key, itup, hbt_item_rowtid(page, off, itup));
}

/*
 * On a leaf, the first offset whose item is >= key (maxoff + 1 if none).
 * On an internal page, the offset of the downlink to follow: the last item
 * <= key.
 */
OffsetNumber
hbt_binsrch(Relation rel, HbtKey key, Page page)
{
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	OffsetNumber low = HbtFirstDataKey(opaque);
	OffsetNumber high = PageGetMaxOffsetNumber(page) + 1;
	bool		leaf = HbtPageIsLeaf(opaque);

	/* invariant: items before low sort before key; items from high after */
	while (low < high)
	{
		OffsetNumber mid = low + (high - low) / 2;
		int32		cmp = hbt_compare(rel, key, page, mid);

		if (leaf ? cmp > 0 : cmp >= 0)
			low = mid + 1;
		else
			high = mid;
	}
	if (leaf)
		return low;
	Assert(low > HbtFirstDataKey(opaque));
	return OffsetNumberPrev(low);
}

/*
 * A pivot with src's key columns, row TID rowtid and child block child.
 * src may be an entry or a pivot; INCLUDE columns come along, unused.
 */
IndexTuple
hbt_make_pivot(IndexTuple src, ItemPointer rowtid, BlockNumber child, Size *size)
{
	IndexTuple	pivot;
	Size		len = IndexTupleSize(src);

	pivot = palloc0(len + sizeof(HbtPivotTid));
	memcpy(pivot, src, len);
	ItemPointerSet(&pivot->t_tid, child, FirstOffsetNumber);
	HbtPivotRowTid(pivot)[0] = *rowtid;
	*size = len + sizeof(HbtPivotTid);
	return pivot;
}

/* The minus-infinity downlink that starts every internal page. */
IndexTuple
hbt_make_minus_infinity(BlockNumber child, Size *size)
{
	IndexTuple	itup = palloc0(sizeof(IndexTupleData) + sizeof(HbtPivotTid));

	itup->t_info = sizeof(IndexTupleData);
	ItemPointerSet(&itup->t_tid, child, FirstOffsetNumber);
	*size = sizeof(IndexTupleData) + sizeof(HbtPivotTid);
	return itup;
}

void
hbt_set_pivot_child(IndexTuple pivot, BlockNumber child)
{
	ItemPointerSet(&pivot->t_tid, child, FirstOffsetNumber);
}

/* Do a and b have equal key columns (NULLs equal)? */
bool
hbt_keys_equal(Relation rel, IndexTuple a, IndexTuple b)
{
	HbtKeyData key;

	hbt_key_from_tuple(rel, &key, a, NULL);
	key.nextkey = true;
	/* equal values: +1 (nextkey); b greater: <0; b smaller: >0 */
	if (hbt_compare_tuple(rel, &key, b, NULL) < 0)
		return false;
	key.nextkey = false;
	return hbt_compare_tuple(rel, &key, b, NULL) < 0;
}
