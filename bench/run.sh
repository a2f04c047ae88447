#!/usr/bin/env bash
# The first side-by-side benchmark of helios and heap (`make bench`).
#
# One throwaway cluster, both access methods in the same run:
#   1. pgbench's TPC-B-like workload (pgbench -i per access method, a
#      BENCH_WARMUP-second unmeasured run each, then BENCH_ROUNDS runs of
#      BENCH_SECONDS per access method interleaved heap/helios/helios/heap,
#      median tps)
#   2. COPY of BENCH_ROWS rows from a file           (median of BENCH_COPY_RUNS)
#   3. UPDATE of 10% of those rows                  (median of BENCH_COPY_RUNS)
#   4. seq scan with a filter + sum over BENCH_SCAN_ROWS rows, warm cache
#      (median of BENCH_SCAN_RUNS), serial, then with 2 parallel workers
# and prints a table: benchmark | heap | helios | ratio.  Ratios are
# helios/heap for throughput (tps) and heap_time/helios_time for times, so
# a ratio above 1.00 always means helios did better.  The output is also
# written to bench/results/first-<date>.txt.
#
# Run as root it installs missing packages, builds and installs helios
# (skip with HELIOS_BENCH_SKIP_BUILD=1), and runs the cluster as the OS user
# helios_bench (HELIOS_BENCH_USER); run as another user it uses that user.
set -uo pipefail

SCALE=${BENCH_SCALE:-10}             # pgbench -i -s
PGB_SECONDS=${BENCH_SECONDS:-30}     # pgbench -T, per run
PGB_ROUNDS=${BENCH_ROUNDS:-4}        # pgbench runs per access method
PGB_CLIENTS=${BENCH_CLIENTS:-2}      # pgbench -c and -j
PGB_WARMUP=${BENCH_WARMUP:-10}       # unmeasured pgbench run per AM first
ROWS=${BENCH_ROWS:-1000000}          # rows of the COPY / UPDATE table
SCAN_ROWS=${BENCH_SCAN_ROWS:-5000000}  # rows of the scanned table
COPY_RUNS=${BENCH_COPY_RUNS:-5}
SCAN_RUNS=${BENCH_SCAN_RUNS:-5}
PARALLEL=${BENCH_PARALLEL:-1}        # also time the scan with 2 workers

BENCH_COMMAND="$(env | grep -E '^(BENCH_|HELIOS_BENCH_)' | sort | tr '\n' ' ')bash bench/run.sh"
. "$(dirname "$0")/common.sh"

bench_begin first bench
bench_header "helios vs heap: first side-by-side benchmark"
echo "settings:    pgbench scale $SCALE, $PGB_CLIENTS clients, ${PGB_SECONDS}s x $PGB_ROUNDS runs per AM;" \
	"COPY/UPDATE $ROWS rows x $COPY_RUNS; scan $SCAN_ROWS rows x $SCAN_RUNS"
echo

for am in $AMS; do
	sql postgres "CREATE DATABASE bench_$am" >/dev/null || exit 1
	sql "bench_$am" "CREATE EXTENSION helios" >/dev/null || exit 1
done
sql postgres "CREATE DATABASE bench" >/dev/null || exit 1
sql bench "CREATE EXTENSION helios" >/dev/null || exit 1


rows_sql() { grep -v '^--' "$BENCH_DIR/first/rows.sql" | sed "s/:n\b/$1/"; }
make_table() {	# name am
	PGOPTIONS="-c client_min_messages=warning" $PSQL -d bench -v tbl="$1" -v am="$2" -f "$BENCH_DIR/first/tables.sql" 2>&1 ||
		{ bench_error "bench: create table $1 using $2" "see above"; return 1; }
}

