/*-------------------------------------------------------------------------
 *
 * helios_hio.c
 *	  Finding a page with room for a new helios tuple.
 *
 * Candidates come from the relation's target block (the page we inserted
 * into last), then the free space map, then relation extension.  For an
 * UPDATE the old version's buffer is already pinned and exclusively
 * locked; to avoid deadlocks two buffers are always locked in block-number
 * order, as heap's hio.c does.  The visibility map pages of both buffers
 * are pinned before any buffer lock is taken where possible, since pinning
 * may do I/O.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/hio.h"
#include "access/visibilitymap.h"
#include "storage/bufmgr.h"
#include "storage/freespace.h"
#include "storage/lmgr.h"
#include "utils/rel.h"

#include "table/helios_am.h"

static Buffer
read_buffer_bi(Relation rel, BlockNumber blk, ReadBufferMode mode,
			   BulkInsertState bistate)
{
	Buffer		buffer;

	if (bistate == NULL)
		return ReadBufferExtended(rel, MAIN_FORKNUM, blk, mode, NULL);

	if (BufferIsValid(bistate->current_buf))
	{
		if (blk != P_NEW && BufferGetBlockNumber(bistate->current_buf) == blk)
		{
			IncrBufferRefCount(bistate->current_buf);
			return bistate->current_buf;
		}
		ReleaseBuffer(bistate->current_buf);
		bistate->current_buf = InvalidBuffer;
	}
	buffer = ReadBufferExtended(rel, MAIN_FORKNUM, blk, mode, bistate->strategy);
	IncrBufferRefCount(buffer);
	bistate->current_buf = buffer;
	return buffer;
}

/* Lock buffer (and otherBuffer, in block order), pinning VM pages first. */
static void
lock_pair(Relation rel, Buffer buffer, Buffer otherBuffer,
		  Buffer *vmbuffer, Buffer *vmbuffer_other)
{
	BlockNumber blk = BufferGetBlockNumber(buffer);
	BlockNumber oblk = BufferIsValid(otherBuffer) ?
		BufferGetBlockNumber(otherBuffer) : InvalidBlockNumber;

	if (HeliosPageIsAllVisible(BufferGetPage(buffer)))
		visibilitymap_pin(rel, blk, vmbuffer);

	if (!BufferIsValid(otherBuffer) || otherBuffer == buffer)
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	else if (oblk < blk)
	{
		LockBuffer(otherBuffer, BUFFER_LOCK_EXCLUSIVE);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	}
	else
	{
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		LockBuffer(otherBuffer, BUFFER_LOCK_EXCLUSIVE);
	}

	/*
	 * A page may have become all-visible while we were not holding its lock;
	 * the VM pin must be had without holding locks (it may read).
	 */
	if ((HeliosPageIsAllVisible(BufferGetPage(buffer)) &&
		 !visibilitymap_pin_ok(blk, *vmbuffer)) ||
		(BufferIsValid(otherBuffer) && otherBuffer != buffer &&
		 HeliosPageIsAllVisible(BufferGetPage(otherBuffer)) &&
		 !visibilitymap_pin_ok(oblk, *vmbuffer_other)))
	{
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		if (BufferIsValid(otherBuffer) && otherBuffer != buffer)
			LockBuffer(otherBuffer, BUFFER_LOCK_UNLOCK);
		visibilitymap_pin(rel, blk, vmbuffer);
		if (BufferIsValid(otherBuffer) && otherBuffer != buffer)
			visibilitymap_pin(rel, oblk, vmbuffer_other);
		lock_pair(rel, buffer, otherBuffer, vmbuffer, vmbuffer_other);
	}
}

/*
 * Return a buffer, exclusively locked, with room for a tuple of len bytes.
 * otherBuffer, if valid, is the pinned but unlocked buffer of the version
 * being updated; on return it is exclusively locked too (it may be the
 * returned buffer itself).  vmbuffer/vmbuffer_other get the VM pins of the
 * two pages when they are all-visible.
 */
Buffer
helios_get_buffer_for_tuple(Relation rel, Size len, Buffer otherBuffer,
							int options, BulkInsertState bistate,
							Buffer *vmbuffer, Buffer *vmbuffer_other)
{
	bool		use_fsm = !(options & HEAP_INSERT_SKIP_FSM);
	bool		need_ext_lock = !RELATION_IS_LOCAL(rel);
	Size		saveFreeSpace;
	BlockNumber targetBlock;
	BlockNumber otherBlock;
	Buffer		buffer;

	len = MAXALIGN(len);
	if (len > HeliosMaxTupleSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("row is too big: size %zu, maximum size %zu in table \"%s\"",
						len, (Size) HeliosMaxTupleSize,
						RelationGetRelationName(rel)),
				 errdetail("A helios row can be at most %zu bytes (heap: %zu): a helios page keeps %zu bytes of special space, and a helios row keeps a slot for every column, NULL or not.",
						   (Size) HeliosMaxTupleSize, (Size) MaxHeapTupleSize,
						   (Size) MAXALIGN(sizeof(HeliosPageOpaqueData))),
				 errhint("Values of types with storage EXTERNAL or EXTENDED are moved to the TOAST table automatically; plain-storage columns must fit in one page.")));

	saveFreeSpace = RelationGetTargetPageFreeSpace(rel, HEAP_DEFAULT_FILLFACTOR);
	/* a tuple that only fits an empty page ignores fillfactor */
	if (len + saveFreeSpace > HeliosMaxTupleSize)
		saveFreeSpace = 0;
	otherBlock = BufferIsValid(otherBuffer) ?
		BufferGetBlockNumber(otherBuffer) : InvalidBlockNumber;

	if (bistate && BufferIsValid(bistate->current_buf))
		targetBlock = BufferGetBlockNumber(bistate->current_buf);
	else
		targetBlock = RelationGetTargetBlock(rel);

	if (targetBlock == InvalidBlockNumber && use_fsm)
		targetBlock = GetPageWithFreeSpace(rel, len + saveFreeSpace);

	/* no FSM entry yet for a small table: try its last page */
	if (targetBlock == InvalidBlockNumber)
	{
		BlockNumber nblocks = RelationGetNumberOfBlocks(rel);

		if (nblocks > 0)
			targetBlock = nblocks - 1;
	}

