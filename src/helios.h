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

extern void helios_check_preloaded(void);

#endif							/* HELIOS_H */
