/*-------------------------------------------------------------------------
 *
 * hbt_scan.c
 *	  helios_btree scans: amgettuple (both directions, mark/restore) and
 *	  amgetbitmap.
 *
 * A scan turns its keys into a start and an end position in index order
 * (the '=' keys on leading columns and one bound on the next column), then
 * reads leaf pages one at a time: under the page's share lock it copies
 * every entry that passes all keys and is visible to the scan's snapshot,
 * remembers the page's links, and releases the page.  Entries are judged
 * by their own xmin/xmax, so a scan never returns a dead entry to the
 * executor and an index-only scan needs no table access.  Non-MVCC
 * snapshots (SnapshotDirty, SnapshotAny) get every entry that may still
 * matter, and the table decides.
 *
 * Moving right uses the right-link seen when the page was read: entries
 * that a later split moved right were in the copy already.  Moving left
 * finds the page whose right-link is the current page, starting from the
 * remembered left-link and moving right (a split may have put pages in
 * between).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "access/relscan.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/predicate.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "btree/hbt.h"

IndexScanDesc
hbt_beginscan(Relation rel, int nkeys, int norderbys)
{
	IndexScanDesc scan = RelationGetIndexScan(rel, nkeys, norderbys);
	HbtScanOpaque so = palloc0(sizeof(HbtScanOpaqueData));

	so->pos.blkno = HBT_NONE;
	so->markPos.blkno = HBT_NONE;
	so->tuples = NULL;
	so->markTuples = NULL;
	scan->opaque = so;
	scan->xs_itupdesc = RelationGetDescr(rel);
	return scan;
}

void
hbt_rescan(IndexScanDesc scan, ScanKey scankey, int nscankeys,
		   ScanKey orderbys, int norderbys)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;

	if (scankey && scan->numberOfKeys > 0)
		memmove(scan->keyData, scankey, scan->numberOfKeys * sizeof(ScanKeyData));
	so->keysReady = false;
	so->pos.blkno = HBT_NONE;
	so->markPos.blkno = HBT_NONE;
	so->markValid = false;
}

void
hbt_endscan(IndexScanDesc scan)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;

	if (so->tuples)
		pfree(so->tuples);
	if (so->markTuples)
		pfree(so->markTuples);
	pfree(so);
}

/* ----------------------------------------------------------------
 *		Keys
 * ----------------------------------------------------------------
 */

/*
 * Add scan key sk as column attno's element of a start or end key, with
 * the ORDER proc for the argument's type.
 */
static void
hbt_bound_add(Relation rel, HbtKey key, ScanKey sk)
{
	int			i = sk->sk_attno - 1;
	Oid			argtype = OidIsValid(sk->sk_subtype) ? sk->sk_subtype :
		rel->rd_opcintype[i];
	int			flags = rel->rd_indoption[i] << SK_BT_INDOPTION_SHIFT;

	Assert(key->nkeys == i);
	if (sk->sk_flags & SK_ISNULL)
	{
		/* IS NULL: a null bound */
		ScanKeyEntryInitializeWithInfo(&key->sk[i], flags | SK_ISNULL,
									   sk->sk_attno, InvalidStrategy, InvalidOid,
									   rel->rd_indcollation[i],
									   index_getprocinfo(rel, i + 1, BTORDER_PROC),
									   (Datum) 0);
	}
	else if (argtype == rel->rd_opcintype[i])
		ScanKeyEntryInitializeWithInfo(&key->sk[i], flags, sk->sk_attno,
									   InvalidStrategy, InvalidOid,
									   rel->rd_indcollation[i],
									   index_getprocinfo(rel, i + 1, BTORDER_PROC),
									   sk->sk_argument);
	else
	{
		Oid			proc = get_opfamily_proc(rel->rd_opfamily[i],
											 rel->rd_opcintype[i], argtype,
											 BTORDER_PROC);

		if (!OidIsValid(proc))
			elog(ERROR, "missing support function %d(%u,%u) for attribute %d of index \"%s\"",
				 BTORDER_PROC, rel->rd_opcintype[i], argtype, i + 1,
				 RelationGetRelationName(rel));
		ScanKeyEntryInitialize(&key->sk[i], flags, sk->sk_attno, InvalidStrategy,
							   InvalidOid, rel->rd_indcollation[i], proc,
							   sk->sk_argument);
	}
	hbt_key_set_fast(&key->sk[i]);
	key->nkeys = i + 1;
	if (sk->sk_flags & SK_ISNULL)
		key->anynull = true;
}

