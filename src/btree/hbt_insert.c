/*-------------------------------------------------------------------------
 *
 * hbt_insert.c
 *	  Inserting entries into helios_btree: uniqueness checks, the
 *	  ascending-key fast path, removal of dead entries before a split, and
 *	  bottom-up splits.
 *
 * Locking (src/btree/README): a writer locks only the pages it changes.
 * A split keeps the page it splits locked while it locks the new right
 * page, the old right sibling (to fix its left-link) and then the parent,
 * moving right on the parent's level until it finds the downlink; locks
 * are only ever requested rightwards on one level or upwards, never down,
 * so writers cannot deadlock among themselves, and readers hold one lock
 * at a time.  All pages of a split chain change in one critical section
 * and one WAL record.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xloginsert.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/predicate.h"
#include "utils/rel.h"

#include "btree/hbt.h"
#include "btree/hbt_xlog.h"
#include "helios.h"

/* a split chain touches at most 3 pages per level, plus root and metapage */
#define HBT_MAX_SPLIT_LEVELS	((XLR_MAX_BLOCK_ID - 3) / 3)

bool		hbt_building = false;

typedef struct HbtSplitStep
{
	Buffer		buf;			/* the page split (left half), or inserted into */
	bool		split;
	Page		leftimg;
	Buffer		rbuf;
	Page		rightimg;
	Buffer		sibbuf;			/* old right sibling: its left-link changes */
	OffsetNumber insoff;		/* final insertion */
	IndexTuple	insitem;
	Size		inssz;
} HbtSplitStep;

/* ----------------------------------------------------------------
 *		WAL helpers
 * ----------------------------------------------------------------
 */
void
hbt_log_insert(Relation rel, Buffer buf, OffsetNumber off, Item item, Size size)
{
	xl_hbt_insert xlrec;
	XLogRecPtr	recptr;

	xlrec.subop = HBT_XLOG_INSERT;
	xlrec.off = off;
	XLogBeginInsert();
	XLogRegisterData((char *) &xlrec, sizeof(xlrec));
	XLogRegisterBuffer(0, buf, REGBUF_STANDARD);
	XLogRegisterBufData(0, (char *) item, size);
	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_BTREE);
	PageSetLSN(BufferGetPage(buf), recptr);
}

/*
 * Log the removal (deleted), freezing (frozen) and xmax clearing (cleared)
 * of entries on leaf buf; offsets are those before the removal.
 */
void
hbt_log_vacuum(Buffer buf, TransactionId latestRemoved,
			   OffsetNumber *frozen, int nfrozen,
			   OffsetNumber *cleared, int ncleared,
			   OffsetNumber *deleted, int ndeleted)
{
	xl_hbt_vacuum xlrec;
	XLogRecPtr	recptr;

	xlrec.subop = HBT_XLOG_VACUUM;
	xlrec.conflictHorizon = latestRemoved;
	xlrec.nfrozen = nfrozen;
	xlrec.ncleared = ncleared;
	xlrec.ndeleted = ndeleted;
	XLogBeginInsert();
	XLogRegisterData((char *) &xlrec, SizeOfHbtVacuum);
	if (nfrozen)
		XLogRegisterData((char *) frozen, nfrozen * sizeof(OffsetNumber));
	if (ncleared)
		XLogRegisterData((char *) cleared, ncleared * sizeof(OffsetNumber));
	if (ndeleted)
		XLogRegisterData((char *) deleted, ndeleted * sizeof(OffsetNumber));
	XLogRegisterBuffer(0, buf, REGBUF_STANDARD);
	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_BTREE);
	PageSetLSN(BufferGetPage(buf), recptr);
}

/* Log full images of bufs (all exclusively locked and dirty). */
XLogRecPtr
hbt_log_images(Buffer *bufs, int nbufs)
{
	xl_hbt_images xlrec;
	XLogRecPtr	recptr;

	xlrec.subop = HBT_XLOG_IMAGES;
	xlrec.nblocks = nbufs;
	XLogBeginInsert();
	XLogRegisterData((char *) &xlrec, sizeof(xlrec));
	for (int i = 0; i < nbufs; i++)
		XLogRegisterBuffer(i, bufs[i], REGBUF_FORCE_IMAGE | REGBUF_STANDARD);
	recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_BTREE);
	for (int i = 0; i < nbufs; i++)
		PageSetLSN(BufferGetPage(bufs[i]), recptr);
	return recptr;
}

/* ----------------------------------------------------------------
 *		Root creation
 * ----------------------------------------------------------------
 */
