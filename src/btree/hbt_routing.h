/*-------------------------------------------------------------------------
 *
 * hbt_routing.h
 *	  helios.btree_routing: which indexes on helios tables become
 *	  helios_btree.
 *
 *-------------------------------------------------------------------------
 */
#ifndef HBT_ROUTING_H
#define HBT_ROUTING_H

extern void hbt_routing_init(void);

#endif							/* HBT_ROUTING_H */