/*
 * Work out the start and end of the scan in index order.  A column's '='
 * (or IS NULL) key goes into both and the next column is considered; a
 * column without one contributes its first lower and upper bound (lower
 * and upper swap for DESC columns) and ends the keys.  All keys are also
 * checked on every entry, so any choice among several bounds is correct.
 */
static void
hbt_preprocess_keys(IndexScanDesc scan)
{
	Relation	rel = scan->indexRelation;
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	int			nkeyatts = IndexRelationGetNumberOfKeyAttributes(rel);
	bool		startOpen = true,
				endOpen = true;

	so->qualOk = true;
	memset(&so->startKey, 0, offsetof(HbtKeyData, sk));
	memset(&so->endKey, 0, offsetof(HbtKeyData, sk));
	so->startStrict = false;
	so->endStrict = false;

	for (int k = 0; k < scan->numberOfKeys; k++)
	{
		ScanKey		sk = &scan->keyData[k];

		if ((sk->sk_flags & SK_ISNULL) &&
			!(sk->sk_flags & (SK_SEARCHNULL | SK_SEARCHNOTNULL)))
			so->qualOk = false; /* "= NULL" and the like match nothing */
	}

	for (int attno = 1; attno <= nkeyatts && (startOpen || endOpen); attno++)
	{
		ScanKey		eq = NULL,
					lower = NULL,
					upper = NULL;
		bool		desc = (rel->rd_indoption[attno - 1] & INDOPTION_DESC) != 0;

		for (int k = 0; k < scan->numberOfKeys; k++)
		{
			ScanKey		sk = &scan->keyData[k];

			if (sk->sk_attno != attno)
				continue;
			if (sk->sk_flags & SK_SEARCHNULL)
			{
				if (!eq)
					eq = sk;
				continue;
			}
			if (sk->sk_flags & (SK_ISNULL | SK_SEARCHNOTNULL))
				continue;
			switch (sk->sk_strategy)
			{
				case BTEqualStrategyNumber:
					if (!eq)
						eq = sk;
					break;
				case BTLessStrategyNumber:
				case BTLessEqualStrategyNumber:
					if (desc ? !lower : !upper)
					{
						if (desc)
							lower = sk;
						else
							upper = sk;
					}
					break;
				case BTGreaterEqualStrategyNumber:
				case BTGreaterStrategyNumber:
					if (desc ? !upper : !lower)
					{
						if (desc)
							upper = sk;
						else
							lower = sk;
					}
					break;
			}
		}

		if (eq)
		{
			if (startOpen)
				hbt_bound_add(rel, &so->startKey, eq);
			if (endOpen)
				hbt_bound_add(rel, &so->endKey, eq);
			continue;
		}
		if (startOpen && lower)
		{
			hbt_bound_add(rel, &so->startKey, lower);
			so->startStrict = (lower->sk_strategy == BTGreaterStrategyNumber ||
							   lower->sk_strategy == BTLessStrategyNumber);
		}
		if (endOpen && upper)
		{
			hbt_bound_add(rel, &so->endKey, upper);
			so->endStrict = (upper->sk_strategy == BTGreaterStrategyNumber ||
							 upper->sk_strategy == BTLessStrategyNumber);
		}
		startOpen = endOpen = false;
	}

	/*
	 * Start: first entry >= start (> for a strict bound).  End: stop at the
	 * first entry > end (>= for a strict bound).
	 */
	so->haveStart = so->startKey.nkeys > 0;
	so->haveEnd = so->endKey.nkeys > 0;
	so->startKey.nextkey = so->startStrict;
	so->endKey.nextkey = !so->endStrict;
	so->keysReady = true;
}