static void
hbt_create_root(Relation rel)
{
	Buffer		metabuf = hbt_getbuf(rel, HBT_METAPAGE, BUFFER_LOCK_EXCLUSIVE);
	HbtMetaPageData *meta = HbtPageGetMeta(BufferGetPage(metabuf));
	Buffer		rootbuf;

	if (meta->hbm_root != HBT_NONE)
	{
		/* someone else made it */
		UnlockReleaseBuffer(metabuf);
		hbt_invalidate_root(rel);
		return;
	}
	rootbuf = hbt_newbuf(rel);

	START_CRIT_SECTION();
	hbt_init_page(BufferGetPage(rootbuf), HBT_LEAF | HBT_ROOT, 0);
	meta->hbm_root = BufferGetBlockNumber(rootbuf);
	meta->hbm_level = 0;
	MarkBufferDirty(rootbuf);
	MarkBufferDirty(metabuf);
	if (HbtNeedsWAL(rel))
	{
		Buffer		bufs[2] = {metabuf, rootbuf};

		hbt_log_images(bufs, 2);
	}
	END_CRIT_SECTION();

	UnlockReleaseBuffer(rootbuf);
	UnlockReleaseBuffer(metabuf);
	hbt_invalidate_root(rel);
}

/* ----------------------------------------------------------------
 *		Removal of dead entries on page access
 * ----------------------------------------------------------------
 */

/*
 * Remove the entries of an exclusively locked leaf that no snapshot can
 * see any more (hbt_entry_removable).  Returns how many went.
 */
int
hbt_prune_page(Relation rel, Relation heapRel, Buffer buf)
{
	Page		page = BufferGetPage(buf);
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	GlobalVisState *vistest = GlobalVisTestFor(heapRel ? heapRel : rel);
	OffsetNumber deletable[MaxIndexTuplesPerPage];
	int			ndeletable = 0;
	TransactionId latestRemoved = InvalidTransactionId;
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

	Assert(HbtPageIsLeaf(opaque));
	for (OffsetNumber off = HbtFirstDataKey(opaque); off <= maxoff; off++)
	{
		IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));

		if (hbt_entry_removable(HbtEntryVersion(itup), vistest, &latestRemoved))
			deletable[ndeletable++] = off;
	}
	if (ndeletable == 0)
	{
		opaque->hbt_flags &= ~HBT_HAS_GARBAGE;
		return 0;
	}

	START_CRIT_SECTION();
	PageIndexMultiDelete(page, deletable, ndeletable);
	opaque->hbt_flags &= ~HBT_HAS_GARBAGE;
	MarkBufferDirty(buf);
	if (HbtNeedsWAL(rel))
		hbt_log_vacuum(buf, latestRemoved, NULL, 0, NULL, 0, deletable, ndeletable);
	END_CRIT_SECTION();
	return ndeletable;
}

/* ----------------------------------------------------------------
 *		Splits
 * ----------------------------------------------------------------
 */

/*
 * Split the items of page plus newitem (going at newoff) into two page
 * images: left keeps page's block and left-link, right is block rightblk.
 * *sep is the downlink to the right half for the parent.
 */
