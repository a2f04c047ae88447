/*-------------------------------------------------------------------------
 *
 * hbt_handler.c
 *	  helios_btree's IndexAmRoutine.  (Placeholder: nbtree's routine until
 *	  the B-link tree lands.)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "fmgr.h"
#include "utils/fmgrprotos.h"

PG_FUNCTION_INFO_V1(helios_btree_handler);
Datum
helios_btree_handler(PG_FUNCTION_ARGS)
{
	return bthandler(fcinfo);
}

PG_FUNCTION_INFO_V1(helios_btree_verify);
Datum
helios_btree_verify(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("helios_btree_verify is not available yet")));
	PG_RETURN_VOID();
}