/* Does entry itup satisfy every scan key? */
static bool
hbt_checkkeys(IndexScanDesc scan, IndexTuple itup)
{
	TupleDesc	desc = RelationGetDescr(scan->indexRelation);

	for (int k = 0; k < scan->numberOfKeys; k++)
	{
		ScanKey		sk = &scan->keyData[k];
		Datum		datum;
		bool		isnull;

		datum = index_getattr(itup, sk->sk_attno, desc, &isnull);
		if (sk->sk_flags & SK_ISNULL)
		{
			if (sk->sk_flags & SK_SEARCHNULL)
			{
				if (!isnull)
					return false;
			}
			else if (sk->sk_flags & SK_SEARCHNOTNULL)
			{
				if (isnull)
					return false;
			}
			else
				return false;
			continue;
		}
		if (isnull)
			return false;
		if (!DatumGetBool(FunctionCall2Coll(&sk->sk_func, sk->sk_collation,
											datum, sk->sk_argument)))
			return false;
	}
	return true;
}

/* Is the entry past the end of the scan in direction dir? */
static inline bool
hbt_past_end(IndexScanDesc scan, IndexTuple itup, ScanDirection dir)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	Relation	rel = scan->indexRelation;

	if (ScanDirectionIsForward(dir))
		return so->haveEnd &&
			hbt_compare_tuple(rel, &so->endKey, itup, NULL) < 0;
	return so->haveStart &&
		hbt_compare_tuple(rel, &so->startKey, itup, NULL) > 0;
}

/*
 * Does the entry go to the caller?  MVCC snapshots get visible entries;
 * under SERIALIZABLE every entry whose writer is concurrent records the
 * rw-conflict here, since invisible entries never reach the table.
 * Other snapshots get everything not killed, and the table decides.
 */
static inline bool
hbt_entry_passes(IndexScanDesc scan, HbtVersion *v, Buffer buf, bool mvcc)
{
	bool		visible;

	if (!mvcc)
		return (v->flags & HBT_KILLED) == 0;
	visible = hbt_entry_visible(v, scan->xs_snapshot, buf);
	if (IsolationIsSerializable())
	{
		TransactionId xid = hbt_entry_conflict_xid(v, visible);

		if (TransactionIdIsValid(xid))
			CheckForSerializableConflictOut(scan->heapRelation ?
											scan->heapRelation :
											scan->indexRelation,
											xid, scan->xs_snapshot);
	}
	return visible;
}

/* ----------------------------------------------------------------
 *		Reading pages
 * ----------------------------------------------------------------
 */

/*
 * Copy the entry at off into *item (and its tuple into the workspace, for
 * index-only scans) if it passes the keys and the snapshot: returns 1 if
 * so.  Sets *stopped when the entry is past the end of the scan.
 */
static int
hbt_collect(IndexScanDesc scan, Page page, OffsetNumber off, Buffer buf,
			ScanDirection dir, bool mvcc, HbtScanItem *item, Size *tupoff,
			bool *stopped)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));

	if (hbt_past_end(scan, itup, dir))
	{
		*stopped = true;
		return 0;
	}
	if (!hbt_checkkeys(scan, itup) ||
		!hbt_entry_passes(scan, HbtEntryVersion(itup), buf, mvcc))
		return 0;
	item->tid = itup->t_tid;
	if (scan->xs_want_itup)
	{
		Size		len = IndexTupleSize(itup);

		item->tupleOffset = *tupoff;
		memcpy(so->tuples + *tupoff, itup, len);
		*tupoff += MAXALIGN(len);
	}
	return 1;
}

/*
 * Copy the qualifying, visible entries of the share-locked leaf buf, from
 * off in direction dir, into so->pos.  Returns whether any qualified.
 */
