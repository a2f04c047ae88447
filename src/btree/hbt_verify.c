/*-------------------------------------------------------------------------
 *
 * hbt_verify.c
 *	  helios_btree_verify(index, heapallindexed): structural checks in the
 *	  spirit of amcheck, raising an error at the first violation.
 *
 * Checked: the metapage; on every level, left-to-right, that siblings link
 * both ways and share the level; that items on each page are in strict
 * (key, row TID) order and below the page's high key; that each downlink
 * leads to a child on the level below whose first item is not below the
 * downlink's key and whose high key is the next downlink's key (or the
 * parent's high key); that no entry keeps an xid older than the table's
 * relfrozenxid.  With heapallindexed, every live row of the table
 * must have its entry.  The table is locked in SHARE mode, so the tree
 * does not change meanwhile.
 *
 * Only the table's owner (or a superuser) may verify, and EXECUTE is
 * revoked from PUBLIC; index expressions run as the table's owner in a
 * security-restricted operation (the amcheck CVE-2022-1552 rule).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "catalog/objectaddress.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "btree/hbt.h"

#define VERIFY_ERROR(rel, blk, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INDEX_CORRUPTED), \
			 errmsg("index \"%s\" is corrupted at block %u", \
					RelationGetRelationName(rel), (blk)), \
			 errdetail(__VA_ARGS__)))

/* Key of the item at off, with its row TID. */
static void
item_key(Relation rel, Page page, OffsetNumber off, HbtKey key)
{
	IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));

	hbt_key_from_tuple(rel, key, itup, hbt_item_rowtid(page, off, itup));
}

/*
 * Every line pointer of the page points at an item inside the tuple area,
 * long enough for an index tuple of the size it claims plus what follows
 * it (an entry's version, a pivot's row TID): checked before any item is
 * read, so that a corrupt page gives an ERROR, not a wild read.
 */
static void
verify_items(Relation rel, BlockNumber blkno, Page page)
{
	PageHeader	phdr = (PageHeader) page;
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

	for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off++)
	{
		ItemId		lp = PageGetItemId(page, off);
		IndexTuple	itup;
		Size		need;
		bool		pivot = !HbtPageIsLeaf(opaque) ||
			(off == HBT_HIKEY && !HbtPageIsRightmost(opaque));

		if (!ItemIdIsNormal(lp) || !ItemIdHasStorage(lp))
			VERIFY_ERROR(rel, blkno, "Line pointer %u is not a normal item.", off);
		if (ItemIdGetOffset(lp) < phdr->pd_upper ||
			ItemIdGetOffset(lp) + ItemIdGetLength(lp) > phdr->pd_special ||
			ItemIdGetLength(lp) < sizeof(IndexTupleData))
			VERIFY_ERROR(rel, blkno, "Line pointer %u (offset %u, length %u) lies outside the tuple area.",
						 off, ItemIdGetOffset(lp), ItemIdGetLength(lp));
		itup = (IndexTuple) PageGetItem(page, lp);
		need = IndexTupleSize(itup) + (pivot ? sizeof(HbtPivotTid) : sizeof(HbtVersion));
		if (IndexTupleSize(itup) < sizeof(IndexTupleData) || need > ItemIdGetLength(lp))
			VERIFY_ERROR(rel, blkno, "Item %u claims %zu bytes, its line pointer gives %u.",
						 off, need, ItemIdGetLength(lp));
	}
}

/*
 * An entry may keep a raw xid only if it does not precede the table's
 * relfrozenxid: VACUUM freezes or removes every older one before it lets
 * relfrozenxid pass it, so that the commit log can be truncated and xids
 * compared without wraparound.  Killed entries and xids known aborted are
 * never looked up.
 */
static void
verify_entry_xids(Relation rel, BlockNumber blkno, OffsetNumber off,
				  HbtVersion *v, TransactionId relfrozenxid)
{
	if ((v->flags & HBT_KILLED) || !TransactionIdIsNormal(relfrozenxid))
		return;
	if (!(v->flags & HBT_XMIN_INVALID) && TransactionIdIsNormal(v->xmin) &&
		TransactionIdPrecedes(v->xmin, relfrozenxid))
		VERIFY_ERROR(rel, blkno, "Item %u has xmin %u, which precedes the table's relfrozenxid %u and is not frozen.",
					 off, v->xmin, relfrozenxid);
	if (!(v->flags & HBT_XMAX_INVALID) && TransactionIdIsNormal(v->xmax) &&
		TransactionIdPrecedes(v->xmax, relfrozenxid))
		VERIFY_ERROR(rel, blkno, "Item %u has xmax %u, which precedes the table's relfrozenxid %u.",
					 off, v->xmax, relfrozenxid);
}

