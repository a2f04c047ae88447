/*-------------------------------------------------------------------------
 *
 * hbt_search.c
 *	  Descent of the B-link tree: from the root to the page where a key
 *	  belongs, moving right past concurrent splits (Lehman and Yao).
 *
 * A reader holds one buffer lock at a time: it reads a page's downlink,
 * releases the page, locks the child and, if the child split meanwhile,
 * follows right-links until the key is below the page's high key.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/rel.h"

#include "btree/hbt.h"

/*
 * Move right from buf (locked in mode access) while key belongs to a page
 * further right: key >= high key (the right sibling's first key).
 */
Buffer
hbt_moveright(Relation rel, HbtKey key, Buffer buf, int access)
{
	for (;;)
	{
		Page		page = BufferGetPage(buf);
		HbtPageOpaque opaque = HbtPageGetOpaque(page);

		if (HbtPageIsRightmost(opaque))
			break;
		if (hbt_compare(rel, key, page, HBT_HIKEY) < 0)
			break;
		CHECK_FOR_INTERRUPTS();
		buf = hbt_relandgetbuf(rel, buf, opaque->hbt_next, access);
	}
	return buf;
}

/*
 * Descend to the page of level 'level' where key belongs, locked in mode
 * access (levels above are read-locked one at a time).  Returns the path
 * of downlinks followed (for finding parents), and *bufp; *bufp is
 * InvalidBuffer if the index is empty or lower than 'level'.
 */
HbtStack
hbt_search_level(Relation rel, HbtKey key, uint32 level, Buffer *bufp,
				 int access)
{
	BlockNumber root;
	uint32		rootlevel;
	Buffer		buf;
	HbtStack	stack = NULL;

	hbt_get_root(rel, &root, &rootlevel);
	if (root == HBT_NONE || rootlevel < level)
	{
		*bufp = InvalidBuffer;
		return NULL;
	}
	buf = hbt_getbuf(rel, root, rootlevel == level ? access : BUFFER_LOCK_SHARE);

	for (;;)
	{
		Page		page;
		HbtPageOpaque opaque;
		OffsetNumber off;
		IndexTuple	itup;
		BlockNumber child;
		HbtStack	entry;
		int			childaccess;
		uint32		parentlevel;

		page = BufferGetPage(buf);
		opaque = HbtPageGetOpaque(page);
		if (opaque->hbt_level == level)
		{
			buf = hbt_moveright(rel, key, buf, access);
			break;
		}
		buf = hbt_moveright(rel, key, buf, BUFFER_LOCK_SHARE);
		page = BufferGetPage(buf);
		opaque = HbtPageGetOpaque(page);
		if (HbtPageIsLeaf(opaque) || opaque->hbt_level < level)
			ereport(ERROR,
					(errcode(ERRCODE_INDEX_CORRUPTED),
					 errmsg("index \"%s\" has no level %u below block %u",
							RelationGetRelationName(rel), level,
							BufferGetBlockNumber(buf))));

		off = hbt_binsrch(rel, key, page);
		itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));
		child = HbtPivotChild(itup);

		entry = palloc(sizeof(HbtStackData));
		entry->blkno = BufferGetBlockNumber(buf);
		entry->off = off;
		entry->parent = stack;
		stack = entry;

		/* the parent's level, read while the parent is still locked */
		parentlevel = opaque->hbt_level;
		childaccess = (parentlevel == level + 1) ? access : BUFFER_LOCK_SHARE;
		buf = hbt_relandgetbuf(rel, buf, child, childaccess);
		if (HbtPageGetOpaque(BufferGetPage(buf))->hbt_level != parentlevel - 1)
			ereport(ERROR,
					(errcode(ERRCODE_INDEX_CORRUPTED),
					 errmsg("index \"%s\" has a downlink to block %u on the wrong level",
							RelationGetRelationName(rel), child)));
	}
	*bufp = buf;
	return stack;
}

/* Descend to the leaf where key belongs. */
HbtStack
hbt_search(Relation rel, HbtKey key, Buffer *bufp, int access)
{
	return hbt_search_level(rel, key, 0, bufp, access);
}

void
hbt_free_stack(HbtStack stack)
{
	while (stack != NULL)
	{
		HbtStack	parent = stack->parent;

		pfree(stack);
		stack = parent;
	}
}
