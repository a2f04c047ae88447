/*-------------------------------------------------------------------------
 *
 * helios_vacuum.h
 *	  Interface between helios's VACUUM (helios_vacuum.c) and its pruning
 *	  (helios_prune.c) that the rest of the table AM has no use for.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HELIOS_VACUUM_H
#define HELIOS_VACUUM_H

#include "storage/buf.h"
#include "storage/off.h"
#include "utils/rel.h"

struct GlobalVisState;

/*
 * helios_page_prune() for VACUUM: versions whose deleter precedes
 * oldest_xmin (VACUUM's cutoff) are removed even if vistest would keep
 * them, so VACUUM never meets a dead version it would have to freeze.
 */
extern int	helios_page_prune_vacuum(Relation rel, Buffer buffer,
									 TransactionId oldest_xmin,
									 struct GlobalVisState *vistest,
									 int *nnewlpdead,
									 OffsetNumber *off_loc);

/* Free items nothing points at (LP_UNUSED), WAL-logged; cleanup lock held */
extern void helios_page_free_items(Relation rel, Buffer buffer,
								   TransactionId latestRemovedXid,
								   OffsetNumber *unused, int nunused);

#endif							/* HELIOS_VACUUM_H */