static void
hbt_split_page(Relation rel, Page page, OffsetNumber newoff, IndexTuple newitem,
			   Size newsz, BlockNumber rightblk, Page *leftimg, Page *rightimg,
			   IndexTuple *sep, Size *sepsz)
{
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	bool		leaf = HbtPageIsLeaf(opaque);
	OffsetNumber first = HbtFirstDataKey(opaque);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	int			n = maxoff - first + 2;
	IndexTuple *items = palloc(n * sizeof(IndexTuple));
	Size	   *sizes = palloc(n * sizeof(Size));
	Size		usable = BLCKSZ - MAXALIGN(SizeOfPageHeaderData) -
		MAXALIGN(sizeof(HbtPageOpaqueData));
	Size		total = 0,
				leftbytes = 0,
				target;
	int			i = 0,
				split;
	uint16		flags = opaque->hbt_flags & ~(HBT_ROOT | HBT_HAS_GARBAGE);
	HbtPageOpaque lopaque,
				ropaque;
	IndexTuple	hikey;
	Size		hikeysz;

	for (OffsetNumber off = first; off <= maxoff + 1; off++)
	{
		if (off == newoff)
		{
			items[i] = newitem;
			sizes[i++] = newsz;
		}
		if (off <= maxoff)
		{
			ItemId		iid = PageGetItemId(page, off);

			items[i] = (IndexTuple) PageGetItem(page, iid);
			sizes[i++] = ItemIdGetLength(iid);
		}
	}
	Assert(i == n);
	for (i = 0; i < n; i++)
		total += MAXALIGN(sizes[i]) + sizeof(ItemIdData);

	/*
	 * Appending to the rightmost page (ascending keys) leaves the left half
	 * full to the fillfactor, so that loads in key order pack pages;
	 * otherwise split in the middle.
	 */
	if (HbtPageIsRightmost(opaque) && newoff > maxoff)
		target = usable * (leaf ? RelationGetFillFactor(rel, 90) : 70) / 100;
	else
		target = total / 2;
	for (split = 0; split < n - 1; split++)
	{
		Size		next = MAXALIGN(sizes[split]) + sizeof(ItemIdData);

		if (split > 0 && leftbytes + next > target)
			break;
		leftbytes += next;
	}
	if (split < 1)
		split = 1;
	/* leave room for the left page's new high key */
	while (split > 1 &&
		   leftbytes + MAXALIGN(sizes[split] + sizeof(HbtPivotTid)) +
		   sizeof(ItemIdData) > usable)
	{
		split--;
		leftbytes -= MAXALIGN(sizes[split]) + sizeof(ItemIdData);
	}

	/* the first key of the right half bounds the left one */
	if (leaf)
	{
		hikey = hbt_make_pivot(items[split], &items[split]->t_tid, HBT_NONE, &hikeysz);
		*sep = hbt_make_pivot(items[split], &items[split]->t_tid, rightblk, sepsz);
	}
	else
	{
		hikey = hbt_make_pivot(items[split], HbtPivotRowTid(items[split]),
							   HBT_NONE, &hikeysz);
		*sep = hbt_make_pivot(items[split], HbtPivotRowTid(items[split]),
							  rightblk, sepsz);
	}

	*leftimg = palloc(BLCKSZ);
	hbt_init_page(*leftimg, flags, opaque->hbt_level);
	lopaque = HbtPageGetOpaque(*leftimg);
	lopaque->hbt_prev = opaque->hbt_prev;
	lopaque->hbt_next = rightblk;
	if (PageAddItem(*leftimg, (Item) hikey, hikeysz, HBT_HIKEY, false, false) ==
		InvalidOffsetNumber)
		elog(ERROR, "failed to add high key to the left half of a split in index \"%s\"",
			 RelationGetRelationName(rel));
	for (i = 0; i < split; i++)
		if (PageAddItem(*leftimg, (Item) items[i], sizes[i], InvalidOffsetNumber,
						false, false) == InvalidOffsetNumber)
			elog(ERROR, "failed to add item to the left half of a split in index \"%s\"",
				 RelationGetRelationName(rel));

	*rightimg = palloc(BLCKSZ);
	hbt_init_page(*rightimg, flags, opaque->hbt_level);
	ropaque = HbtPageGetOpaque(*rightimg);
	ropaque->hbt_prev = InvalidBlockNumber;	/* set by the caller */
	ropaque->hbt_next = opaque->hbt_next;
	if (!HbtPageIsRightmost(opaque))
	{
		ItemId		iid = PageGetItemId(page, HBT_HIKEY);

		if (PageAddItem(*rightimg, PageGetItem(page, iid), ItemIdGetLength(iid),
						HBT_HIKEY, false, false) == InvalidOffsetNumber)
			elog(ERROR, "failed to add high key to the right half of a split in index \"%s\"",
				 RelationGetRelationName(rel));
	}
	for (i = split; i < n; i++)
		if (PageAddItem(*rightimg, (Item) items[i], sizes[i], InvalidOffsetNumber,
						false, false) == InvalidOffsetNumber)
			elog(ERROR, "failed to add item to the right half of a split in index \"%s\"",
				 RelationGetRelationName(rel));
	pfree(items);
	pfree(sizes);
}

/*
 * Lock the parent of block child (of level childlevel) exclusively and
 * find the downlink to it, moving right if the parent split meanwhile.
 * Without a stack (child was the root when the caller descended, and the
 * root split since) descend again, looking for sep.
 */
