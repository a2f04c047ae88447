/*-------------------------------------------------------------------------
 *
 * hbt.h
 *	  helios_btree: page format, entry format and the functions the
 *	  modules of src/btree share.  src/btree/README states the invariants
 *	  and the locking protocol.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HBT_H
#define HBT_H

#include "access/amapi.h"
#include "access/genam.h"
#include "access/htup.h"
#include "access/itup.h"
#include "access/xlogreader.h"
#include "lib/stringinfo.h"
#include "nodes/execnodes.h"
#include "nodes/tidbitmap.h"
#include "access/skey.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/snapshot.h"

/* ----------------------------------------------------------------
 *		Pages
 * ----------------------------------------------------------------
 */

#define HBT_METAPAGE		0
#define HBT_MAGIC			0x48425452	/* "HBTR" */
#define HBT_VERSION			1
#define HBT_PAGE_ID			0xFF90	/* tells helios_btree pages in rm_mask */
#define HBT_NONE			InvalidBlockNumber

/* Special space of every page, the metapage included. */
typedef struct HbtPageOpaqueData
{
	BlockNumber hbt_prev;		/* left sibling, or HBT_NONE */
	BlockNumber hbt_next;		/* right sibling, or HBT_NONE */
	uint32		hbt_level;		/* 0 for leaves */
	uint16		hbt_flags;		/* HBT_* below */
	uint16		hbt_page_id;	/* HBT_PAGE_ID */
} HbtPageOpaqueData;

typedef HbtPageOpaqueData *HbtPageOpaque;

#define HBT_LEAF			0x0001
#define HBT_ROOT			0x0002
#define HBT_META			0x0004
#define HBT_HAS_GARBAGE		0x0008	/* hint: entries may be removable */

#define HbtPageGetOpaque(page) ((HbtPageOpaque) PageGetSpecialPointer(page))
#define HbtPageIsLeaf(opaque)	(((opaque)->hbt_flags & HBT_LEAF) != 0)
#define HbtPageIsRoot(opaque)	(((opaque)->hbt_flags & HBT_ROOT) != 0)
#define HbtPageIsRightmost(opaque)	((opaque)->hbt_next == HBT_NONE)

/*
 * Every page but the rightmost of its level starts with its high key, the
 * upper bound of the keys it may hold.  Internal pages' first data item is
 * "minus infinity": its key is never compared.
 */
#define HBT_HIKEY			((OffsetNumber) 1)
#define HbtFirstDataKey(opaque) \
	(HbtPageIsRightmost(opaque) ? HBT_HIKEY : OffsetNumberNext(HBT_HIKEY))

/* Metapage contents, after the page header. */
typedef struct HbtMetaPageData
{
	uint32		hbm_magic;
	uint32		hbm_version;
	BlockNumber hbm_root;		/* HBT_NONE while the index is empty */
	uint32		hbm_level;		/* the root's level */
} HbtMetaPageData;

#define HbtPageGetMeta(page) ((HbtMetaPageData *) PageGetContents(page))

/* ----------------------------------------------------------------
 *		Entries
 *
 * A leaf entry is an IndexTuple (t_tid = the row's root TID) followed by
 * its version, at offset IndexTupleSize(), which is MAXALIGNed.  A pivot
 * (internal item or high key) is an IndexTuple whose t_tid names the child
 * block, followed by the row TID that breaks ties between equal keys: the
 * tree is ordered by (key, row TID), so every entry has one place.
 * ----------------------------------------------------------------
 */
typedef struct HbtVersion
{
	TransactionId xmin;			/* made the key point at the row */
	TransactionId xmax;			/* ended that, or invalid */
	CommandId	cid;			/* cmin, cmax or a combo id (HBT_COMBOCID) */
	uint16		flags;			/* HBT_X* below */
	uint16		pad;
} HbtVersion;

#define HBT_XMIN_COMMITTED	0x0001	/* hint */
#define HBT_XMIN_INVALID	0x0002	/* hint, or killed with both: dead */
#define HBT_XMAX_COMMITTED	0x0004	/* hint */
#define HBT_XMAX_INVALID	0x0008	/* hint */
#define HBT_XMIN_FROZEN		(HBT_XMIN_COMMITTED | HBT_XMIN_INVALID)
#define HBT_COMBOCID		0x0010	/* cid is a combo command id */
#define HBT_KILLED			0x0020	/* never visible (speculative loser) */
#define HBT_HINT_BITS \
	(HBT_XMIN_COMMITTED | HBT_XMIN_INVALID | HBT_XMAX_COMMITTED | HBT_XMAX_INVALID)

#define HbtEntryVersion(itup) \
	((HbtVersion *) ((char *) (itup) + IndexTupleSize(itup)))
#define HbtEntrySize(itup)		(IndexTupleSize(itup) + sizeof(HbtVersion))

typedef struct HbtPivotTid
{
	ItemPointerData tid;
	uint16		pad;
} HbtPivotTid;

#define HbtPivotRowTid(itup) \
	(&((HbtPivotTid *) ((char *) (itup) + IndexTupleSize(itup)))->tid)
