/*-------------------------------------------------------------------------
 *
 * helios_xlogdesc.c
 *	  rm_desc and rm_identify of the helios WAL resource manager.
 *
 * These turn a helios record into the text that pg_walinspect (and any
 * other in-server caller of rm_desc) shows: rm_identify names the record
 * kind from xl_info alone, rm_desc prints the fields of its main data.
 * pg_waldump cannot load extension code, so it shows helios records as
 * "custom173" without these details.
 *
 * Mostly the main data is described: block data (tuples, offset arrays)
 * may have been replaced by a full-page image, so it is left out, as
 * heapdesc.c does; only PRUNE's unused count is derived from it when the
 * data is there.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/visibilitymapdefs.h"

#include "btree/hbt.h"
#include "btree/hbt_xlog.h"
#include "wal/helios_xlog.h"

/*
 * The xmax bits an infobits_set field sets, by name, as heapdesc.c prints
 * them; nothing when there are none.
 */
static void
out_infobits(StringInfo buf, uint8 infobits)
{
	if (infobits & XLHI_XMAX_IS_MULTI)
		appendStringInfoString(buf, " IS_MULTI");
	if (infobits & XLHI_XMAX_LOCK_ONLY)
		appendStringInfoString(buf, " LOCK_ONLY");
	if (infobits & XLHI_XMAX_EXCL_LOCK)
		appendStringInfoString(buf, " EXCL_LOCK");
	if (infobits & XLHI_XMAX_KEYSHR_LOCK)
		appendStringInfoString(buf, " KEYSHR_LOCK");
	if (infobits & XLHI_KEYS_UPDATED)
		appendStringInfoString(buf, " KEYS_UPDATED");
}

/* VISIBILITYMAP_* bits by name */
static void
out_vmflags(StringInfo buf, uint8 flags)
{
	if (flags & VISIBILITYMAP_ALL_VISIBLE)
		appendStringInfoString(buf, " ALL_VISIBLE");
	if (flags & VISIBILITYMAP_ALL_FROZEN)
		appendStringInfoString(buf, " ALL_FROZEN");
}

