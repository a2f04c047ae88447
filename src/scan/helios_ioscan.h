/*-------------------------------------------------------------------------
 *
 * helios_ioscan.h
 *	  HeliosIndexOnlyScan: index-only scans over helios_btree that never
 *	  read the table or its visibility map.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_IOSCAN_H
#define HELIOS_IOSCAN_H

extern void helios_ioscan_init(void);

#endif							/* HELIOS_IOSCAN_H */
