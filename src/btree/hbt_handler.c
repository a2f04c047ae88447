/*-------------------------------------------------------------------------
 *
 * hbt_handler.c
 *	  helios_btree's IndexAmRoutine.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/amapi.h"
#include "access/nbtree.h"
#include "access/reloptions.h"
#include "commands/vacuum.h"
#include "fmgr.h"
#include "utils/index_selfuncs.h"

#include "btree/hbt.h"
#include "helios.h"

/*
 * btree's storage parameters, parsed by btree: fillfactor is honoured
 * (RelationGetFillFactor), the others are accepted and unused.
 */
static bytea *
hbt_options(Datum reloptions, bool validate)
{
	return btoptions(reloptions, validate);
}

/* Every column, INCLUDE columns too, comes back from the entry itself. */
static bool
hbt_canreturn(Relation index, int attno)
{
	return true;
}

static IndexBuildResult *
hbt_ambuild(Relation heap, Relation index, IndexInfo *indexInfo)
{
	helios_check_preloaded();
	return hbt_build(heap, index, indexInfo);
}

PG_FUNCTION_INFO_V1(helios_btree_handler);
Datum
helios_btree_handler(PG_FUNCTION_ARGS)
{
	IndexAmRoutine *amroutine = makeNode(IndexAmRoutine);

	amroutine->amstrategies = BTMaxStrategyNumber;
	amroutine->amsupport = 2;	/* ORDER proc, optional sortsupport */
	amroutine->amoptsprocnum = 0;
	amroutine->amcanorder = true;
	amroutine->amcanorderbyop = false;
	amroutine->amcanbackward = true;
	amroutine->amcanunique = true;
	amroutine->amcanmulticol = true;
	amroutine->amoptionalkey = true;
	amroutine->amsearcharray = false;
	amroutine->amsearchnulls = true;
	amroutine->amstorage = false;
	amroutine->amclusterable = true;
	amroutine->ampredlocks = true;
	amroutine->amcanparallel = false;
	amroutine->amcaninclude = true;
	amroutine->amusemaintenanceworkmem = false;
	amroutine->amparallelvacuumoptions = VACUUM_OPTION_NO_PARALLEL;
	amroutine->amkeytype = InvalidOid;

	amroutine->ambuild = hbt_ambuild;
	amroutine->ambuildempty = hbt_buildempty;
	amroutine->aminsert = hbt_aminsert;
	amroutine->ambulkdelete = hbt_bulkdelete;
	amroutine->amvacuumcleanup = hbt_vacuumcleanup;
	amroutine->amcanreturn = hbt_canreturn;
	amroutine->amcostestimate = btcostestimate;
	amroutine->amoptions = hbt_options;
	amroutine->amproperty = NULL;
	amroutine->ambuildphasename = NULL;
	amroutine->amvalidate = hbt_validate;
	amroutine->amadjustmembers = NULL;
	amroutine->ambeginscan = hbt_beginscan;
	amroutine->amrescan = hbt_rescan;
	amroutine->amgettuple = hbt_gettuple;
	amroutine->amgetbitmap = hbt_getbitmap;
	amroutine->amendscan = hbt_endscan;
	amroutine->ammarkpos = hbt_markpos;
	amroutine->amrestrpos = hbt_restrpos;
	amroutine->amestimateparallelscan = NULL;
	amroutine->aminitparallelscan = NULL;
	amroutine->amparallelrescan = NULL;

	PG_RETURN_POINTER(amroutine);
}