static Buffer
hbt_find_parent(Relation rel, HbtStack stack, BlockNumber child,
				uint32 childlevel, IndexTuple sep, OffsetNumber *downoff)
{
	Buffer		buf;
	OffsetNumber start;

	if (stack != NULL)
	{
		buf = hbt_getbuf(rel, stack->blkno, BUFFER_LOCK_EXCLUSIVE);
		start = stack->off;
	}
	else
	{
		HbtKeyData key;
		HbtStack	path;

		hbt_invalidate_root(rel);
		hbt_key_from_tuple(rel, &key, sep, HbtPivotRowTid(sep));
		path = hbt_search_level(rel, &key, childlevel + 1, &buf,
								BUFFER_LOCK_EXCLUSIVE);
		hbt_free_stack(path);
		if (!BufferIsValid(buf))
			ereport(ERROR,
					(errcode(ERRCODE_INDEX_CORRUPTED),
					 errmsg("index \"%s\" has no level above block %u",
							RelationGetRelationName(rel), child)));
		start = InvalidOffsetNumber;
	}

	for (;;)
	{
		Page		page = BufferGetPage(buf);
		HbtPageOpaque opaque = HbtPageGetOpaque(page);
		OffsetNumber first = HbtFirstDataKey(opaque);
		OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

		if (opaque->hbt_level != childlevel + 1)
			ereport(ERROR,
					(errcode(ERRCODE_INDEX_CORRUPTED),
					 errmsg("index \"%s\" has block %u on level %u where level %u was expected",
							RelationGetRelationName(rel), BufferGetBlockNumber(buf),
							opaque->hbt_level, childlevel + 1)));
		if (start < first || start > maxoff)
			start = first;
		/* insertions only move it right on this page */
		for (OffsetNumber off = start; off <= maxoff; off++)
		{
			IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));

			if (HbtPivotChild(itup) == child)
			{
				*downoff = off;
				return buf;
			}
		}
		for (OffsetNumber off = first; off < start; off++)
		{
			IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));

			if (HbtPivotChild(itup) == child)
			{
				*downoff = off;
				return buf;
			}
		}
		if (HbtPageIsRightmost(opaque))
			ereport(ERROR,
					(errcode(ERRCODE_INDEX_CORRUPTED),
					 errmsg("failed to re-find the downlink to block %u in index \"%s\"",
							child, RelationGetRelationName(rel)),
					 errhint("Please REINDEX it.")));
		buf = hbt_relandgetbuf(rel, buf, opaque->hbt_next, BUFFER_LOCK_EXCLUSIVE);
		start = InvalidOffsetNumber;
	}
}

/*
 * Insert item at off on buf (exclusively locked), splitting it and as many
 * ancestors as needed.  Every page that changes is locked first; then all
 * change in one critical section and one IMAGES record.  Releases buf.
 */
