/*-------------------------------------------------------------------------
 *
 * hbt_stamp.c
 *	  The table side of version-aware entries: when a helios row is
 *	  deleted or updated to a new TID, its helios_btree entries get the
 *	  deleting transaction as xmax; when a speculative insertion loses, its
 *	  entries are killed.
 *
 * PostgreSQL has no index-delete callback, so the helios table AM calls
 * hbt_stamp_row() itself, after its own change to the row and before the
 * transaction can commit.  The entry is found by descending with the
 * row's old key and its row TID, which together name exactly one entry.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xloginsert.h"
#include "catalog/index.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/rel.h"

#include "btree/hbt.h"
#include "btree/hbt_xlog.h"
#include "helios.h"
#include "table/helios_am.h"

/*
 * Stamp (or kill) entry off of the exclusively locked leaf buf, then
 * release the leaf.
 */
static void
hbt_stamp_item(Relation rel, Buffer buf, OffsetNumber off, CommandId cid,
			   bool kill)
{
	Page		page = BufferGetPage(buf);
	IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));
	HbtVersion *v = HbtEntryVersion(itup);
	HbtVersion	newv = *v;

	if (kill)
		newv.flags |= HBT_KILLED;
	else
		hbt_version_set_xmax(&newv, GetCurrentTransactionId(), cid);

	START_CRIT_SECTION();
	memcpy(v, &newv, sizeof(HbtVersion));
	HbtPageGetOpaque(page)->hbt_flags |= HBT_HAS_GARBAGE;
	MarkBufferDirty(buf);
	if (RelationNeedsWAL(rel))
	{
		xl_hbt_xmax xlrec;
		XLogRecPtr	recptr;

		xlrec.subop = HBT_XLOG_XMAX;
		xlrec.off = off;
		xlrec.version = newv;
		XLogBeginInsert();
		XLogRegisterData((char *) &xlrec, sizeof(xl_hbt_xmax));
		XLogRegisterBuffer(0, buf, REGBUF_STANDARD);
		recptr = XLogInsert(HELIOS_RMGR_ID, XLOG_HELIOS_BTREE);
		PageSetLSN(page, recptr);
	}
	END_CRIT_SECTION();
	UnlockReleaseBuffer(buf);
}

/*
 * The row's current entry found by its row TID alone, walking the leaves
 * from the leftmost one, each exclusively locked in turn (entries only move
 * right, so the walk misses none).  For a key that no longer computes to
 * what was stored.  Returns the leaf, locked, with *offp; or InvalidBuffer.
 */
static Buffer
hbt_find_entry_by_rowtid(Relation rel, ItemPointer rowid, OffsetNumber *offp)
{
	HbtKeyData	edge;
	HbtStack	stack;
	Buffer		buf;

	/* a key of no columns sorts before everything: the leftmost leaf */
	memset(&edge, 0, offsetof(HbtKeyData, sk));
	stack = hbt_search(rel, &edge, &buf, BUFFER_LOCK_EXCLUSIVE);
	hbt_free_stack(stack);
	if (!BufferIsValid(buf))
		return InvalidBuffer;
	for (;;)
	{
		Page		page = BufferGetPage(buf);
		HbtPageOpaque opaque = HbtPageGetOpaque(page);
		OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

		CHECK_FOR_INTERRUPTS();
		for (OffsetNumber off = HbtFirstDataKey(opaque); off <= maxoff; off++)
		{
			IndexTuple	itup = (IndexTuple) PageGetItem(page, PageGetItemId(page, off));

			if (ItemPointerEquals(hbt_item_rowtid(page, off, itup), rowid) &&
				hbt_entry_is_current(HbtEntryVersion(itup)))
			{
				*offp = off;
				return buf;
			}
		}
		if (HbtPageIsRightmost(opaque))
			break;
		buf = hbt_relandgetbuf(rel, buf, opaque->hbt_next, BUFFER_LOCK_EXCLUSIVE);
	}
	UnlockReleaseBuffer(buf);
	return InvalidBuffer;
}