static bool
hbt_readpage(IndexScanDesc scan, Buffer buf, OffsetNumber off, ScanDirection dir)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	Relation	rel = scan->indexRelation;
	Page		page = BufferGetPage(buf);
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	OffsetNumber first = HbtFirstDataKey(opaque);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	HbtScanPos *pos = &so->pos;
	Snapshot	snapshot = scan->xs_snapshot;
	bool		mvcc = IsMVCCSnapshot(snapshot);
	bool		stopped = false;
	int			n = 0;
	HbtScanItem tmp[HBT_MAX_ITEMS_PER_PAGE];
	Size		tupoff = 0;

	if (!HbtPageIsLeaf(opaque))
		ereport(ERROR,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg("index \"%s\" has a non-leaf page at block %u where a leaf was expected",
						RelationGetRelationName(rel), BufferGetBlockNumber(buf))));

	PredicateLockPage(rel, BufferGetBlockNumber(buf), snapshot);
	pos->blkno = BufferGetBlockNumber(buf);
	pos->next = opaque->hbt_next;
	pos->prev = opaque->hbt_prev;
	if (scan->xs_want_itup && so->tuples == NULL)
		so->tuples = palloc(BLCKSZ);

	if (ScanDirectionIsForward(dir))
	{
		pos->moreLeft = off <= first ? opaque->hbt_prev != HBT_NONE : false;
		for (; off <= maxoff && !stopped; off++)
			n += hbt_collect(scan, page, off, buf, dir, mvcc, &tmp[n], &tupoff, &stopped);
		pos->moreRight = !stopped && opaque->hbt_next != HBT_NONE;
		memcpy(pos->items, tmp, n * sizeof(HbtScanItem));
		pos->first = 0;
		pos->last = n - 1;
		pos->cur = 0;
	}
	else
	{
		pos->moreRight = off >= maxoff ? opaque->hbt_next != HBT_NONE : false;
		if (off > maxoff)
			off = maxoff;
		for (; off >= first && !stopped; off--)
			n += hbt_collect(scan, page, off, buf, dir, mvcc, &tmp[n], &tupoff, &stopped);
		pos->moreLeft = !stopped && opaque->hbt_prev != HBT_NONE;
		/* keep items in page order */
		for (int i = 0; i < n; i++)
			pos->items[n - 1 - i] = tmp[i];
		pos->first = 0;
		pos->last = n - 1;
		pos->cur = n - 1;
	}
	return n > 0;
}

/* Read pages to the right of pos until one has qualifying entries. */
static bool
hbt_step_right(IndexScanDesc scan)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	Relation	rel = scan->indexRelation;

	while (so->pos.moreRight && so->pos.next != HBT_NONE)
	{
		Buffer		buf = hbt_getbuf(rel, so->pos.next, BUFFER_LOCK_SHARE);
		bool		found;

		CHECK_FOR_INTERRUPTS();
		found = hbt_readpage(scan, buf,
							 HbtFirstDataKey(HbtPageGetOpaque(BufferGetPage(buf))),
							 ForwardScanDirection);
		UnlockReleaseBuffer(buf);
		if (found)
			return true;
	}
	return false;
}

/* Read pages to the left of pos until one has qualifying entries. */
static bool
hbt_step_left(IndexScanDesc scan)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	Relation	rel = scan->indexRelation;

	while (so->pos.moreLeft && so->pos.prev != HBT_NONE)
	{
		BlockNumber target = so->pos.blkno;
		Buffer		buf = hbt_getbuf(rel, so->pos.prev, BUFFER_LOCK_SHARE);
		bool		found;

		CHECK_FOR_INTERRUPTS();
		/* pages split off the left sibling since lie in between */
		for (;;)
		{
			HbtPageOpaque opaque = HbtPageGetOpaque(BufferGetPage(buf));

			if (opaque->hbt_next == target)
				break;
			if (HbtPageIsRightmost(opaque))
				ereport(ERROR,
						(errcode(ERRCODE_INDEX_CORRUPTED),
						 errmsg("index \"%s\" has no left sibling for block %u",
								RelationGetRelationName(rel), target)));
			buf = hbt_relandgetbuf(rel, buf, opaque->hbt_next, BUFFER_LOCK_SHARE);
		}
		found = hbt_readpage(scan, buf, PageGetMaxOffsetNumber(BufferGetPage(buf)),
							 BackwardScanDirection);
		UnlockReleaseBuffer(buf);
		if (found)
			return true;
	}
	return false;
}