static void
hbt_split_chain(Relation rel, HbtStack stack, Buffer buf, OffsetNumber off,
				IndexTuple item, Size itemsz)
{
	HbtSplitStep steps[HBT_MAX_SPLIT_LEVELS + 1];
	int			nsteps = 0;
	Buffer		rootbuf = InvalidBuffer;
	Buffer		metabuf = InvalidBuffer;
	IndexTuple	rootitems[2] = {NULL, NULL};
	Size		rootsizes[2] = {0, 0};
	uint32		rootlevel = 0;
	Buffer		bufs[XLR_MAX_BLOCK_ID];
	int			nbufs = 0;
	bool		newrightmost = false;
	BlockNumber rightmostleaf = HBT_NONE;

	for (;;)
	{
		Page		page = BufferGetPage(buf);
		HbtPageOpaque opaque = HbtPageGetOpaque(page);
		HbtSplitStep *st;
		IndexTuple	sep;
		Size		sepsz;
		BlockNumber leftblk = BufferGetBlockNumber(buf);

		if (nsteps > HBT_MAX_SPLIT_LEVELS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("index \"%s\" is too deep to split a page in one step",
							RelationGetRelationName(rel))));
		st = &steps[nsteps++];
		memset(st, 0, sizeof(HbtSplitStep));
		st->buf = buf;
		st->sibbuf = InvalidBuffer;
		st->rbuf = InvalidBuffer;

		if (PageGetFreeSpace(page) >= MAXALIGN(itemsz))
		{
			st->split = false;
			st->insoff = off;
			st->insitem = item;
			st->inssz = itemsz;
			break;
		}

		st->split = true;
		st->rbuf = hbt_newbuf(rel);
		hbt_split_page(rel, page, off, item, itemsz,
					   BufferGetBlockNumber(st->rbuf),
					   &st->leftimg, &st->rightimg, &sep, &sepsz);
		HbtPageGetOpaque(st->rightimg)->hbt_prev = leftblk;
		if (!HbtPageIsRightmost(opaque))
			st->sibbuf = hbt_getbuf(rel, opaque->hbt_next, BUFFER_LOCK_EXCLUSIVE);
		else if (HbtPageIsLeaf(opaque))
		{
			newrightmost = true;
			rightmostleaf = BufferGetBlockNumber(st->rbuf);
		}
		if (HbtPageIsLeaf(opaque))
			PredicateLockPageSplit(rel, leftblk, BufferGetBlockNumber(st->rbuf));

		if (HbtPageIsRoot(opaque))
		{
			rootbuf = hbt_newbuf(rel);
			metabuf = hbt_getbuf(rel, HBT_METAPAGE, BUFFER_LOCK_EXCLUSIVE);
			rootitems[0] = hbt_make_minus_infinity(leftblk, &rootsizes[0]);
			rootitems[1] = sep;
			rootsizes[1] = sepsz;
			rootlevel = opaque->hbt_level + 1;
			break;
		}

		buf = hbt_find_parent(rel, stack, leftblk, opaque->hbt_level, sep, &off);
		off = OffsetNumberNext(off);
		stack = stack ? stack->parent : NULL;
		item = sep;
		itemsz = sepsz;
	}

	for (int i = 0; i < nsteps; i++)
	{
		bufs[nbufs++] = steps[i].buf;
		if (steps[i].split)
		{
			bufs[nbufs++] = steps[i].rbuf;
			if (BufferIsValid(steps[i].sibbuf))
				bufs[nbufs++] = steps[i].sibbuf;
		}
	}
	if (BufferIsValid(rootbuf))
	{
		bufs[nbufs++] = rootbuf;
		bufs[nbufs++] = metabuf;
	}
	XLogEnsureRecordSpace(nbufs, 0);

	START_CRIT_SECTION();
	for (int i = 0; i < nsteps; i++)
	{
		HbtSplitStep *st = &steps[i];

		if (st->split)
		{
			memcpy(BufferGetPage(st->buf), st->leftimg, BLCKSZ);
			memcpy(BufferGetPage(st->rbuf), st->rightimg, BLCKSZ);
			if (BufferIsValid(st->sibbuf))
				HbtPageGetOpaque(BufferGetPage(st->sibbuf))->hbt_prev =
					BufferGetBlockNumber(st->rbuf);
		}
		else if (PageAddItem(BufferGetPage(st->buf), (Item) st->insitem,
							 st->inssz, st->insoff, false, false) ==
				 InvalidOffsetNumber)
			elog(PANIC, "failed to add item to block %u in index \"%s\"",
				 BufferGetBlockNumber(st->buf), RelationGetRelationName(rel));
	}
	if (BufferIsValid(rootbuf))
	{
		Page		rootpage = BufferGetPage(rootbuf);
		HbtMetaPageData *meta = HbtPageGetMeta(BufferGetPage(metabuf));

		hbt_init_page(rootpage, HBT_ROOT, rootlevel);
		for (int i = 0; i < 2; i++)
			if (PageAddItem(rootpage, (Item) rootitems[i], rootsizes[i],
							InvalidOffsetNumber, false, false) == InvalidOffsetNumber)
				elog(PANIC, "failed to add item to new root of index \"%s\"",
					 RelationGetRelationName(rel));
		meta->hbm_root = BufferGetBlockNumber(rootbuf);
		meta->hbm_level = rootlevel;
	}
	for (int i = 0; i < nbufs; i++)
		MarkBufferDirty(bufs[i]);
	if (HbtNeedsWAL(rel))
		hbt_log_images(bufs, nbufs);
	END_CRIT_SECTION();

	for (int i = 0; i < nbufs; i++)
		UnlockReleaseBuffer(bufs[i]);
	for (int i = 0; i < nsteps; i++)
	{
		if (steps[i].leftimg)
			pfree(steps[i].leftimg);
		if (steps[i].rightimg)
			pfree(steps[i].rightimg);
	}
	if (BufferIsValid(rootbuf))
		hbt_invalidate_root(rel);
	if (newrightmost)
		hbt_set_cached_rightmost(rel, rightmostleaf);
}

/* ----------------------------------------------------------------
 *		Leaf insertion
 * ----------------------------------------------------------------
 */

/* Add entry at off on a leaf with room for it, WAL-logged.  Keeps buf. */
static void
hbt_add_entry(Relation rel, Buffer buf, OffsetNumber off, IndexTuple entry,
			  Size size)
{
	Page		page = BufferGetPage(buf);

	START_CRIT_SECTION();
	if (PageAddItem(page, (Item) entry, size, off, false, false) ==
		InvalidOffsetNumber)
		elog(PANIC, "failed to add entry to block %u in index \"%s\"",
			 BufferGetBlockNumber(buf), RelationGetRelationName(rel));
	MarkBufferDirty(buf);
	if (HbtNeedsWAL(rel))
		hbt_log_insert(rel, buf, off, (Item) entry, size);
	END_CRIT_SECTION();
	if (HbtPageIsRightmost(HbtPageGetOpaque(page)))
		hbt_set_cached_rightmost(rel, BufferGetBlockNumber(buf));
}