/* Stamp (or kill) the entry (values, rowid) of helios_btree index rel. */
static void
hbt_stamp_entry(Relation rel, Relation heapRel, Datum *values, bool *isnull,
				ItemPointer rowid, CommandId cid, bool kill)
{
	HbtKeyData	key;
	HbtStack	stack;
	Buffer		buf;
	Page		page;
	OffsetNumber off,
				maxoff;

	hbt_key_from_values(rel, &key, values, isnull,
						IndexRelationGetNumberOfKeyAttributes(rel), rowid);
	stack = hbt_search(rel, &key, &buf, BUFFER_LOCK_EXCLUSIVE);
	hbt_free_stack(stack);
	if (!BufferIsValid(buf))
		goto notfound;

	page = BufferGetPage(buf);
	maxoff = PageGetMaxOffsetNumber(page);
	for (off = hbt_binsrch(rel, &key, page); off <= maxoff; off++)
	{
		if (hbt_compare(rel, &key, page, off) != 0)
			break;
		if (!hbt_entry_is_current(HbtEntryVersion((IndexTuple) PageGetItem(page, PageGetItemId(page, off)))))
			continue;
		hbt_stamp_item(rel, buf, off, cid, kill);
		return;
	}
	UnlockReleaseBuffer(buf);

notfound:
	/* a killed speculative row may not have reached every index */
	if (kill)
		return;

	/*
	 * The key the row's values compute to now is not the one stored: an
	 * index expression labelled IMMUTABLE that is not, or a collation that
	 * changed.  The entry must still end, or the row could never be deleted
	 * and its key would stay taken: find it by its row TID, and warn.
	 */
	buf = hbt_find_entry_by_rowtid(rel, rowid, &off);
	if (BufferIsValid(buf))
	{
		hbt_stamp_item(rel, buf, off, cid, kill);
		ereport(WARNING,
				(errcode(ERRCODE_INDEX_CORRUPTED),
				 errmsg("index \"%s\" stores another key for row (%u,%u) of table \"%s\" than its definition computes now",
						RelationGetRelationName(rel),
						ItemPointerGetBlockNumber(rowid),
						ItemPointerGetOffsetNumber(rowid),
						RelationGetRelationName(heapRel)),
				 errdetail("The entry was found by the row's TID.  An index expression or collation gives another result than when the row was indexed."),
				 errhint("REINDEX the index; the functions of its expressions must be immutable.")));
		return;
	}
	ereport(WARNING,
			(errcode(ERRCODE_INDEX_CORRUPTED),
			 errmsg("index \"%s\" has no current entry for row (%u,%u) of table \"%s\"",
					RelationGetRelationName(rel),
					ItemPointerGetBlockNumber(rowid),
					ItemPointerGetOffsetNumber(rowid),
					RelationGetRelationName(heapRel)),
			 errhint("REINDEX the index.")));
}

/*
 * Which helios tables have helios_btree indexes, per backend: DELETE and
 * UPDATE of a table without any must not pay for opening its indexes.
 * Creating or dropping an index invalidates the table's relcache entry,
 * which drops the table from here.
 */
typedef struct HbtTableEntry
{
	Oid			relid;
	bool		has_hbt;
} HbtTableEntry;

static HTAB *hbt_tables = NULL;

static void
hbt_table_invalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	HbtTableEntry *e;

	if (hbt_tables == NULL)
		return;
	if (OidIsValid(relid))
	{
		hash_search(hbt_tables, &relid, HASH_REMOVE, NULL);
		return;
	}
	hash_seq_init(&status, hbt_tables);
	while ((e = hash_seq_search(&status)) != NULL)
		hash_search(hbt_tables, &e->relid, HASH_REMOVE, NULL);
}

