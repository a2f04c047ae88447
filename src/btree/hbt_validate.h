/*-------------------------------------------------------------------------
 *
 * hbt_validate.h
 *	  Operator class validator of helios_btree (its amvalidate).
 *
 *-------------------------------------------------------------------------
 */
#ifndef HBT_VALIDATE_H
#define HBT_VALIDATE_H

extern bool hbt_validate(Oid opclassoid);

#endif							/* HBT_VALIDATE_H */