/*
 * Put entry where key says on the exclusively locked leaf buf, removing
 * dead entries or splitting if it does not fit.  Releases buf.
 */
static void
hbt_insert_on_leaf(Relation rel, Relation heapRel, HbtStack stack, Buffer buf,
				   HbtKey key, IndexTuple entry, Size size)
{
	Page		page = BufferGetPage(buf);
	OffsetNumber off = hbt_binsrch(rel, key, page);

	if (PageGetFreeSpace(page) < MAXALIGN(size) &&
		hbt_prune_page(rel, heapRel, buf) > 0)
		off = hbt_binsrch(rel, key, page);

	if (PageGetFreeSpace(page) >= MAXALIGN(size))
	{
		hbt_add_entry(rel, buf, off, entry, size);
		UnlockReleaseBuffer(buf);
	}
	else
		hbt_split_chain(rel, stack, buf, off, entry, size);
}

/*
 * Ascending keys: append at the rightmost leaf remembered from the last
 * insertion, without a descent, if the key sorts after everything there
 * (for a unique index: after every value, so there is nothing to check)
 * and it fits.
 */
static bool
hbt_try_fastpath(Relation rel, HbtKey key, bool checkingunique,
				 IndexTuple entry, Size size)
{
	BlockNumber blkno = hbt_cached_rightmost(rel);
	Buffer		buf;
	Page		page;
	HbtPageOpaque opaque;
	OffsetNumber maxoff;
	bool		ok;

	if (blkno == HBT_NONE)
		return false;
	buf = ReadBuffer(rel, blkno);
	if (!ConditionalLockBuffer(buf))
	{
		ReleaseBuffer(buf);
		return false;
	}
	hbt_check_page(rel, buf);
	page = BufferGetPage(buf);
	opaque = HbtPageGetOpaque(page);
	maxoff = PageGetMaxOffsetNumber(page);
	ok = HbtPageIsLeaf(opaque) && HbtPageIsRightmost(opaque) &&
		maxoff >= HbtFirstDataKey(opaque) &&
		PageGetFreeSpace(page) >= MAXALIGN(size);
	if (ok)
	{
		if (checkingunique)
		{
			HbtKeyData vkey = *key;

			vkey.have_tid = false;
			vkey.nextkey = false;
			ok = hbt_compare(rel, &vkey, page, maxoff) > 0;
		}
		else
			ok = hbt_compare(rel, key, page, maxoff) > 0;
	}
	if (!ok)
	{
		UnlockReleaseBuffer(buf);
		hbt_set_cached_rightmost(rel, HBT_NONE);
		return false;
	}
	CheckForSerializableConflictIn(rel, NULL, blkno);
	hbt_add_entry(rel, buf, OffsetNumberNext(maxoff), entry, size);
	UnlockReleaseBuffer(buf);
	return true;
}

/* ----------------------------------------------------------------
 *		Uniqueness
 * ----------------------------------------------------------------
 */

/*
 * Does the entry stand in the way of a new one with the same key?  Live
 * entries do; dead and aborted ones do not; one whose inserter or deleter
 * is still running sets *xwait.
 */
static bool
hbt_entry_conflicts(HbtVersion *v, TransactionId *xwait)
{
	*xwait = InvalidTransactionId;
	if (v->flags & HBT_KILLED)
		return false;
	if ((v->flags & HBT_XMIN_FROZEN) != HBT_XMIN_FROZEN &&
		!(v->flags & HBT_XMIN_COMMITTED))
	{
		if (v->flags & HBT_XMIN_INVALID)
			return false;
		switch (hbt_xid_status(v->xmin))
		{
			case HBT_XID_ABORTED:
				return false;
			case HBT_XID_IN_PROGRESS:
				*xwait = v->xmin;
				return true;
			case HBT_XID_OURS:
			case HBT_XID_COMMITTED:
				break;
		}
	}
	if ((v->flags & HBT_XMAX_INVALID) || !TransactionIdIsValid(v->xmax))
		return true;
	if (v->flags & HBT_XMAX_COMMITTED)
		return false;
	switch (hbt_xid_status(v->xmax))
	{
		case HBT_XID_OURS:
		case HBT_XID_COMMITTED:
			return false;
		case HBT_XID_IN_PROGRESS:
			*xwait = v->xmax;
			return true;
		case HBT_XID_ABORTED:
			break;
	}
	return true;
}

