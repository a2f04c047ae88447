-- TPC-C consistency conditions 1-4 (TPC-C 3.3.2.1-3.3.2.4).  Every row
-- printed is a violation; the driver fails the run if there is one.

-- 1. W_YTD = sum(D_YTD)
SELECT 'condition 1: warehouse ' || w_id || ' w_ytd ' || w_ytd || ' <> sum(d_ytd) ' || s
FROM warehouse JOIN (SELECT d_w_id, sum(d_ytd) AS s FROM district GROUP BY d_w_id) d ON d_w_id = w_id
WHERE w_ytd <> s;

-- 2. D_NEXT_O_ID - 1 = max(O_ID) = max(NO_O_ID)
SELECT 'condition 2: district ' || d_w_id || '/' || d_id || ' d_next_o_id - 1 = ' || (d_next_o_id - 1)
	   || ', max(o_id) = ' || coalesce(mo::text, 'none') || ', max(no_o_id) = ' || coalesce(mno::text, 'none')
FROM district
LEFT JOIN (SELECT o_w_id, o_d_id, max(o_id) AS mo FROM orders GROUP BY 1, 2) o
	ON o_w_id = d_w_id AND o_d_id = d_id
LEFT JOIN (SELECT no_w_id, no_d_id, max(no_o_id) AS mno FROM new_order GROUP BY 1, 2) n
	ON no_w_id = d_w_id AND no_d_id = d_id
WHERE mo IS DISTINCT FROM d_next_o_id - 1
   OR (mno IS NOT NULL AND mno <> d_next_o_id - 1);

-- 3. max(NO_O_ID) - min(NO_O_ID) + 1 = number of NEW-ORDER rows, per district
SELECT 'condition 3: district ' || no_w_id || '/' || no_d_id || ' new_order ids ' || min(no_o_id)
	   || '..' || max(no_o_id) || ' but ' || count(*) || ' rows'
FROM new_order GROUP BY no_w_id, no_d_id
HAVING max(no_o_id) - min(no_o_id) + 1 <> count(*);

-- 4. sum(O_OL_CNT) = number of ORDER-LINE rows, per district
SELECT 'condition 4: district ' || o_w_id || '/' || o_d_id || ' sum(o_ol_cnt) ' || s || ' <> ' || coalesce(n, 0) || ' order lines'
FROM (SELECT o_w_id, o_d_id, sum(o_ol_cnt) AS s FROM orders GROUP BY 1, 2) o
LEFT JOIN (SELECT ol_w_id, ol_d_id, count(*) AS n FROM order_line GROUP BY 1, 2) l
	ON ol_w_id = o_w_id AND ol_d_id = o_d_id
WHERE s <> coalesce(n, 0);