retry:
	while (targetBlock != InvalidBlockNumber)
	{
		Page		page;
		Size		free;

		if (targetBlock == otherBlock)
		{
			buffer = otherBuffer;
			lock_pair(rel, buffer, InvalidBuffer, vmbuffer_other, NULL);
		}
		else
		{
			buffer = read_buffer_bi(rel, targetBlock, RBM_NORMAL, bistate);
			lock_pair(rel, buffer, otherBuffer, vmbuffer, vmbuffer_other);
		}
		helios_check_page(rel, buffer);
		page = BufferGetPage(buffer);
		if (PageIsNew(page))
		{
			/* extended by a backend that failed before initializing it */
			helios_page_init(page);
			MarkBufferDirty(buffer);
		}
		free = helios_page_free_space(page);
		if (len + saveFreeSpace <= free)
		{
			RelationSetTargetBlock(rel, targetBlock);
			return buffer;
		}

		/* not enough room: unlock everything, ask the FSM for another page */
		LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
		if (buffer != otherBuffer)
		{
			if (BufferIsValid(otherBuffer))
				LockBuffer(otherBuffer, BUFFER_LOCK_UNLOCK);
			ReleaseBuffer(buffer);
		}
		if (!use_fsm)
			break;
		targetBlock = RecordAndGetPageWithFreeSpace(rel, targetBlock, free,
													len + saveFreeSpace);
	}

	/* extend the relation by one page */
	if (need_ext_lock)
		LockRelationForExtension(rel, ExclusiveLock);
	buffer = read_buffer_bi(rel, P_NEW, RBM_ZERO_AND_LOCK, bistate);
	helios_page_init(BufferGetPage(buffer));
	MarkBufferDirty(buffer);
	if (need_ext_lock)
		UnlockRelationForExtension(rel, ExclusiveLock);

	if (BufferIsValid(otherBuffer))
	{
		/*
		 * otherBuffer has the lower block number and should be locked first;
		 * nobody knows the new page yet, so a conditional lock almost always
		 * succeeds without giving others a chance to fill our page.
		 */
		Assert(BufferGetBlockNumber(buffer) > otherBlock);
		if (!ConditionalLockBuffer(otherBuffer))
		{
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			LockBuffer(otherBuffer, BUFFER_LOCK_EXCLUSIVE);
			LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		}
		if (HeliosPageIsAllVisible(BufferGetPage(otherBuffer)) &&
			!visibilitymap_pin_ok(otherBlock, *vmbuffer_other))
		{
			LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
			LockBuffer(otherBuffer, BUFFER_LOCK_UNLOCK);
			visibilitymap_pin(rel, otherBlock, vmbuffer_other);
			lock_pair(rel, buffer, otherBuffer, vmbuffer, vmbuffer_other);
		}
		if (len > helios_page_free_space(BufferGetPage(buffer)))
		{
			/* someone used our new page while it was unlocked */
			LockBuffer(otherBuffer, BUFFER_LOCK_UNLOCK);
			UnlockReleaseBuffer(buffer);
			targetBlock = InvalidBlockNumber;
			goto retry;
		}
	}
	RelationSetTargetBlock(rel, BufferGetBlockNumber(buffer));
	return buffer;
}

/*
 * Place tuple on the (exclusively locked) page; sets t_self and, unless the
 * tuple carries a speculative token, its ctid.  Caller is in a critical
 * section and WAL-logs.
 */
OffsetNumber
helios_put_tuple(Relation rel, Buffer buffer, HeapTuple tuple, bool token)
{
	Page		page = BufferGetPage(buffer);
	OffsetNumber offnum;

	offnum = PageAddItem(page, (Item) tuple->t_data, tuple->t_len,
						 InvalidOffsetNumber, false, true);
	if (offnum == InvalidOffsetNumber)
		elog(PANIC, "failed to add tuple to page %u of relation \"%s\"",
			 BufferGetBlockNumber(buffer), RelationGetRelationName(rel));

	ItemPointerSet(&tuple->t_self, BufferGetBlockNumber(buffer), offnum);
	if (!token)
	{
		ItemId		itemid = PageGetItemId(page, offnum);
		HeapTupleHeader item = (HeapTupleHeader) PageGetItem(page, itemid);

		item->t_ctid = tuple->t_self;
	}
	return offnum;
}