#define HbtPivotSize(itup)		(IndexTupleSize(itup) + sizeof(HbtPivotTid))
#define HbtPivotChild(itup)		ItemPointerGetBlockNumberNoCheck(&(itup)->t_tid)

/*
 * The row TID of item itup at off: pivots (internal items, high keys) keep
 * it after the tuple, entries in t_tid.
 */
static inline ItemPointer
hbt_item_rowtid(Page page, OffsetNumber off, IndexTuple itup)
{
	HbtPageOpaque opaque = HbtPageGetOpaque(page);
	bool		pivot = !HbtPageIsLeaf(opaque) ||
		(off == HBT_HIKEY && !HbtPageIsRightmost(opaque));

	return pivot ? HbtPivotRowTid(itup) : &itup->t_tid;
}

/* The largest leaf entry: three fit on a page with its high key. */
#define HBT_MAX_ITEM_SIZE \
	MAXALIGN_DOWN((BLCKSZ - MAXALIGN(SizeOfPageHeaderData + 4 * sizeof(ItemIdData)) - \
				   MAXALIGN(sizeof(HbtPageOpaqueData))) / 4)

/* ----------------------------------------------------------------
 *		Keys
 * ----------------------------------------------------------------
 */

/*
 * A search key in index order: values for the first nkeys key columns,
 * compared with the opclass's ORDER proc (or an inlined equivalent), then
 * the row TID if given.  Without a TID the key sorts before every entry
 * with equal values; with nextkey it sorts after them.
 */
typedef struct HbtKeyData
{
	int			nkeys;
	bool		nextkey;
	bool		have_tid;
	bool		anynull;
	ItemPointerData tid;
	ScanKeyData sk[INDEX_MAX_KEYS];
} HbtKeyData;

typedef HbtKeyData *HbtKey;

/* one level of the path from the root, for finding a page's parent */
typedef struct HbtStackData
{
	BlockNumber blkno;
	OffsetNumber off;
	struct HbtStackData *parent;
} HbtStackData;

typedef HbtStackData *HbtStack;

/* ----------------------------------------------------------------
 *		Scans
 * ----------------------------------------------------------------
 */
typedef struct HbtScanItem
{
	ItemPointerData tid;
	uint16		tupleOffset;	/* in the position's tuple workspace */
} HbtScanItem;

#define HBT_MAX_ITEMS_PER_PAGE	MaxIndexTuplesPerPage

/* The matching entries of one leaf page, copied under its lock. */
typedef struct HbtScanPos
{
	BlockNumber blkno;			/* HBT_NONE: not positioned */
	BlockNumber next;			/* right-link when the page was read */
	BlockNumber prev;			/* left-link when the page was read */
	bool		moreLeft;
	bool		moreRight;
	int			first;			/* items[first..last] are valid */
	int			last;
	int			cur;
	HbtScanItem items[HBT_MAX_ITEMS_PER_PAGE];
} HbtScanPos;

typedef struct HbtScanOpaqueData
{
	bool		keysReady;
	bool		qualOk;			/* false: the keys can match nothing */
	HbtKeyData startKey;		/* first position, in index order */
	bool		haveStart;
	HbtKeyData endKey;			/* stop after, in index order */
	bool		haveEnd;
	bool		endStrict;		/* stop at equality too */
	bool		startStrict;
	HbtScanPos pos;
	char	   *tuples;			/* copies of the index tuples, for IOS */
	HbtScanPos markPos;
	char	   *markTuples;
	bool		markValid;
} HbtScanOpaqueData;

typedef HbtScanOpaqueData *HbtScanOpaque;

/* ----------------------------------------------------------------
 *		Functions
 * ----------------------------------------------------------------
 */

/* hbt_page.c */
extern void hbt_init_page(Page page, uint16 flags, uint32 level);
extern void hbt_init_metapage(Page page, BlockNumber root, uint32 level);
extern void hbt_check_page(Relation rel, Buffer buf);
extern Buffer hbt_getbuf(Relation rel, BlockNumber blkno, int access);
extern Buffer hbt_relandgetbuf(Relation rel, Buffer obuf, BlockNumber blkno,
							   int access);
extern Buffer hbt_newbuf(Relation rel);
extern void hbt_get_root(Relation rel, BlockNumber *root, uint32 *level);
extern void hbt_invalidate_root(Relation rel);
extern BlockNumber hbt_cached_rightmost(Relation rel);
extern void hbt_set_cached_rightmost(Relation rel, BlockNumber blkno);
extern Oid	hbt_am_oid(void);
extern Oid	hbt_relam(Oid relid);

/* hbt_key.c */
extern void hbt_key_set_fast(ScanKey sk);
extern void hbt_key_from_values(Relation rel, HbtKey key, Datum *values,
								bool *isnull, int nkeys, ItemPointer tid);
extern void hbt_key_from_tuple(Relation rel, HbtKey key, IndexTuple itup,
							   ItemPointer tid);
extern int32 hbt_compare(Relation rel, HbtKey key, Page page, OffsetNumber off);
extern int32 hbt_compare_tuple(Relation rel, HbtKey key, IndexTuple itup,
							   ItemPointer rowtid);
