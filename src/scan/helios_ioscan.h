/*-------------------------------------------------------------------------
 *
 * helios_ioscan.h
 *	  HeliosIndexOnlyScan: index-only scans over helios_btree that never
 *	  read the table or its visibility map.
 *
 * The planner side (src/scan/helios_ioscan.c) offers a HeliosIndexOnlyScan
 * custom path wherever PostgreSQL would offer an index-only scan of a
 * helios_btree index on a helios table; see src/scan/README for the rules
 * the node relies on.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_IOSCAN_H
#define HELIOS_IOSCAN_H

/* helios.enable_index_only_scan */
extern bool helios_enable_index_only_scan;

extern void helios_ioscan_init(void);

#endif							/* HELIOS_IOSCAN_H */
