-- Payment: 43% of the mix.  15% of customers belong to another warehouse;
-- 60% are named by last name (NURand(255, 0, 999)), c_last = -1 otherwise.
\set w_id random(1, :warehouses)
\set d_id random(1, 10)
\set remote random(1, 100)
\set c_w_id CASE WHEN :remote <= 15 AND :warehouses > 1 THEN 1 + ((:w_id + random(0, :warehouses - 2)) % :warehouses) ELSE :w_id END
\set c_d_id CASE WHEN :c_w_id <> :w_id THEN random(1, 10) ELSE :d_id END
\set c_id 1 + (((random(0, 1023) | random(1, 3000)) + 259) % 3000)
\set by_name random(1, 100)
\set c_last CASE WHEN :by_name <= 60 THEN ((random(0, 255) | random(0, 999)) + 223) % 1000 ELSE -1 END
\set cents random(100, 500000)
SELECT tpcc_payment(:w_id, :d_id, :c_w_id, :c_d_id, :c_id, :c_last, :cents / 100.0);