extern OffsetNumber hbt_binsrch(Relation rel, HbtKey key, Page page);
extern IndexTuple hbt_make_pivot(IndexTuple src, ItemPointer rowtid,
								 BlockNumber child, Size *size);
extern IndexTuple hbt_make_minus_infinity(BlockNumber child, Size *size);
extern void hbt_set_pivot_child(IndexTuple pivot, BlockNumber child);
extern bool hbt_keys_equal(Relation rel, IndexTuple a, IndexTuple b);

/* hbt_visibility.c */
typedef enum HbtXidStatus
{
	HBT_XID_OURS,
	HBT_XID_IN_PROGRESS,
	HBT_XID_COMMITTED,
	HBT_XID_ABORTED
} HbtXidStatus;

#define HBT_VAC_FREEZE		0x01
#define HBT_VAC_CLEAR_XMAX	0x02

extern HbtXidStatus hbt_xid_status(TransactionId xid);
extern TransactionId hbt_entry_conflict_xid(HbtVersion *v, bool visible);
extern int	hbt_entry_vacuum_actions(HbtVersion *v, GlobalVisState *vistest);
extern void hbt_entry_apply_vacuum(HbtVersion *v, int actions);
extern bool hbt_entry_is_current(HbtVersion *v);
extern bool hbt_entry_visible(HbtVersion *v, Snapshot snapshot, Buffer buf);
extern bool hbt_entry_removable(HbtVersion *v, struct GlobalVisState *vistest,
								TransactionId *latestRemoved);
extern void hbt_version_for_insert(HbtVersion *v);
extern void hbt_version_set_xmax(HbtVersion *v, TransactionId xid, CommandId cid);

/* hbt_search.c */
extern HbtStack hbt_search(Relation rel, HbtKey key, Buffer *bufp, int access);
extern HbtStack hbt_search_level(Relation rel, HbtKey key, uint32 level,
								 Buffer *bufp, int access);
extern Buffer hbt_moveright(Relation rel, HbtKey key, Buffer buf, int access);
extern void hbt_free_stack(HbtStack stack);

/* hbt_insert.c */
extern bool hbt_insert(Relation rel, Relation heapRel, IndexTuple itup,
					   HbtVersion *version, IndexUniqueCheck checkUnique,
					   Datum *values, bool *isnull);
extern int	hbt_prune_page(Relation rel, Relation heapRel, Buffer buf);

/* hbt_scan.c */
extern IndexScanDesc hbt_beginscan(Relation rel, int nkeys, int norderbys);
extern void hbt_rescan(IndexScanDesc scan, ScanKey scankey, int nscankeys,
					   ScanKey orderbys, int norderbys);
extern bool hbt_gettuple(IndexScanDesc scan, ScanDirection dir);
extern int64 hbt_getbitmap(IndexScanDesc scan, TIDBitmap *tbm);
extern void hbt_endscan(IndexScanDesc scan);
extern void hbt_markpos(IndexScanDesc scan);
extern void hbt_restrpos(IndexScanDesc scan);

/* hbt_build.c */
extern IndexBuildResult *hbt_build(Relation heap, Relation index,
								   IndexInfo *indexInfo);
extern void hbt_buildempty(Relation index);
extern bool hbt_aminsert(Relation rel, Datum *values, bool *isnull,
						 ItemPointer ht_ctid, Relation heapRel,
						 IndexUniqueCheck checkUnique, bool indexUnchanged,
						 IndexInfo *indexInfo);
extern IndexTuple hbt_remembered_entry(Relation rel, ItemPointer tid);

/* hbt_vacuum.c */
extern IndexBulkDeleteResult *hbt_bulkdelete(IndexVacuumInfo *info,
											 IndexBulkDeleteResult *stats,
											 IndexBulkDeleteCallback callback,
											 void *callback_state);
extern IndexBulkDeleteResult *hbt_vacuumcleanup(IndexVacuumInfo *info,
												IndexBulkDeleteResult *stats);

/* hbt_stamp.c: called by the helios table AM */
extern void hbt_stamp_row(Relation heapRel, ItemPointer rowid,
						  HeapTuple oldtup, Buffer buffer, CommandId cid,
						  bool kill);

/*
 * hbt_vacuum.c: called by the helios table AM.  Does the index keep
 * transaction ids in its entries?  Then VACUUM must run its cleanup (which
 * freezes them) before the table's relfrozenxid may advance, even when
 * index cleanup is skipped (INDEX_CLEANUP off, the wraparound failsafe).
 */
extern bool hbt_index_holds_xids(Relation indrel);

/* hbt_validate.c */
extern bool hbt_validate(Oid opclassoid);

/* hbt_xlog.c */
extern void hbt_redo(XLogReaderState *record);
extern void hbt_mask(char *pagedata, BlockNumber blkno);
extern bool hbt_is_page(Page page);
extern void hbt_desc(StringInfo buf, XLogReaderState *record);
extern const char *hbt_identify(uint8 subop);

#endif							/* HBT_H */