static void
verify_page(Relation rel, BlockNumber blkno, Page page, uint32 level,
			TransactionId relfrozenxid)
{
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	OffsetNumber first = HbtFirstDataKey(opaque);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	HbtKeyData	key;

	verify_items(rel, blkno, page);
	if (HbtPageIsLeaf(opaque))
		for (OffsetNumber off = first; off <= maxoff; off++)
			verify_entry_xids(rel, blkno, off,
							  HbtEntryVersion((IndexTuple) PageGetItem(page, PageGetItemId(page, off))),
							  relfrozenxid);

	if (opaque->hbt_level != level)
		VERIFY_ERROR(rel, blkno, "Page is on level %u, its sibling on level %u.",
					 opaque->hbt_level, level);
	if ((level == 0) != HbtPageIsLeaf(opaque))
		VERIFY_ERROR(rel, blkno, "Leaf flag does not match level %u.", level);
	for (OffsetNumber off = first; off < maxoff; off++)
	{
		if (!HbtPageIsLeaf(opaque) && off == first)
			continue;			/* minus infinity */
		item_key(rel, page, off, &key);
		if (hbt_compare(rel, &key, page, OffsetNumberNext(off)) >= 0)
			VERIFY_ERROR(rel, blkno, "Items %u and %u are out of order.",
						 off, OffsetNumberNext(off));
	}
	if (!HbtPageIsRightmost(opaque) && maxoff >= first &&
		(HbtPageIsLeaf(opaque) || maxoff > first))
	{
		item_key(rel, page, maxoff, &key);
		if (hbt_compare(rel, &key, page, HBT_HIKEY) >= 0)
			VERIFY_ERROR(rel, blkno, "Item %u is not below the high key.", maxoff);
	}
}

/* Check the downlinks of internal page (blkno, page) against children. */
static void
verify_downlinks(Relation rel, BlockNumber blkno, Page page)
{
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	OffsetNumber first = HbtFirstDataKey(opaque);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

	for (OffsetNumber off = first; off <= maxoff; off++)
	{
		IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));
		BlockNumber child = HbtPivotChild(itup);
		Buffer		cbuf = hbt_getbuf(rel, child, BUFFER_LOCK_SHARE);
		Page		cpage = BufferGetPage(cbuf);
		HbtPageOpaque copaque = HbtPageGetOpaque(cpage);
		HbtKeyData	key;

		verify_items(rel, child, cpage);

		if (copaque->hbt_level + 1 != opaque->hbt_level)
			VERIFY_ERROR(rel, blkno, "Downlink %u leads to block %u on level %u.",
						 off, child, copaque->hbt_level);
		/* the child's first item is not below the downlink's key */
		if (off > first && PageGetMaxOffsetNumber(cpage) >= HbtFirstDataKey(copaque) &&
			(HbtPageIsLeaf(copaque) ||
			 PageGetMaxOffsetNumber(cpage) > HbtFirstDataKey(copaque)))
		{
			OffsetNumber cfirst = HbtFirstDataKey(copaque);

			if (!HbtPageIsLeaf(copaque))
				cfirst = OffsetNumberNext(cfirst);
			hbt_key_from_tuple(rel, &key, itup, HbtPivotRowTid(itup));
			if (hbt_compare(rel, &key, cpage, cfirst) > 0)
				VERIFY_ERROR(rel, blkno, "Block %u holds items below its downlink %u.",
							 child, off);
		}
		/* the child's high key is the next downlink, or our high key */
		if (off < maxoff || !HbtPageIsRightmost(opaque))
		{
			OffsetNumber bound = off < maxoff ? OffsetNumberNext(off) : HBT_HIKEY;

			if (HbtPageIsRightmost(copaque))
				VERIFY_ERROR(rel, blkno, "Block %u is rightmost but downlink %u is not the last.",
							 child, off);
			item_key(rel, cpage, HBT_HIKEY, &key);
			if (hbt_compare(rel, &key, page, bound) != 0)
				VERIFY_ERROR(rel, blkno, "High key of block %u does not match item %u.",
							 child, bound);
		}
		UnlockReleaseBuffer(cbuf);
	}
}

typedef struct VerifyHeapState
{
	Relation	index;
	int64		checked;
} VerifyHeapState;

static void
verify_heap_callback(Relation index, ItemPointer tid, Datum *values,
					 bool *isnull, bool tupleIsAlive, void *state)
{
	VerifyHeapState *vs = (VerifyHeapState *) state;
	HbtKeyData	key;
	Buffer		buf;
	HbtStack	stack;
	bool		found = false;

	if (!tupleIsAlive)
		return;
	hbt_key_from_values(index, &key, values, isnull,
						IndexRelationGetNumberOfKeyAttributes(index), tid);
	stack = hbt_search(index, &key, &buf, BUFFER_LOCK_SHARE);
	hbt_free_stack(stack);
	if (BufferIsValid(buf))
	{
		Page		page = BufferGetPage(buf);
		OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

		/* a live row needs its current entry: not killed, not ended */
		for (OffsetNumber off = hbt_binsrch(index, &key, page);
			 !found && off <= maxoff && hbt_compare(index, &key, page, off) == 0;
			 off++)
			found = hbt_entry_is_current(HbtEntryVersion((IndexTuple) PageGetItem(page, PageGetItemId(page, off))));
		UnlockReleaseBuffer(buf);
	}
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg("index \"%s\" lacks a current entry for row (%u,%u)",
						RelationGetRelationName(index),
						ItemPointerGetBlockNumber(tid),
						ItemPointerGetOffsetNumber(tid))));
	vs->checked++;
}

