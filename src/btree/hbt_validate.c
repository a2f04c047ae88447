/*-------------------------------------------------------------------------
 *
 * hbt_validate.c
 *	  amvalidate for helios_btree operator classes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "btree/hbt.h"

bool
hbt_validate(Oid opclassoid)
{
	return true;
}
