-- Order-Status: 4% of the mix, 60% by last name.
\set w_id random(1, :warehouses)
\set d_id random(1, 10)
\set c_id 1 + (((random(0, 1023) | random(1, 3000)) + 259) % 3000)
\set by_name random(1, 100)
\set c_last CASE WHEN :by_name <= 60 THEN ((random(0, 255) | random(0, 999)) + 223) % 1000 ELSE -1 END
SELECT tpcc_order_status(:w_id, :d_id, :c_id, :c_last);
