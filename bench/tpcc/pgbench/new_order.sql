-- New-Order: 45% of the mix.  The customer is NURand(1023, 1, 3000); 1% of
-- orders name an unused item and are rolled back by the client.
\set w_id random(1, :warehouses)
\set d_id random(1, 10)
\set c_id 1 + (((random(0, 1023) | random(1, 3000)) + 259) % 3000)
\set ol_cnt random(5, 15)
\set rbk random(1, 100)
BEGIN;
SELECT tpcc_new_order(:w_id, :warehouses, :d_id, :c_id, :ol_cnt, :rbk) ::int AS committed \gset
\if :committed
COMMIT;
\else
ROLLBACK;
\endif
