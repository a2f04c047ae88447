-- The five TPC-C transactions as PL/pgSQL functions, one call per
-- transaction, in the shape of HammerDB's PostgreSQL TPROC-C procedures.
-- The driver (pgbench/*.sql) draws the inputs; the functions draw what the
-- specification lets the database side draw (item numbers, quantities,
-- supplying warehouses).

-- customer last names from a number 0..999 (TPC-C 4.3.2.3)
CREATE FUNCTION tpcc_lastname(n int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT s[n / 100 + 1] || s[(n / 10) % 10 + 1] || s[n % 10 + 1]
	FROM (SELECT ARRAY['BAR', 'OUGHT', 'ABLE', 'PRI', 'PRES', 'ESE',
					   'ANTI', 'CALLY', 'ATION', 'EING'] AS s) syllables
$$;

-- NURand(A, x, y) of TPC-C 2.1.6 with run-time constant c
CREATE FUNCTION tpcc_nurand(a int, x int, y int, c int) RETURNS int
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
	SELECT (((floor(random() * (a + 1))::int | (x + floor(random() * (y - x + 1))::int)) + c)
			% (y - x + 1)) + x
$$;

-- the customer a Payment or Order-Status names by last name: the one at
-- position ceil(n / 2) of those with that name, ordered by first name
CREATE FUNCTION tpcc_customer_by_name(p_w int, p_d int, p_last text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	n		int;
	v_c_id	int;
BEGIN
	SELECT count(*) INTO n FROM customer
	 WHERE c_w_id = p_w AND c_d_id = p_d AND c_last = p_last;
	SELECT c_id INTO v_c_id FROM customer
	 WHERE c_w_id = p_w AND c_d_id = p_d AND c_last = p_last
	 ORDER BY c_first OFFSET (n - 1) / 2 LIMIT 1;
	IF v_c_id IS NULL THEN
		RAISE EXCEPTION 'tpcc: no customer named % in warehouse %, district %', p_last, p_w, p_d;
	END IF;
	RETURN v_c_id;
END
$$;

-- New-Order (TPC-C 2.4).  p_rbk = 1 (1% of calls) makes the last item
-- number unused: the function stops there and returns false, and the
-- driver rolls the transaction back, as the specification's user-data
-- error does.  Order lines are processed in item order so that
-- concurrent new orders lock stock rows in one order (no deadlocks).
CREATE FUNCTION tpcc_new_order(p_w int, p_w_max int, p_d int, p_c int, p_ol_cnt int, p_rbk int)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	v_discount	numeric;
	v_last		text;
	v_credit	text;
	v_w_tax		numeric;
	v_d_tax		numeric;
	v_o_id		int;
	v_all_local int;
	v_items		int[];
	v_supply	int[];
	v_qty		int[];
	v_price		numeric;
	v_name		text;
	v_i_data	text;
	v_s_data	text;
	v_dist		text;
	v_total		numeric := 0;
	i			int;
BEGIN
	SELECT array_agg(item ORDER BY item, supply), array_agg(supply ORDER BY item, supply),
		   array_agg(qty ORDER BY item, supply)
	  INTO v_items, v_supply, v_qty
	  FROM (SELECT CASE WHEN p_rbk = 1 AND l = p_ol_cnt THEN 100001
					ELSE tpcc_nurand(8191, 1, 100000, 7911) END AS item,
				   CASE WHEN p_w_max > 1 AND random() < 0.01
					THEN 1 + (p_w + (random() * (p_w_max - 2))::int) % p_w_max
					ELSE p_w END AS supply,
				   1 + (random() * 9)::int AS qty
			  FROM generate_series(1, p_ol_cnt) l) lines;
	v_all_local := CASE WHEN p_w = ALL (v_supply) THEN 1 ELSE 0 END;

	SELECT c_discount, c_last, c_credit INTO v_discount, v_last, v_credit
	  FROM customer WHERE c_w_id = p_w AND c_d_id = p_d AND c_id = p_c;
	SELECT w_tax INTO v_w_tax FROM warehouse WHERE w_id = p_w;
	UPDATE district SET d_next_o_id = d_next_o_id + 1
	 WHERE d_w_id = p_w AND d_id = p_d
	RETURNING d_next_o_id - 1, d_tax INTO v_o_id, v_d_tax;

	INSERT INTO orders (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_carrier_id, o_ol_cnt, o_all_local)
	VALUES (v_o_id, p_d, p_w, p_c, now(), NULL, p_ol_cnt, v_all_local);
	INSERT INTO new_order (no_o_id, no_d_id, no_w_id) VALUES (v_o_id, p_d, p_w);

	FOR i IN 1 .. p_ol_cnt LOOP
		SELECT i_price, i_name, i_data INTO v_price, v_name, v_i_data
		  FROM item WHERE i_id = v_items[i];
		IF NOT FOUND THEN
			RETURN false;		-- unused item: the driver rolls back
		END IF;
		UPDATE stock
		   SET s_quantity = CASE WHEN s_quantity >= v_qty[i] + 10 THEN s_quantity - v_qty[i]
							ELSE s_quantity - v_qty[i] + 91 END,
			   s_ytd = s_ytd + v_qty[i],
			   s_order_cnt = s_order_cnt + 1,
			   s_remote_cnt = s_remote_cnt + CASE WHEN v_supply[i] <> p_w THEN 1 ELSE 0 END
		 WHERE s_i_id = v_items[i] AND s_w_id = v_supply[i]
		RETURNING s_data, CASE p_d WHEN 1 THEN s_dist_01 WHEN 2 THEN s_dist_02
			WHEN 3 THEN s_dist_03 WHEN 4 THEN s_dist_04 WHEN 5 THEN s_dist_05
			WHEN 6 THEN s_dist_06 WHEN 7 THEN s_dist_07 WHEN 8 THEN s_dist_08
			WHEN 9 THEN s_dist_09 ELSE s_dist_10 END
		  INTO v_s_data, v_dist;
		INSERT INTO order_line (ol_o_id, ol_d_id, ol_w_id, ol_number, ol_i_id, ol_supply_w_id,
								ol_delivery_d, ol_quantity, ol_amount, ol_dist_info)
		VALUES (v_o_id, p_d, p_w, i, v_items[i], v_supply[i], NULL, v_qty[i],
				v_qty[i] * v_price, v_dist);
		v_total := v_total + v_qty[i] * v_price;
	END LOOP;
	v_total := v_total * (1 - v_discount) * (1 + v_w_tax + v_d_tax);
	RETURN true;
END
$$;

-- Payment (TPC-C 2.5).  p_c_last >= 0 selects the customer by last name
-- (60% of calls), else by p_c_id.
CREATE FUNCTION tpcc_payment(p_w int, p_d int, p_c_w int, p_c_d int, p_c_id int,
							 p_c_last int, p_amount numeric)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_w_name	text;
	v_d_name	text;
	v_c_id		int := p_c_id;
BEGIN
	UPDATE warehouse SET w_ytd = w_ytd + p_amount WHERE w_id = p_w
	RETURNING w_name INTO v_w_name;
	UPDATE district SET d_ytd = d_ytd + p_amount WHERE d_w_id = p_w AND d_id = p_d
	RETURNING d_name INTO v_d_name;
	IF p_c_last >= 0 THEN
		v_c_id := tpcc_customer_by_name(p_c_w, p_c_d, tpcc_lastname(p_c_last));
	END IF;
	UPDATE customer
	   SET c_balance = c_balance - p_amount,
		   c_ytd_payment = c_ytd_payment + p_amount,
		   c_payment_cnt = c_payment_cnt + 1,
		   c_data = CASE WHEN c_credit = 'BC'
					THEN left(format('%s %s %s %s %s %s | ', v_c_id, p_c_d, p_c_w, p_d, p_w, p_amount) || c_data, 500)
					ELSE c_data END
	 WHERE c_w_id = p_c_w AND c_d_id = p_c_d AND c_id = v_c_id;
	INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data)
	VALUES (v_c_id, p_c_d, p_c_w, p_d, p_w, now(), p_amount, left(v_w_name || '    ' || v_d_name, 24));
END
$$;

-- Order-Status (TPC-C 2.6): a customer's balance, last order and its lines
CREATE FUNCTION tpcc_order_status(p_w int, p_d int, p_c_id int, p_c_last int)
RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	v_c_id		int := p_c_id;
	v_balance	numeric;
	v_o_id		int;
	v_sum		numeric := 0;
	r			record;
BEGIN
	IF p_c_last >= 0 THEN
		v_c_id := tpcc_customer_by_name(p_w, p_d, tpcc_lastname(p_c_last));
	END IF;
	SELECT c_balance INTO v_balance FROM customer
	 WHERE c_w_id = p_w AND c_d_id = p_d AND c_id = v_c_id;
	SELECT o_id INTO v_o_id FROM orders
	 WHERE o_w_id = p_w AND o_d_id = p_d AND o_c_id = v_c_id
	 ORDER BY o_id DESC LIMIT 1;
	FOR r IN SELECT ol_i_id, ol_supply_w_id, ol_quantity, ol_amount, ol_delivery_d
			   FROM order_line
			  WHERE ol_w_id = p_w AND ol_d_id = p_d AND ol_o_id = v_o_id LOOP
		v_sum := v_sum + r.ol_amount;
	END LOOP;
	RETURN v_balance;
END
$$;

-- Delivery (TPC-C 2.7), all ten districts in one transaction: the oldest
-- undelivered order of each gets the carrier, its lines the delivery date,
-- its customer the amount.  A district with none is skipped.
CREATE FUNCTION tpcc_delivery(p_w int, p_carrier int)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	v_o_id		int;
	v_c_id		int;
	v_sum		numeric;
	v_done		int := 0;
	d			int;
BEGIN
	FOR d IN 1 .. 10 LOOP
		DELETE FROM new_order
		 WHERE no_w_id = p_w AND no_d_id = d
		   AND no_o_id = (SELECT min(no_o_id) FROM new_order
						   WHERE no_w_id = p_w AND no_d_id = d)
		RETURNING no_o_id INTO v_o_id;
		CONTINUE WHEN NOT FOUND;
		UPDATE orders SET o_carrier_id = p_carrier
		 WHERE o_w_id = p_w AND o_d_id = d AND o_id = v_o_id
		RETURNING o_c_id INTO v_c_id;
		UPDATE order_line SET ol_delivery_d = now()
		 WHERE ol_w_id = p_w AND ol_d_id = d AND ol_o_id = v_o_id;
		SELECT sum(ol_amount) INTO v_sum FROM order_line
		 WHERE ol_w_id = p_w AND ol_d_id = d AND ol_o_id = v_o_id;
		UPDATE customer
		   SET c_balance = c_balance + v_sum, c_delivery_cnt = c_delivery_cnt + 1
		 WHERE c_w_id = p_w AND c_d_id = d AND c_id = v_c_id;
		v_done := v_done + 1;
	END LOOP;
	RETURN v_done;
END
$$;

-- Stock-Level (TPC-C 2.8): distinct items of the district's last 20
-- orders whose stock is below the threshold
CREATE FUNCTION tpcc_stock_level(p_w int, p_d int, p_threshold int)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_next	int;
	v_count bigint;
BEGIN
	SELECT d_next_o_id INTO v_next FROM district WHERE d_w_id = p_w AND d_id = p_d;
	SELECT count(DISTINCT s_i_id) INTO v_count
	  FROM order_line, stock
	 WHERE ol_w_id = p_w AND ol_d_id = p_d
	   AND ol_o_id < v_next AND ol_o_id >= v_next - 20
	   AND s_w_id = p_w AND s_i_id = ol_i_id AND s_quantity < p_threshold;
	RETURN v_count;
END
$$;