/*
 * A live entry with our key values: is its row still there for a dirty
 * snapshot, and who may still change that?  A DELETE (or an UPDATE to a
 * new TID) ends the row first and its entries right after, so for a moment
 * a live entry can name a row whose deleter is still running: as nbtree,
 * ask the table (through the table AM, with SnapshotDirty), and wait for
 * that deleter rather than report a violation it may never commit.
 * Returns false if no version of the row is there any more.
 */
static bool
hbt_row_still_there(Relation heapRel, ItemPointer rowtid, TransactionId *xwait)
{
	SnapshotData dirty;
	bool		all_dead = false;
	ItemPointerData tid = *rowtid;

	*xwait = InvalidTransactionId;
	InitDirtySnapshot(dirty);
	if (!table_index_fetch_tuple_check(heapRel, &tid, &dirty, &all_dead))
		return false;
	*xwait = TransactionIdIsValid(dirty.xmin) ? dirty.xmin : dirty.xmax;
	return true;
}

/*
 * Look for entries with the key values of ukey from off on buf (the leaf
 * where they start, exclusively locked), reading right siblings under
 * share locks while holding buf.  Returns an xid to wait for, or sets
 * *conflict if a live entry other than self's exists.
 */
static TransactionId
hbt_check_unique(Relation rel, Relation heapRel, HbtKey ukey, Buffer buf,
				 ItemPointer self, IndexUniqueCheck checkUnique,
				 bool *conflict)
{
	HbtKeyData upto = *ukey;
	Buffer		cur = buf;
	OffsetNumber off;

	upto.nextkey = true;
	*conflict = false;
	off = hbt_binsrch(rel, ukey, BufferGetPage(buf));
	for (;;)
	{
		Page		page = BufferGetPage(cur);
		HbtPageOpaque opaque = HbtPageGetOpaque(page);
		OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

		for (; off <= maxoff; off++)
		{
			IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));
			TransactionId xwait;

			/* past the key's values? */
			if (hbt_compare_tuple(rel, &upto, itup, NULL) < 0)
				goto done;
			if (ItemPointerEquals(&itup->t_tid, self))
				continue;
			if (!hbt_entry_conflicts(HbtEntryVersion(itup), &xwait))
				continue;
			if (!TransactionIdIsValid(xwait) &&
				!hbt_row_still_there(heapRel, &itup->t_tid, &xwait))
				continue;
			if (TransactionIdIsValid(xwait) && checkUnique != UNIQUE_CHECK_PARTIAL)
			{
				if (cur != buf)
					UnlockReleaseBuffer(cur);
				return xwait;
			}
			*conflict = true;
			goto done;
		}
		/* equal values may continue on the right sibling */
		if (HbtPageIsRightmost(opaque) ||
			hbt_compare(rel, &upto, page, HBT_HIKEY) < 0)
			break;
		if (cur != buf)
			cur = hbt_relandgetbuf(rel, cur, opaque->hbt_next, BUFFER_LOCK_SHARE);
		else
			cur = hbt_getbuf(rel, opaque->hbt_next, BUFFER_LOCK_SHARE);
		off = HbtFirstDataKey(HbtPageGetOpaque(BufferGetPage(cur)));
	}
done:
	if (cur != buf)
		UnlockReleaseBuffer(cur);
	return InvalidTransactionId;
}

/*
 * Move right from the exclusively locked buf to the leaf where key goes,
 * locking each page before releasing the previous one, so that a
 * concurrent inserter of the same values cannot check in between.
 */
static Buffer
hbt_moveright_coupled(Relation rel, HbtKey key, Buffer buf)
{
	for (;;)
	{
		Page		page = BufferGetPage(buf);
		HbtPageOpaque opaque = HbtPageGetOpaque(page);
		Buffer		next;

		if (HbtPageIsRightmost(opaque) ||
			hbt_compare(rel, key, page, HBT_HIKEY) < 0)
			return buf;
		next = hbt_getbuf(rel, opaque->hbt_next, BUFFER_LOCK_EXCLUSIVE);
		UnlockReleaseBuffer(buf);
		buf = next;
	}
}

/*
 * Insert itup (t_tid = the row) with version.  For unique indexes, checks
 * per checkUnique as nbtree does: waits for running inserters or deleters
 * of the same key and raises a unique violation for a live one, except
 * with UNIQUE_CHECK_PARTIAL (returns false instead) and
 * UNIQUE_CHECK_EXISTING (only checks).  values/isnull are for messages.
 */