void
helios_desc(StringInfo buf, XLogReaderState *record)
{
	char	   *rec = XLogRecGetData(record);
	uint8		op = helios_xlog_op(XLogRecGetInfo(record));

	switch (op)
	{
		case XLOG_HELIOS_BTREE:
			hbt_desc(buf, record);
			break;
		case XLOG_HELIOS_INSERT:
			{
				xl_helios_insert *xlrec = (xl_helios_insert *) rec;

				appendStringInfo(buf, "off %u flags 0x%02X",
								 xlrec->offnum, xlrec->flags);
				break;
			}
		case XLOG_HELIOS_MULTI_INSERT:
			{
				xl_helios_multi_insert *xlrec = (xl_helios_multi_insert *) rec;

				appendStringInfo(buf, "ntuples %u flags 0x%02X",
								 xlrec->ntuples, xlrec->flags);
				if (helios_xlog_init_page(XLogRecGetInfo(record)))
					break;		/* offsets 1..ntuples, not logged */
				appendStringInfoString(buf, " offsets [");
				for (int i = 0; i < xlrec->ntuples; i++)
					appendStringInfo(buf, i == 0 ? "%u" : ", %u",
									 xlrec->offsets[i]);
				appendStringInfoChar(buf, ']');
				break;
			}
		case XLOG_HELIOS_DELETE:
			{
				xl_helios_delete *xlrec = (xl_helios_delete *) rec;

				appendStringInfo(buf, "off %u xmax %u flags 0x%02X",
								 xlrec->offnum, xlrec->xmax, xlrec->flags);
				out_infobits(buf, xlrec->infobits_set);
				break;
			}
		case XLOG_HELIOS_UPDATE:
		case XLOG_HELIOS_CHAIN_UPDATE:
			{
				xl_helios_update *xlrec = (xl_helios_update *) rec;

				appendStringInfo(buf, "off %u xmax %u flags 0x%02X",
								 xlrec->old_offnum, xlrec->old_xmax,
								 xlrec->flags);
				out_infobits(buf, xlrec->old_infobits_set);
				appendStringInfo(buf, "; new off %u xmax %u",
								 xlrec->new_offnum, xlrec->new_xmax);
				break;
			}
		case XLOG_HELIOS_LOCK:
			{
				xl_helios_lock *xlrec = (xl_helios_lock *) rec;

				appendStringInfo(buf, "off %u xid %u flags 0x%02X",
								 xlrec->offnum, xlrec->locking_xid,
								 xlrec->flags);
				out_infobits(buf, xlrec->infobits_set);
				break;
			}
		case XLOG_HELIOS_PRUNE:
			{
				xl_helios_prune *xlrec = (xl_helios_prune *) rec;
				Size		datalen;

				appendStringInfo(buf, "latestRemovedXid %u nredirected %u ndead %u nstubs %u",
								 xlrec->latestRemovedXid, xlrec->nredirected,
								 xlrec->ndead, xlrec->nstubs);

				/*
				 * The unused count is implied by the length of block 0's
				 * data, which a full-page image may have replaced.
				 */
				if (XLogRecGetBlockData(record, 0, &datalen) != NULL)
				{
					Size		nitems = datalen / sizeof(OffsetNumber);
					Size		nused = 2 * xlrec->nredirected + xlrec->ndead +
						xlrec->nstubs * (sizeof(xl_helios_stub) / sizeof(OffsetNumber));

					if (nitems >= nused)
						appendStringInfo(buf, " nunused %zu", nitems - nused);
				}
				break;
			}
		case XLOG_HELIOS_FREEZE:
			{
				xl_helios_freeze *xlrec = (xl_helios_freeze *) rec;

				appendStringInfo(buf, "cutoff xid %u ntuples %u",
								 xlrec->cutoff_xid, xlrec->ntuples);
				break;
			}
		case XLOG_HELIOS_VISIBLE:
			{
				xl_helios_visible *xlrec = (xl_helios_visible *) rec;

				appendStringInfo(buf, "cutoff xid %u flags 0x%02X",
								 xlrec->cutoff_xid, xlrec->flags);
				out_vmflags(buf, xlrec->flags);
				break;
			}
		case XLOG_HELIOS_CONFIRM:
		case XLOG_HELIOS_SPEC_ABORT:
			{
				xl_helios_confirm *xlrec = (xl_helios_confirm *) rec;

				appendStringInfo(buf, "off %u", xlrec->offnum);
				break;
			}
	}
}

/*
 * CHAIN_UPDATE has no +INIT form: a chain update stays on its page, and
 * XLOG_HELIOS_CHAIN_UPDATE | XLOG_HELIOS_INIT_PAGE is the code of DELETE.
 */
const char *
helios_identify(uint8 info)
{
	const char *id = NULL;
	bool		init = helios_xlog_init_page(info);

	switch (helios_xlog_op(info))
	{
		case XLOG_HELIOS_INSERT:
			id = init ? "INSERT+INIT" : "INSERT";
			break;
		case XLOG_HELIOS_MULTI_INSERT:
			id = init ? "MULTI_INSERT+INIT" : "MULTI_INSERT";
			break;
		case XLOG_HELIOS_UPDATE:
			id = init ? "UPDATE+INIT" : "UPDATE";
			break;
		case XLOG_HELIOS_CHAIN_UPDATE:
			id = "CHAIN_UPDATE";
			break;
		case XLOG_HELIOS_DELETE:
			id = "DELETE";
			break;
		case XLOG_HELIOS_LOCK:
			id = "LOCK";
			break;
		case XLOG_HELIOS_PRUNE:
			id = "PRUNE";
			break;
		case XLOG_HELIOS_FREEZE:
			id = "FREEZE";
			break;
		case XLOG_HELIOS_VISIBLE:
			id = "VISIBLE";
			break;
		case XLOG_HELIOS_CONFIRM:
			id = "CONFIRM";
			break;
		case XLOG_HELIOS_SPEC_ABORT:
			id = "SPEC_ABORT";
			break;
		case XLOG_HELIOS_BTREE:
			id = "BTREE";
			break;
	}

	return id;
}