/* Position the scan at its first qualifying entry in direction dir. */
static bool
hbt_first(IndexScanDesc scan, ScanDirection dir)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	Relation	rel = scan->indexRelation;
	HbtKeyData	edge;
	HbtKey		key;
	HbtStack	stack;
	Buffer		buf;
	OffsetNumber off;
	bool		found;

	if (!so->keysReady)
		hbt_preprocess_keys(scan);
	if (!so->qualOk)
		return false;

	if (ScanDirectionIsForward(dir))
	{
		if (so->haveStart)
			key = &so->startKey;
		else
		{
			memset(&edge, 0, offsetof(HbtKeyData, sk));
			edge.nextkey = false;	/* before everything */
			key = &edge;
		}
	}
	else
	{
		if (so->haveEnd)
			key = &so->endKey;
		else
		{
			memset(&edge, 0, offsetof(HbtKeyData, sk));
			edge.nextkey = true;	/* after everything */
			key = &edge;
		}
	}

	stack = hbt_search(rel, key, &buf, BUFFER_LOCK_SHARE);
	hbt_free_stack(stack);
	if (!BufferIsValid(buf))
	{
		/* empty index: lock it all against phantoms */
		PredicateLockRelation(rel, scan->xs_snapshot);
		so->pos.blkno = HBT_NONE;
		return false;
	}
	pgstat_count_index_scan(rel);

	off = hbt_binsrch(rel, key, BufferGetPage(buf));
	if (ScanDirectionIsForward(dir))
		found = hbt_readpage(scan, buf, off, dir);
	else
		found = hbt_readpage(scan, buf, OffsetNumberPrev(off), dir);
	UnlockReleaseBuffer(buf);
	if (found)
		return true;
	return ScanDirectionIsForward(dir) ? hbt_step_right(scan) : hbt_step_left(scan);
}

/* Advance pos in direction dir; false at the end. */
static bool
hbt_next(IndexScanDesc scan, ScanDirection dir)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	HbtScanPos *pos = &so->pos;

	if (ScanDirectionIsForward(dir))
	{
		if (++pos->cur <= pos->last)
			return true;
		return hbt_step_right(scan);
	}
	if (--pos->cur >= pos->first)
		return true;
	return hbt_step_left(scan);
}

static void
hbt_return_item(IndexScanDesc scan)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	HbtScanItem *item = &so->pos.items[so->pos.cur];

	scan->xs_heaptid = item->tid;
	scan->xs_recheck = false;
	if (scan->xs_want_itup)
		scan->xs_itup = (IndexTuple) (so->tuples + item->tupleOffset);
}

bool
hbt_gettuple(IndexScanDesc scan, ScanDirection dir)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	bool		found;

	if (so->pos.blkno == HBT_NONE)
		found = hbt_first(scan, dir);
	else
		found = hbt_next(scan, dir);
	if (!found)
		return false;
	hbt_return_item(scan);
	return true;
}

int64
hbt_getbitmap(IndexScanDesc scan, TIDBitmap *tbm)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;
	int64		ntids = 0;

	if (!hbt_first(scan, ForwardScanDirection))
		return 0;
	do
	{
		for (int i = so->pos.cur; i <= so->pos.last; i++)
		{
			tbm_add_tuples(tbm, &so->pos.items[i].tid, 1, false);
			ntids++;
		}
		so->pos.cur = so->pos.last;
	} while (hbt_step_right(scan));
	return ntids;
}

void
hbt_markpos(IndexScanDesc scan)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;

	so->markPos = so->pos;
	if (so->tuples)
	{
		if (so->markTuples == NULL)
			so->markTuples = palloc(BLCKSZ);
		memcpy(so->markTuples, so->tuples, BLCKSZ);
	}
	so->markValid = so->pos.blkno != HBT_NONE;
}

void
hbt_restrpos(IndexScanDesc scan)
{
	HbtScanOpaque so = (HbtScanOpaque) scan->opaque;

	if (!so->markValid)
	{
		so->pos.blkno = HBT_NONE;
		return;
	}
	so->pos = so->markPos;
	if (so->markTuples)
		memcpy(so->tuples, so->markTuples, BLCKSZ);
}
