/*-------------------------------------------------------------------------
 *
 * hbt_page.c
 *	  helios_btree page handling: initialization, buffer access with the
 *	  corruption check, new pages, and the metapage's root (cached in
 *	  rd_amcache).
 *
 * No page is ever recycled: new pages are appended at the end of the
 * relation, which keeps VACUUM's physical-order scan safe against
 * concurrent splits (src/btree/README).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/defrem.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "btree/hbt.h"
#include "helios.h"

/* What rd_amcache holds: the root as last seen, and the fast-path leaf. */
typedef struct HbtCache
{
	BlockNumber root;
	uint32		level;
	BlockNumber rightmost;		/* last leaf an append went to */
} HbtCache;

void
hbt_init_page(Page page, uint16 flags, uint32 level)
{
	HbtPageOpaque opaque;

	PageInit(page, BLCKSZ, sizeof(HbtPageOpaqueData));
	opaque = HbtPageGetOpaque(page);
	opaque->hbt_prev = HBT_NONE;
	opaque->hbt_next = HBT_NONE;
	opaque->hbt_level = level;
	opaque->hbt_flags = flags;
	opaque->hbt_page_id = HBT_PAGE_ID;
}

void
hbt_init_metapage(Page page, BlockNumber root, uint32 level)
{
	HbtMetaPageData *meta;

	hbt_init_page(page, HBT_META, 0);
	meta = HbtPageGetMeta(page);
	meta->hbm_magic = HBT_MAGIC;
	meta->hbm_version = HBT_VERSION;
	meta->hbm_root = root;
	meta->hbm_level = level;
	/* so that full-page images leave out the unused space */
	((PageHeader) page)->pd_lower =
		((char *) meta + sizeof(HbtMetaPageData)) - (char *) page;
}

/*
 * Raise an error, never crash, on a page that is not a helios_btree page.
 * A new (all-zero) page is left to the callers that expect one.
 */
void
hbt_check_page(Relation rel, Buffer buf)
{
	Page		page = BufferGetPage(buf);
	HbtPageOpaque opaque;

	if (PageIsNew(page))
		ereport(ERROR,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg("index \"%s\" contains unexpected zero page at block %u",
						RelationGetRelationName(rel), BufferGetBlockNumber(buf)),
				 errhint("Please REINDEX it.")));
	if (PageGetSpecialSize(page) != MAXALIGN(sizeof(HbtPageOpaqueData)) ||
		((PageHeader) page)->pd_lower < SizeOfPageHeaderData ||
		((PageHeader) page)->pd_lower > ((PageHeader) page)->pd_upper ||
		((PageHeader) page)->pd_upper > ((PageHeader) page)->pd_special)
		ereport(ERROR,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg("index \"%s\" contains corrupted page at block %u",
						RelationGetRelationName(rel), BufferGetBlockNumber(buf)),
				 errhint("Please REINDEX it.")));
	opaque = HbtPageGetOpaque(page);
	if (opaque->hbt_page_id != HBT_PAGE_ID)
		ereport(ERROR,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg("index \"%s\" contains corrupted page at block %u",
						RelationGetRelationName(rel), BufferGetBlockNumber(buf)),
				 errdetail("The page is not a helios_btree page."),
				 errhint("Please REINDEX it.")));
}

/* Read, lock and check block blkno. */
Buffer
hbt_getbuf(Relation rel, BlockNumber blkno, int access)
{
	Buffer		buf;

	/* a link past the end fails in ReadBuffer, also with an ERROR */
	if (blkno == HBT_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg("index \"%s\" links to block %u, which does not exist",
						RelationGetRelationName(rel), blkno),
				 errhint("Please REINDEX it.")));
	buf = ReadBuffer(rel, blkno);
	LockBuffer(buf, access);
	hbt_check_page(rel, buf);
	return buf;
}

/* Release obuf (locked) and read, lock and check blkno. */
Buffer
hbt_relandgetbuf(Relation rel, Buffer obuf, BlockNumber blkno, int access)
{
	UnlockReleaseBuffer(obuf);
	return hbt_getbuf(rel, blkno, access);
}

/*
 * A new page at the end of the relation, exclusively locked and not yet
 * initialized: the caller initializes it in its critical section.
 */
Buffer
hbt_newbuf(Relation rel)
{
	Buffer		buf;
	bool		needLock = !RELATION_IS_LOCAL(rel);

	if (needLock)
		LockRelationForExtension(rel, ExclusiveLock);
	buf = ReadBuffer(rel, P_NEW);
	if (needLock)
		UnlockRelationForExtension(rel, ExclusiveLock);
	LockBuffer(buf, BUFFER_LOCK_EXCLUSIVE);
	return buf;
}

static HbtCache *
hbt_cache(Relation rel)
{
	if (rel->rd_amcache == NULL)
	{
		HbtCache   *cache = MemoryContextAlloc(rel->rd_indexcxt, sizeof(HbtCache));

		cache->root = HBT_NONE;
		cache->level = 0;
		cache->rightmost = HBT_NONE;
		rel->rd_amcache = cache;
	}
	return (HbtCache *) rel->rd_amcache;
}

/*
 * The root and its level, HBT_NONE for an empty index.  A root that has
 * since split is still a correct place to start (its level has right-links
 * to the rest), so the cache is only refreshed by hbt_invalidate_root().
 */
void
hbt_get_root(Relation rel, BlockNumber *root, uint32 *level)
{
	HbtCache   *cache = hbt_cache(rel);

	if (cache->root == HBT_NONE)
	{
		Buffer		metabuf = hbt_getbuf(rel, HBT_METAPAGE, BUFFER_LOCK_SHARE);
		Page		metapage = BufferGetPage(metabuf);
		HbtMetaPageData *meta = HbtPageGetMeta(metapage);

		if (!(HbtPageGetOpaque(metapage)->hbt_flags & HBT_META) ||
			meta->hbm_magic != HBT_MAGIC)
			ereport(ERROR,
					(errcode(ERRCODE_INDEX_CORRUPTED),
					 errmsg("index \"%s\" is not a helios_btree",
							RelationGetRelationName(rel))));
		if (meta->hbm_version != HBT_VERSION)
			ereport(ERROR,
					(errcode(ERRCODE_INDEX_CORRUPTED),
					 errmsg("version mismatch in index \"%s\": file version %u, code version %u",
							RelationGetRelationName(rel), meta->hbm_version,
							HBT_VERSION)));
		cache->root = meta->hbm_root;
		cache->level = meta->hbm_level;
		UnlockReleaseBuffer(metabuf);
	}
	*root = cache->root;
	*level = cache->level;
}

void
hbt_invalidate_root(Relation rel)
{
	hbt_cache(rel)->root = HBT_NONE;
}

BlockNumber
hbt_cached_rightmost(Relation rel)
{
	return hbt_cache(rel)->rightmost;
}

void
hbt_set_cached_rightmost(Relation rel, BlockNumber blkno)
{
	hbt_cache(rel)->rightmost = blkno;
}

/* helios_btree's OID in this database; InvalidOid without the extension */
Oid
hbt_am_oid(void)
{
	return get_index_am_oid(HBT_AM_NAME, true);
}

/*
 * A relation's access method, read from the catalog (no lock, no relcache
 * entry); InvalidOid if there is no such relation.
 */
Oid
hbt_relam(Oid relid)
{
	HeapTuple	tup;
	Oid			relam = InvalidOid;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		relam = ((Form_pg_class) GETSTRUCT(tup))->relam;
		ReleaseSysCache(tup);
	}
	return relam;
}
