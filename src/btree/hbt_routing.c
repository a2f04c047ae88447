/*-------------------------------------------------------------------------
 *
 * hbt_routing.c
 *	  helios.btree_routing: build btree indexes and constraints on helios
 *	  tables as helios_btree.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "btree/hbt_routing.h"

void
hbt_routing_init(void)
{
}
