/*-------------------------------------------------------------------------
 *
 * helios_ioscan.c
 *	  HeliosIndexOnlyScan custom scan node.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "scan/helios_ioscan.h"

void
helios_ioscan_init(void)
{
}