##### 1. pgbench TPC-B-like
echo "== 1. pgbench (TPC-B-like), scale $SCALE, -c $PGB_CLIENTS -j $PGB_CLIENTS -T $PGB_SECONDS"
declare -A INIT_MS TPS_RUNS PGB_OK
for am in $AMS; do
	PGB_OK[$am]=1
	# the second pgbench -i must not pay for the first one's dirty buffers
	sql postgres "CHECKPOINT" >/dev/null
	t0=$(date +%s.%N)
	if ! PGOPTIONS="-c default_table_access_method=$am" "$PGBIN/pgbench" -i -q -s "$SCALE" "bench_$am" \
			> "$WORK/pgbench-init-$am.log" 2>&1; then
		bench_error "pgbench -i -s $SCALE (default_table_access_method=$am)" "$(tail -20 "$WORK/pgbench-init-$am.log")"
		PGB_OK[$am]=0
		continue
	fi
	INIT_MS[$am]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	echo " $am: pgbench -i took ${INIT_MS[$am]} ms"
	check_table_am "bench_$am" "$am" pgbench_accounts pgbench_branches pgbench_tellers pgbench_history || PGB_OK[$am]=0
done
# what pgbench does before a run, except truncating pgbench_history, which
# the balance check below needs
pgb_prepare() { sql "bench_$1" "VACUUM pgbench_branches" "VACUUM pgbench_tellers" "CHECKPOINT" >/dev/null; }
for am in $AMS; do
	[ "${PGB_OK[$am]}" = 1 ] && [ "$PGB_WARMUP" -gt 0 ] || continue
	pgb_prepare "$am"
	"$PGBIN/pgbench" -n -c "$PGB_CLIENTS" -j "$PGB_CLIENTS" -T "$PGB_WARMUP" ${BENCH_PGBENCH_OPTS:-} "bench_$am" \
		> "$WORK/pgbench-$am-warmup.log" 2>&1 &&
		echo " warm-up $am (${PGB_WARMUP}s, not counted): tps $(pgbench_tps "$WORK/pgbench-$am-warmup.log")"
done
for r in $(seq 1 "$PGB_ROUNDS"); do
	for am in $(order "$r"); do
		[ "${PGB_OK[$am]}" = 1 ] || continue
		pgb_prepare "$am"
		log=$WORK/pgbench-$am-$r.log
		if "$PGBIN/pgbench" -n -c "$PGB_CLIENTS" -j "$PGB_CLIENTS" -T "$PGB_SECONDS" ${BENCH_PGBENCH_OPTS:-} \
				"bench_$am" > "$log" 2>&1; then
			tps=$(pgbench_tps "$log")
			failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log")
			echo " round $r $am: tps $tps, failed transactions ${failed:-?}"
			TPS_RUNS[$am]="${TPS_RUNS[$am]:-} $tps"
			[ "${failed:-0}" = 0 ] || bench_error "pgbench run $r on $am" "$(grep -E 'failed|error|ERROR' "$log" | head)"
		else
			bench_error "pgbench run $r on $am" "$(tail -20 "$log")"
			PGB_OK[$am]=0
		fi
	done
