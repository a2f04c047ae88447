/*-------------------------------------------------------------------------
 *
 * helios.h
 *	  Definitions shared by every helios module.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_H
#define HELIOS_H

/*
 * Custom WAL resource manager id.  128 is RM_EXPERIMENTAL_ID; 173 is not
 * taken by any extension in the PostgreSQL wiki's registry (docs/wal.md).
 */
#define HELIOS_RMGR_ID		173
#define HELIOS_RMGR_NAME	"helios"

/* the access methods' names, as the install script creates them */
#define HELIOS_TABLE_AM_NAME	"helios"
#define HBT_AM_NAME				"helios_btree"

extern void helios_check_preloaded(void);

#endif							/* HELIOS_H */
