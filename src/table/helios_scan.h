/*-------------------------------------------------------------------------
 *
 * helios_scan.h
 *	  Scan descriptors of the helios table access method, and the scan
 *	  callbacks that helios_handler.c installs in its TableAmRoutine.
 *
 * This header is private to src/table: helios_scan.c implements the read
 * paths (sequential, parallel, TID range, bitmap, sample and ANALYZE scans,
 * index fetches, index builds and validation), helios_handler.c wires them
 * up and uses the page iterator for CLUSTER / VACUUM FULL.
 *
 * Row identity: every tuple a scan hands out is reported under its row's
 * ROOT TID (see helios_am.h and src/table/README); heap-only versions are
 * only ever reached through their root.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_SCAN_H
#define HELIOS_SCAN_H

#include "access/relscan.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "nodes/execnodes.h"
#include "storage/bufmgr.h"

/*
 * A helios table scan.  The block iteration fields follow heap's
 * HeapScanDescData, so that synchronized scans, parallel block allocation,
 * scan limits and backward scans behave exactly as for heap.
 */
typedef struct HeliosScanDescData
{
	TableScanDescData rs_base;	/* AM independent part of the descriptor */

	/* state set up at scan start (and rescan) */
	BlockNumber rs_nblocks;		/* total number of blocks in rel */
	BlockNumber rs_startblock;	/* block # to start at */
	BlockNumber rs_numblocks;	/* max number of blocks to scan */
	/* rs_numblocks is usually InvalidBlockNumber, meaning "scan whole rel" */
	BufferAccessStrategy rs_strategy;	/* access strategy for reads */

	/* scan current state */
	bool		rs_inited;		/* false = scan not init'd yet */
	BlockNumber rs_cblock;		/* current block # in scan, if any */
	Buffer		rs_cbuf;		/* current buffer in scan, if any */
	/* NB: if rs_cbuf is not InvalidBuffer, we hold a pin on that buffer */

	/* parallel scan information, or NULL */
	ParallelBlockTableScanWorkerData *rs_parallelworkerdata;

	/*
	 * Page-at-a-time mode (MVCC snapshots): the rows of the current page the
	 * snapshot sees, as (root offset, offset of the visible version) pairs
	 * in increasing root order, collected under the buffer share lock.  Also
	 * used by bitmap scans for the rows of the current bitmap page.
	 */
	int			rs_cindex;		/* current index into rs_rootoffs */
	int			rs_ntuples;		/* number of pairs */
	OffsetNumber rs_rootoffs[MaxHeapTuplesPerPage];
	OffsetNumber rs_veroffs[MaxHeapTuplesPerPage];

	/*
	 * A sequential scan over the whole relation returns a forwarded row
	 * where its visible version lies (helios_collect_rows): such a pair has
	 * root offset InvalidOffsetNumber and the row's TID in rs_rowids.  Other
	 * scans, and helios's own index builds (rs_root_order), which need rows
	 * in TID order, resolve forwarded rows from their root's page.
	 */
	bool		rs_root_order;
	ItemPointerData rs_rowids[MaxHeapTuplesPerPage];

	/*
	 * Tuple-at-a-time mode (non-MVCC snapshots): root offset of the row
	 * returned last on rs_cblock, and of the version returned for it.
	 * ANALYZE uses rs_coffset as the next line pointer to look at.
	 */
	OffsetNumber rs_coffset;
	OffsetNumber rs_cveroff;

	/*
	 * ANALYZE: root offset of every item of the current page, computed when
	 * the first heap-only version is sampled there (rs_rootmap_valid)
	 */
	bool		rs_rootmap_valid;
	OffsetNumber rs_rootmap[MaxHeapTuplesPerPage];
} HeliosScanDescData;

typedef HeliosScanDescData *HeliosScanDesc;

/* Index fetch state: the pinned page of the last fetched row. */
typedef struct HeliosIndexFetchData
{
	IndexFetchTableData xs_base;	/* AM independent part */
	Buffer		xs_cbuf;		/* current table buffer, if any */
} HeliosIndexFetchData;

/* sequential, parallel and TID range scans */
extern TableScanDesc helios_scan_begin(Relation rel, Snapshot snapshot,
									   int nkeys, ScanKey key,
									   ParallelTableScanDesc pscan,
									   uint32 flags);
extern void helios_scan_end(TableScanDesc sscan);
extern void helios_scan_rescan(TableScanDesc sscan, ScanKey key,
							   bool set_params, bool allow_strat,
							   bool allow_sync, bool allow_pagemode);
extern bool helios_scan_getnextslot(TableScanDesc sscan, ScanDirection dir,
									TupleTableSlot *slot);
extern void helios_scan_set_tidrange(TableScanDesc sscan, ItemPointer mintid,
									 ItemPointer maxtid);
extern bool helios_scan_getnextslot_tidrange(TableScanDesc sscan,
											 ScanDirection dir,
											 TupleTableSlot *slot);
extern void helios_scan_setlimits(TableScanDesc sscan, BlockNumber startBlk,
								  BlockNumber numBlks);

/*
 * Move a forward scan to its next block and pin it (no lock, no pruning):
 * for callers that look at every item of every page themselves (index
 * builds with SnapshotAny, CLUSTER).  Returns false, with the pin dropped,
 * once the scan is done.
 */
extern bool helios_scan_next_page(HeliosScanDesc scan);

/* blocks read so far, for progress reporting */
extern BlockNumber helios_scan_blocks_done(HeliosScanDesc scan);

/* index fetches */
extern IndexFetchTableData *helios_index_fetch_begin(Relation rel);
extern void helios_index_fetch_reset(IndexFetchTableData *scan);
extern void helios_index_fetch_end(IndexFetchTableData *scan);
extern bool helios_index_fetch_tuple(IndexFetchTableData *scan,
									 ItemPointer tid, Snapshot snapshot,
									 TupleTableSlot *slot,
									 bool *call_again, bool *all_dead);

/* bitmap scans */
extern bool helios_scan_bitmap_next_block(TableScanDesc sscan,
										  TBMIterateResult *tbmres);
extern bool helios_scan_bitmap_next_tuple(TableScanDesc sscan,
										  TBMIterateResult *tbmres,
										  TupleTableSlot *slot);

/* TABLESAMPLE */
extern bool helios_scan_sample_next_block(TableScanDesc sscan,
										  SampleScanState *scanstate);
extern bool helios_scan_sample_next_tuple(TableScanDesc sscan,
										  SampleScanState *scanstate,
										  TupleTableSlot *slot);

/* ANALYZE */
extern bool helios_scan_analyze_next_block(TableScanDesc sscan,
										   BlockNumber blockno,
										   BufferAccessStrategy bstrategy);
extern bool helios_scan_analyze_next_tuple(TableScanDesc sscan,
										   TransactionId OldestXmin,
										   double *liverows,
										   double *deadrows,
										   TupleTableSlot *slot);

/* CREATE INDEX [CONCURRENTLY] */
extern double helios_index_build_range_scan(Relation tableRelation,
											Relation indexRelation,
											IndexInfo *indexInfo,
											bool allow_sync,
											bool anyvisible,
											bool progress,
											BlockNumber start_blockno,
											BlockNumber numblocks,
											IndexBuildCallback callback,
											void *callback_state,
											TableScanDesc scan);
extern void helios_index_validate_scan(Relation tableRelation,
									   Relation indexRelation,
									   IndexInfo *indexInfo,
									   Snapshot snapshot,
									   ValidateIndexState *state);

#endif							/* HELIOS_SCAN_H */