done
for am in $AMS; do
	[ "${PGB_OK[$am]}" = 1 ] || continue
	# TPC-B invariant: each balance = the sum of its deltas in the history
	if ! chk=$($PSQL -d "bench_$am" -F ' ' -f "$BENCH_DIR/first/pgbench_check.sql" 2>&1); then
		bench_error "bench_$am: first/pgbench_check.sql" "$chk"
		continue
	fi
	echo " $am: table, rows, rows whose balance disagrees with pgbench_history, sum of balances:"
	printf '%s\n' "$chk" | sed 's/^/     /'
	bad=$(printf '%s\n' "$chk" | awk -v n=$((SCALE * 100000)) '
		$3 != 0 { print $1 ": " $3 " row(s) disagree with pgbench_history" }
		$1 == "accounts" && $2 != n { print "accounts: " $2 " rows, expected " n }
		{ s[$1] = $4 }
		END { if (s["accounts"] != s["history"] || s["tellers"] != s["history"] || s["branches"] != s["history"])
			print "sums of balances differ" }')
	if [ -n "$bad" ]; then
		detail=$(sql "bench_$am" "SELECT 'branch ' || b.bid || ': bbalance ' || b.bbalance || ', history says ' || coalesce(h.s, 0)
			FROM pgbench_branches b LEFT JOIN (SELECT bid, sum(delta) AS s FROM pgbench_history GROUP BY bid) h USING (bid)
			WHERE b.bbalance <> coalesce(h.s, 0) ORDER BY 1 LIMIT 10" \
			"SELECT 'teller ' || t.tid || ': tbalance ' || t.tbalance || ', history says ' || coalesce(h.s, 0)
			FROM pgbench_tellers t LEFT JOIN (SELECT tid, sum(delta) AS s FROM pgbench_history GROUP BY tid) h USING (tid)
			WHERE t.tbalance <> coalesce(h.s, 0) ORDER BY 1 LIMIT 10")
		bench_error "bench_$am: TPC-B balance check after the pgbench runs (lost or doubled updates)" "$bad
$detail"
	fi
done
h=$(median ${TPS_RUNS[heap]:-}); x=$(median ${TPS_RUNS[helios]:-})
add_row "pgbench TPC-B tps (median of $PGB_ROUNDS x ${PGB_SECONDS}s)" "$h" "$x" "$(ratio "$x" "$h")" "helios_tps/heap_tps"
add_row "pgbench -i -s $SCALE, ms" "${INIT_MS[heap]:-n/a}" "${INIT_MS[helios]:-n/a}" \
	"$(ratio "${INIT_MS[heap]:-}" "${INIT_MS[helios]:-}")" "heap_ms/helios_ms"
echo

##### 2 + 3. COPY and UPDATE of 10%
FILE=$WORK/rows.copy
echo "== 2./3. COPY of $ROWS rows, then UPDATE of 10% of them ($COPY_RUNS rounds)"
sql bench "COPY ($(rows_sql "$ROWS")) TO '$FILE'" >/dev/null || exit 1
echo " data file: $FILE, $(du -m "$FILE" | cut -f1) MB"
declare -A COPY_MS UPD_MS SUMS
# count, sum(v), sum(id) the table must have after the UPDATE
expect=$(sql bench "SELECT count(*) || ' ' || (sum(v) + count(*) FILTER (WHERE id % 10 = 0)) || ' ' || sum(id)
	FROM ($(rows_sql "$ROWS")) s")
for r in $(seq 1 "$COPY_RUNS"); do
	for am in $(order "$r"); do
		t=u_$am
		make_table "$t" "$am" || continue
		sql bench "CHECKPOINT" >/dev/null
		ms=$(timed bench "COPY $t FROM '$FILE'") || continue
		COPY_MS[$am]="${COPY_MS[$am]:-} $ms"
		sql bench "ALTER TABLE $t ADD PRIMARY KEY (id)" >/dev/null || continue
		vis=$(vacuum_settled bench "$t") || continue
		sql bench "CHECKPOINT" >/dev/null || continue
		ums=$(timed bench "UPDATE $t SET v = v + 1 WHERE id % 10 = 0") || continue
		UPD_MS[$am]="${UPD_MS[$am]:-} $ums"
		SUMS[$am]=$(sql bench "SELECT count(*) || ' ' || sum(v) || ' ' || sum(id) FROM $t")
		echo " round $r $am: COPY $ms ms, UPDATE $ums ms ($vis all-visible before); count sum(v) sum(id) = ${SUMS[$am]}"
	done
	for am in $AMS; do
		[ "${SUMS[$am]:-}" = "$expect" ] ||
			bench_error "bench: u_$am after COPY + UPDATE (round $r)" "count sum(v) sum(id) = ${SUMS[$am]:-none}, expected $expect"
	done
	SUMS=()
done
sizes=$(sql bench "SELECT pg_total_relation_size('u_heap') || ' ' || pg_total_relation_size('u_helios')")
h=$(median ${COPY_MS[heap]:-}); x=$(median ${COPY_MS[helios]:-})
add_row "COPY $ROWS rows, ms (median of $COPY_RUNS)" "$h" "$x" "$(ratio "$h" "$x")" "heap_ms/helios_ms"
h=$(median ${UPD_MS[heap]:-}); x=$(median ${UPD_MS[helios]:-})
add_row "UPDATE 10% of $ROWS rows, ms (median of $COPY_RUNS)" "$h" "$x" "$(ratio "$h" "$x")" "heap_ms/helios_ms"
set -- $sizes
[ "$#" = 2 ] && add_row "size after UPDATE (table+pkey), MB" "$(mb "$1")" "$(mb "$2")" \
	"$(ratio "$1" "$2")" "heap_size/helios_size"
echo

##### 4. seq scan with filter + sum
SCAN_SQL="SELECT count(*), sum(v) FROM %s WHERE d >= date '2021-06-01' AND f < 900"
echo "== 4. seq scan with filter + sum over $SCAN_ROWS rows: $(printf "$SCAN_SQL" s_AM)"
declare -A LOAD_MS SCAN_MS PSCAN_MS RES
for am in $(order 1); do
	make_table "s_$am" "$am" || continue
	sql bench "CHECKPOINT" >/dev/null
	ms=$(timed bench "INSERT INTO s_$am $(rows_sql "$SCAN_ROWS")") || continue
	LOAD_MS[$am]=$ms
	vis=$(vacuum_settled bench "s_$am") || continue
	sql bench "CHECKPOINT" >/dev/null
	echo " $am: INSERT ... SELECT of $SCAN_ROWS rows $ms ms, table $(sql bench "SELECT pg_size_pretty(pg_table_size('s_$am'))"), $vis all-visible"
done
scan_runs() {	# label workers
	local r am ms label=$1 w=$2 plan
	for am in $AMS; do
		[ -n "${LOAD_MS[$am]:-}" ] || continue
		plan=$(PGOPTIONS="-c max_parallel_workers_per_gather=$w" sql bench "EXPLAIN $(printf "$SCAN_SQL" "s_$am")" |
			grep -E 'Scan|Workers Planned' | sed 's/^ *//; s/  (cost.*//; s/->  //' | tr '\n' ';')
		echo " $am plan ($label): $plan"
		# warm-up: brings the table into shared buffers / the OS cache
		PGOPTIONS="-c max_parallel_workers_per_gather=$w" timed bench "$(printf "$SCAN_SQL" "s_$am")" >/dev/null
	done
	for r in $(seq 1 "$SCAN_RUNS"); do
		for am in $(order "$r"); do
			[ -n "${LOAD_MS[$am]:-}" ] || continue
			ms=$(PGOPTIONS="-c max_parallel_workers_per_gather=$w" timed bench "$(printf "$SCAN_SQL" "s_$am")") || continue
			RES[$am]=$(cat "$WORK/result")
			echo " run $r $am ($label): $ms ms, result ${RES[$am]}"
			[ "$label" = serial ] && SCAN_MS[$am]="${SCAN_MS[$am]:-} $ms" || PSCAN_MS[$am]="${PSCAN_MS[$am]:-} $ms"
		done
		[ "${RES[heap]:-}" = "${RES[helios]:-x}" ] ||
			bench_error "bench: scan results differ ($label, run $r)" "heap: ${RES[heap]:-none}; helios: ${RES[helios]:-none}"
	done
}
bench_restart
scan_runs serial 0
[ "$PARALLEL" = 1 ] && scan_runs parallel 2
h=$(median ${SCAN_MS[heap]:-}); x=$(median ${SCAN_MS[helios]:-})
add_row "seq scan filter+sum $SCAN_ROWS rows, ms (median of $SCAN_RUNS)" "$h" "$x" "$(ratio "$h" "$x")" "heap_ms/helios_ms"
if [ "$PARALLEL" = 1 ]; then
	h=$(median ${PSCAN_MS[heap]:-}); x=$(median ${PSCAN_MS[helios]:-})
	add_row "  same, 2 parallel workers, ms" "$h" "$x" "$(ratio "$h" "$x")" "heap_ms/helios_ms"
fi
add_row "INSERT ... SELECT $SCAN_ROWS rows, ms (1 run)" "${LOAD_MS[heap]:-n/a}" "${LOAD_MS[helios]:-n/a}" \
	"$(ratio "${LOAD_MS[heap]:-}" "${LOAD_MS[helios]:-}")" "heap_ms/helios_ms"
add_size_row bench "size of the scanned table, MB" s_heap s_helios
echo

##### summary
print_summary "results (ratio > 1.00 means helios did better: helios/heap for tps, heap/helios for times and sizes)" run
n=$?
echo "results written to bench/results/first-$STAMP.txt (server log: first-$STAMP.server.log)"
[ "$n" = 0 ]