PG_FUNCTION_INFO_V1(helios_btree_verify);
Datum
helios_btree_verify(PG_FUNCTION_ARGS)
{
	Oid			indexoid = PG_GETARG_OID(0);
	bool		heapallindexed = PG_GETARG_BOOL(1);
	Oid			heapoid = IndexGetRelation(indexoid, true);
	Relation	heap,
				index;
	BlockNumber root,
				blkno;
	uint32		level;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;

	/*
	 * Everything that can be checked without a lock is checked first, so
	 * that a caller cannot lock a table it may not verify: the relation is
	 * an index, of helios_btree, and the caller owns its table.
	 */
	if (!OidIsValid(heapoid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not an index", get_rel_name(indexoid) ? get_rel_name(indexoid) : "?")));
	if (hbt_relam(indexoid) != hbt_am_oid())
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("index \"%s\" is not a helios_btree index",
						get_rel_name(indexoid)),
				 errhint("amcheck's bt_index_check verifies btree indexes.")));
	if (!pg_class_ownercheck(heapoid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_INDEX, get_rel_name(indexoid));

	heap = table_open(heapoid, ShareLock);

	/*
	 * Index expressions and predicates run as the table's owner, under the
	 * restrictions of a security-restricted operation, with setting changes
	 * kept local, as amcheck and maintenance commands run them: a user's
	 * expression index must not run code with the verifier's rights.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(heap->rd_rel->relowner,
						   save_sec_context | SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();

	index = index_open(indexoid, ShareLock);
	if (index->rd_indam->aminsert != hbt_aminsert ||
		index->rd_index->indrelid != heapoid)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("index \"%s\" is not a helios_btree index",
						RelationGetRelationName(index))));
	if (!index->rd_index->indisvalid)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot verify invalid index \"%s\"",
						RelationGetRelationName(index))));

	hbt_invalidate_root(index);
	hbt_get_root(index, &root, &level);
	if (root != HBT_NONE)
	{
		Buffer		buf = hbt_getbuf(index, root, BUFFER_LOCK_SHARE);
		HbtPageOpaque opaque = HbtPageGetOpaque(BufferGetPage(buf));

		if (!HbtPageIsRoot(opaque) || opaque->hbt_level != level ||
			!HbtPageIsRightmost(opaque) || opaque->hbt_prev != HBT_NONE)
			VERIFY_ERROR(index, root, "The metapage's root is not a root on level %u.", level);
		UnlockReleaseBuffer(buf);

		/* each level from its leftmost page */
		blkno = root;
		for (;;)
		{
			BlockNumber leftmost = blkno;
			BlockNumber prev = HBT_NONE;
			BlockNumber down = HBT_NONE;
			uint32		thislevel;

			buf = hbt_getbuf(index, leftmost, BUFFER_LOCK_SHARE);
			thislevel = HbtPageGetOpaque(BufferGetPage(buf))->hbt_level;
			for (;;)
			{
				Page		page = BufferGetPage(buf);
				HbtPageOpaque op = HbtPageGetOpaque(page);

				CHECK_FOR_INTERRUPTS();
				if (op->hbt_prev != prev)
					VERIFY_ERROR(index, BufferGetBlockNumber(buf),
								 "Left-link is %u, expected %u.", op->hbt_prev, prev);
				verify_page(index, BufferGetBlockNumber(buf), page, thislevel,
							heap->rd_rel->relfrozenxid);
				if (!HbtPageIsLeaf(op))
				{
					if (down == HBT_NONE)
						down = HbtPivotChild((IndexTuple) PageGetItem(page,
																	  PageGetItemId(page, HbtFirstDataKey(op))));
					verify_downlinks(index, BufferGetBlockNumber(buf), page);
				}
				if (HbtPageIsRightmost(op))
					break;
				prev = BufferGetBlockNumber(buf);
				buf = hbt_relandgetbuf(index, buf, op->hbt_next, BUFFER_LOCK_SHARE);
			}
			UnlockReleaseBuffer(buf);
			if (thislevel == 0)
				break;
			blkno = down;
		}
	}

	if (heapallindexed)
	{
		IndexInfo  *indexInfo = BuildIndexInfo(index);
		VerifyHeapState vs;

		vs.index = index;
		vs.checked = 0;
		table_index_build_scan(heap, index, indexInfo, true, false,
							   verify_heap_callback, &vs, NULL);
	}

	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	index_close(index, ShareLock);
	table_close(heap, ShareLock);
	PG_RETURN_VOID();
}