bool
hbt_insert(Relation rel, Relation heapRel, IndexTuple itup, HbtVersion *version,
		   IndexUniqueCheck checkUnique, Datum *values, bool *isnull)
{
	Size		size = IndexTupleSize(itup) + sizeof(HbtVersion);
	IndexTuple	entry;
	HbtKeyData	key;
	bool		checkingunique;
	bool		is_unique = true;

	if (MAXALIGN(size) > HBT_MAX_ITEM_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("index row size %zu exceeds helios_btree maximum %zu for index \"%s\"",
						MAXALIGN(size), (Size) HBT_MAX_ITEM_SIZE,
						RelationGetRelationName(rel)),
				 errdetail("Index row references tuple (%u,%u) in relation \"%s\".",
						   ItemPointerGetBlockNumber(&itup->t_tid),
						   ItemPointerGetOffsetNumber(&itup->t_tid),
						   heapRel ? RelationGetRelationName(heapRel) : "?"),
				 errhint("Values larger than 1/4 of a buffer page cannot be indexed.\n"
						 "Consider a function index of an MD5 hash of the value, "
						 "or use full text indexing.")));

	entry = palloc(size);
	memcpy(entry, itup, IndexTupleSize(itup));
	memcpy(HbtEntryVersion(entry), version, sizeof(HbtVersion));

	hbt_key_from_tuple(rel, &key, itup, &itup->t_tid);
	checkingunique = checkUnique != UNIQUE_CHECK_NO &&
		(!key.anynull || rel->rd_index->indnullsnotdistinct);

	if (checkUnique != UNIQUE_CHECK_EXISTING &&
		hbt_try_fastpath(rel, &key, checkingunique, entry, size))
	{
		pfree(entry);
		return true;
	}

	for (;;)
	{
		HbtStack	stack;
		Buffer		buf;

		if (checkingunique)
		{
			HbtKeyData ukey = key;
			TransactionId xwait;
			bool		conflict;

			ukey.have_tid = false;
			stack = hbt_search(rel, &ukey, &buf, BUFFER_LOCK_EXCLUSIVE);
			if (!BufferIsValid(buf))
			{
				hbt_create_root(rel);
				continue;
			}
			xwait = hbt_check_unique(rel, heapRel, &ukey, buf, &itup->t_tid,
									 checkUnique, &conflict);
			if (TransactionIdIsValid(xwait))
			{
				UnlockReleaseBuffer(buf);
				hbt_free_stack(stack);
				XactLockTableWait(xwait, heapRel, &itup->t_tid, XLTW_InsertIndex);
				continue;
			}
			if (conflict)
			{
				if (checkUnique == UNIQUE_CHECK_PARTIAL)
					is_unique = false;
				else
				{
					char	   *desc;
					BlockNumber blkno = BufferGetBlockNumber(buf);

					/*
					 * As nbtree: the leaf is released first, since the
					 * description may access catalogs (and so this very
					 * index); a serializable transaction that could not see
					 * the conflicting row fails on the rw-conflict rather
					 * than on the constraint.
					 */
					UnlockReleaseBuffer(buf);
					hbt_free_stack(stack);
					CheckForSerializableConflictIn(rel, NULL, blkno);
					desc = BuildIndexValueDescription(rel, values, isnull);

					ereport(ERROR,
							(errcode(ERRCODE_UNIQUE_VIOLATION),
							 errmsg("duplicate key value violates unique constraint \"%s\"",
									RelationGetRelationName(rel)),
							 desc ? errdetail("Key %s already exists.", desc) : 0,
							 errtableconstraint(heapRel, RelationGetRelationName(rel))));
				}
			}
			if (checkUnique == UNIQUE_CHECK_EXISTING)
			{
				UnlockReleaseBuffer(buf);
				hbt_free_stack(stack);
				break;
			}
			buf = hbt_moveright_coupled(rel, &key, buf);
		}
		else
		{
			stack = hbt_search(rel, &key, &buf, BUFFER_LOCK_EXCLUSIVE);
			if (!BufferIsValid(buf))
			{
				hbt_create_root(rel);
				continue;
			}
		}
		CheckForSerializableConflictIn(rel, NULL, BufferGetBlockNumber(buf));
		hbt_insert_on_leaf(rel, heapRel, stack, buf, &key, entry, size);
		hbt_free_stack(stack);
		break;
	}
	pfree(entry);
	return is_unique;
}