static bool
hbt_table_has_hbt(Relation heapRel)
{
	Oid			relid = RelationGetRelid(heapRel);
	HbtTableEntry *e;
	bool		found;

	if (hbt_tables == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(HbtTableEntry);
		hbt_tables = hash_create("helios_btree tables", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS);
		CacheRegisterRelcacheCallback(hbt_table_invalidate, (Datum) 0);
	}
	e = hash_search(hbt_tables, &relid, HASH_FIND, NULL);
	if (e == NULL)
	{
		Oid			amoid = hbt_am_oid();
		List	   *indexoids = RelationGetIndexList(heapRel);
		ListCell   *lc;
		bool		has = false;

		foreach(lc, indexoids)
			has |= OidIsValid(amoid) && hbt_relam(lfirst_oid(lc)) == amoid;
		list_free(indexoids);
		e = hash_search(hbt_tables, &relid, HASH_ENTER, &found);
		e->has_hbt = has;
	}
	return e->has_hbt;
}

/*
 * The row rowid, whose version oldtup is on the pinned buffer, stops
 * having its keys (DELETE, or UPDATE to a new TID) in command cid of the
 * current transaction; with kill, its speculative insertion lost.
 */
void
hbt_stamp_row(Relation heapRel, ItemPointer rowid, HeapTuple oldtup,
			  Buffer buffer, CommandId cid, bool kill)
{
	List	   *indexoids;
	ListCell   *lc;
	TupleTableSlot *slot = NULL;
	EState	   *estate = NULL;
	MemoryContext stampcxt;
	MemoryContext oldcxt;

	if (!heapRel->rd_rel->relhasindex || !hbt_table_has_hbt(heapRel))
		return;

	/*
	 * Everything this row needs (index infos, prepared predicates, key
	 * values) is allocated here and freed on return: a DELETE or UPDATE of
	 * many rows runs this once per row, in the statement's memory.
	 */
	stampcxt = AllocSetContextCreate(CurrentMemoryContext,
									 "helios_btree stamp",
									 ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(stampcxt);
	indexoids = RelationGetIndexList(heapRel);
	foreach(lc, indexoids)
	{
		Relation	irel = index_open(lfirst_oid(lc), RowExclusiveLock);
		IndexInfo  *ii;
		Datum		values[INDEX_MAX_KEYS];
		bool		isnull[INDEX_MAX_KEYS];

		if (irel->rd_indam->aminsert != hbt_aminsert ||
			!irel->rd_index->indisready)
		{
			index_close(irel, RowExclusiveLock);
			continue;
		}
		if (kill)
		{
			/* only what this transaction just inserted: no expressions */
			IndexTuple	itup = hbt_remembered_entry(irel, rowid);

			if (itup != NULL)
			{
				index_deform_tuple(itup, RelationGetDescr(irel), values, isnull);
				hbt_stamp_entry(irel, heapRel, values, isnull, rowid, cid, true);
			}
			index_close(irel, RowExclusiveLock);
			continue;
		}
		if (slot == NULL)
		{
			slot = MakeSingleTupleTableSlot(RelationGetDescr(heapRel),
											table_slot_callbacks(heapRel));
			helios_slot_store(slot, oldtup, buffer, rowid, false);
		}
		ii = BuildIndexInfo(irel);
		if ((ii->ii_Expressions != NIL || ii->ii_Predicate != NIL) &&
			estate == NULL)
		{
			estate = CreateExecutorState();
			GetPerTupleExprContext(estate)->ecxt_scantuple = slot;
		}
		if (ii->ii_Predicate != NIL &&
			!ExecQual(ExecPrepareQual(ii->ii_Predicate, estate),
					  GetPerTupleExprContext(estate)))
		{
			index_close(irel, RowExclusiveLock);
			continue;
		}
		FormIndexDatum(ii, slot, estate, values, isnull);
		hbt_stamp_entry(irel, heapRel, values, isnull, rowid, cid, kill);
		index_close(irel, RowExclusiveLock);
	}
	if (slot)
		ExecDropSingleTupleTableSlot(slot);
	if (estate)
		FreeExecutorState(estate);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(stampcxt);
}
