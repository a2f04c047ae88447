/*-------------------------------------------------------------------------
 *
 * hbt_routing.h
 *	  helios.btree_routing: which indexes on helios tables become
 *	  helios_btree, and how PostgreSQL's btree-only code paths are kept
 *	  working on them.  See docs/btree-routing.md.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HBT_ROUTING_H
#define HBT_ROUTING_H

/* names of the access methods, as created by the install script */

/* helios.btree_routing */
extern bool hbt_routing_enabled;

/* installs the GUC and the utility and executor hooks; postmaster only */
extern void hbt_routing_init(void);

#endif							/* HBT_ROUTING_H */
