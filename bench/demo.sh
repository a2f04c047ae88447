#!/usr/bin/env bash
# `make demo`: the same orders data in a heap and a helios table of one
# throwaway cluster, a few analytic queries on both, then a short TPC-C on
# heap and on helios tables, their timings and the ratios.  Takes about 3
# minutes.
#
# Run as root it installs missing packages, builds and installs helios
# (skip with HELIOS_BENCH_SKIP_BUILD=1), and runs the cluster as the OS user
# helios_bench (HELIOS_BENCH_USER); run as another user it uses that user.
#
# Ratios: helios_tps/heap_tps for throughput and heap_ms/helios_ms for
# times, so a ratio above 1.00 always means helios did better.
set -uo pipefail

N=${DEMO_ROWS:-200000}           # orders
TPCC_SECONDS=${DEMO_SECONDS:-45}  # TPC-C run per AM
TPCC_WAREHOUSES=${DEMO_WAREHOUSES:-2}
RUNS=${DEMO_RUNS:-5}             # timed runs per query (median)

BENCH_COMMAND="$(env | grep -E '^(DEMO_|HELIOS_BENCH_)' | sort | tr '\n' ' ')bash bench/demo.sh"
. "$(dirname "$0")/common.sh"

bench_prepare
bench_start demo
ROWS_FILE=$WORK/rows.tsv
: > "$ROWS_FILE"
bench_header "helios demo: the same orders table as heap and as helios"
echo
sql postgres "CREATE DATABASE demo" >/dev/null || exit 1
sql demo "CREATE EXTENSION helios" >/dev/null || exit 1

declare -A LOAD_MS
echo "== loading $N orders into orders_heap and orders_helios"
for am in $AMS; do
	sql demo "CREATE TABLE orders_$am (
		id       bigint PRIMARY KEY,
		customer int NOT NULL,
		status   text NOT NULL,
		amount   numeric(12,2) NOT NULL,
		created  date NOT NULL,
		note     text
	) USING $am" >/dev/null || exit 1
	ms=$(timed demo "INSERT INTO orders_$am
		SELECT g, 1 + (g * 7919) % 5000,
		       (ARRAY['new', 'paid', 'shipped', 'returned'])[1 + (g * 31) % 4],
		       ((g * 37) % 100000) / 100.0,
		       date '2024-01-01' + (g % 366),
		       'order ' || g || ' for customer ' || (1 + (g * 7919) % 5000)
		FROM generate_series(1, $N) g") || exit 1
	LOAD_MS[$am]=$ms
	sql demo "CREATE INDEX ON orders_$am (customer)" "VACUUM ANALYZE orders_$am" >/dev/null || exit 1
	echo " $am: INSERT of $N rows $ms ms; table $(sql demo "SELECT pg_size_pretty(pg_table_size('orders_$am'))"), $(sql demo "SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'orders_$am'") access method"
done
add_row "load: INSERT $N orders, ms" "${LOAD_MS[heap]}" "${LOAD_MS[helios]}" \
	"$(ratio "${LOAD_MS[heap]}" "${LOAD_MS[helios]}")" "heap_ms/helios_ms"
echo

# query NAME SQL-with-%s: a warm-up run, then RUNS runs per AM (interleaved);
# shows the result once and checks both AMs return the same rows
query() {
	local name=$1 q=$2 r am ms
	declare -A T RES
	echo "== $name"
	echo "   $(printf "$q" orders_AM | tr -s '\t\n ' ' ')"
	for am in $AMS; do timed demo "$(printf "$q" "orders_$am")" >/dev/null; done
	for r in $(seq 1 "$RUNS"); do
		for am in $(order "$r"); do
			ms=$(timed demo "$(printf "$q" "orders_$am")") || return 1
			T[$am]="${T[$am]:-} $ms"
			RES[$am]=$(cat "$WORK/result")
		done
	done
	printf '%s\n' "${RES[helios]}" | head -8 | sed 's/^/   | /'
	if [ "${RES[heap]}" = "${RES[helios]}" ]; then
		echo "   same result from heap and helios"
	else
		bench_error "demo: $name: results differ" "heap:
${RES[heap]}
helios:
${RES[helios]}"
	fi
	local h x
	h=$(median ${T[heap]}); x=$(median ${T[helios]})
	echo "   heap $h ms, helios $x ms (median of $RUNS), heap/helios $(ratio "$h" "$x")"
	add_row "$name, ms" "$h" "$x" "$(ratio "$h" "$x")" "heap_ms/helios_ms"
	echo
}

query "revenue by status (aggregate over all rows)" \
	"SELECT status, count(*), sum(amount), round(avg(amount), 2) FROM %s GROUP BY status ORDER BY status"
query "revenue by month (aggregate over all rows)" \
	"SELECT date_trunc('month', created)::date AS month, count(*), sum(amount) FROM %s GROUP BY 1 ORDER BY 1"
query "filtered count (seq scan)" \
	"SELECT count(*) FROM %s WHERE created >= date '2024-06-01' AND amount > 500"
query "one customer's orders (index scan)" \
	"SELECT count(*), sum(amount) FROM %s WHERE customer = 4242"

add_size_row demo "orders table size, MB" orders_heap orders_helios
echo

# a short TPC-C (bench/tpcc/, where `make bench-tpcc` runs the full one)
. "$BENCH_DIR/tpcc/tpcc.sh"
echo "== TPC-C: $TPCC_WAREHOUSES warehouses, $TPCC_CLIENTS clients, READ COMMITTED, ${TPCC_SECONDS}s per access method"
for am in $AMS; do tpcc_build "$am" || exit 1; done
for am in $AMS; do tpcc_warmup "$am" 10 || exit 1; done
declare -A NOPM P90
for am in $AMS; do
	if tpcc_run "$am" rc "$TPCC_SECONDS"; then
		NOPM[$am]=$TPCC_NOPM
		P90[$am]=$TPCC_NO_P90
	fi
done
add_row "TPC-C NOPM (${TPCC_SECONDS}s)" "${NOPM[heap]:-n/a}" "${NOPM[helios]:-n/a}" \
	"$(ratio "${NOPM[helios]:-}" "${NOPM[heap]:-}")" "helios/heap"
add_row "TPC-C new-order p90 latency, ms" "${P90[heap]:-n/a}" "${P90[helios]:-n/a}" \
	"$(ratio "${P90[heap]:-}" "${P90[helios]:-}")" "heap_ms/helios_ms"
echo

print_summary "summary (ratio > 1.00 means helios did better)" demo || exit 1
echo "no errors; heap and helios returned the same results, TPC-C consistency conditions hold for both"
