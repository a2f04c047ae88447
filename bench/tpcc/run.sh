#!/usr/bin/env bash
# TPC-C, helios against heap in one run (`make bench-tpcc`).
#
# One throwaway cluster, one database per access method (tpcc_heap,
# tpcc_helios) with TPCC_WAREHOUSES warehouses loaded in parallel sessions;
# an unmeasured warm-up per access method, then for each isolation level
# of TPCC_ISOLATION (rc = READ COMMITTED, ser = SERIALIZABLE)
# TPCC_DURATION seconds per access method in TPCC_ROUNDS pgbench runs,
# alternating which access method goes first (heap, helios, helios, heap
# for the first level, the other way round for the second).  Each run
# reports NOPM (new orders per minute, from the districts' order counters),
# TPM (commits and rollbacks per minute, from pg_stat_database), latency
# percentiles per transaction type, serialization failures and deadlocks
# (retried up to TPCC_MAX_TRIES times), table and index sizes, and checks
# TPC-C consistency conditions 1-4 afterwards; a failed check fails the
# run.  Plots of throughput and size over time are written to
# bench/results/.  Ratios: helios/heap for throughput, heap/helios for
# latencies and sizes, so above 1.00 means helios did better.
#
# The long mode is a long duration: TPCC_DURATION=3600 TPCC_ROUNDS=1 TPCC_ISOLATION=rc
# samples the size every TPCC_SIZE_INTERVAL (60) seconds for the size plot.
set -uo pipefail

TPCC_DURATION=${TPCC_DURATION:-300}
TPCC_WARMUP=${TPCC_WARMUP:-30}
TPCC_ISOLATION=${TPCC_ISOLATION:-rc ser}
TPCC_ROUNDS=${TPCC_ROUNDS:-2}
ROUND_SECS=$((TPCC_DURATION / TPCC_ROUNDS))

BENCH_COMMAND="$(env | grep -E '^(TPCC_|HELIOS_BENCH_)' | sort | tr '\n' ' ')bash bench/tpcc/run.sh"
. "$(dirname "$0")/../common.sh"
. "$BENCH_DIR/tpcc/tpcc.sh"
# TPCC_AMS narrows the run to one access method (the ratios then show n/a)
AMS=${TPCC_AMS:-$AMS}

bench_begin tpcc
bench_header "TPC-C: helios vs heap"
echo "settings:    $TPCC_WAREHOUSES warehouses, $TPCC_CLIENTS clients, no think time, ${TPCC_DURATION}s per access method" \
	"and isolation level in $TPCC_ROUNDS runs of ${ROUND_SECS}s (ABBA)," \
	"isolation: $TPCC_ISOLATION, warm-up ${TPCC_WARMUP}s, mix $TPCC_SCRIPTS, -M prepared, --max-tries $TPCC_MAX_TRIES"
echo

echo "== load"
for am in $AMS; do
	tpcc_build "$am" || exit 1
done
echo

echo "== warm-up"
for am in $AMS; do
	[ "$TPCC_WARMUP" -gt 0 ] && { tpcc_warmup "$am" "$TPCC_WARMUP" || exit 1; }
done
echo

declare -A NOPM TPM P90 RETRIES FAILED GROWTH SZ0 SZ1 NO XACT SECS DSIZE
k=0
for iso in $TPCC_ISOLATION; do
	k=$((k + 1))
	echo "== $(tpcc_iso_name "$iso")"
	# TPCC_ROUNDS runs per access method of TPCC_DURATION / TPCC_ROUNDS
	# seconds, alternating which goes first (ABBA), so that drift on the
	# machine and the growth of the databases hit both alike
	for r in $(seq 1 "$TPCC_ROUNDS"); do
		for am in $(order $((r + k - 1))); do
			if tpcc_run "$am" "$iso" "$ROUND_SECS" "$r"; then
				NO[$am,$iso]=$(( ${NO[$am,$iso]:-0} + TPCC_NEW_ORDERS ))
				XACT[$am,$iso]=$(( ${XACT[$am,$iso]:-0} + TPCC_XACT_DELTA ))
				SECS[$am,$iso]=$(( ${SECS[$am,$iso]:-0} + ROUND_SECS ))
				DSIZE[$am,$iso]=$(( ${DSIZE[$am,$iso]:-0} + TPCC_SIZE_DELTA ))
				RETRIES[$am,$iso]=$(( ${RETRIES[$am,$iso]:-0} + ${TPCC_RETRIES:-0} ))
				FAILED[$am,$iso]=$(( ${FAILED[$am,$iso]:-0} + ${TPCC_FAILED:-0} ))
			fi
			echo
		done
	done
	for am in $AMS; do
		[ "${SECS[$am,$iso]:-0}" -gt 0 ] || continue
		NOPM[$am,$iso]=$(( NO[$am,$iso] * 60 / SECS[$am,$iso] ))
		TPM[$am,$iso]=$(( XACT[$am,$iso] * 60 / SECS[$am,$iso] ))
		GROWTH[$am,$iso]=$(awk -v d="${DSIZE[$am,$iso]}" -v n="${NO[$am,$iso]}" \
			'BEGIN { if (n > 0) printf "%.2f", d / n / 1024; else print "n/a" }')
		echo "   $am, $(tpcc_iso_name "$iso"), all $TPCC_ROUNDS rounds (${SECS[$am,$iso]}s):" \
			"NOPM ${NOPM[$am,$iso]}, TPM ${TPM[$am,$iso]}, retries ${RETRIES[$am,$iso]}, failed ${FAILED[$am,$iso]}"
		echo "     latency, ms: type           count      p50      p90      p95      p99       max"
		tpcc_latency "$WORK/tpcc-$am-$iso"-r*.log.* | tee "$WORK/tpcc-$am-$iso.lat" | sed 's/^/                  /'
		P90[$am,$iso]=$(awk '$1 == "new_order" { print $4 }' "$WORK/tpcc-$am-$iso.lat")
	done
	tpcc_plot "$iso" "$RESULT-$iso.png" $AMS
	echo
done
tpcc_plot_size "$RESULT-size.png"
echo

add_row "load of $TPCC_WAREHOUSES warehouses + keys, ms" "${TPCC_LOAD_MS[heap]:-n/a}" "${TPCC_LOAD_MS[helios]:-n/a}" \
	"$(ratio "${TPCC_LOAD_MS[heap]:-}" "${TPCC_LOAD_MS[helios]:-}")" "heap_ms/helios_ms"
for iso in $TPCC_ISOLATION; do
	n=$(tpcc_iso_name "$iso")
	add_row "$n: NOPM" "${NOPM[heap,$iso]:-n/a}" "${NOPM[helios,$iso]:-n/a}" \
		"$(ratio "${NOPM[helios,$iso]:-}" "${NOPM[heap,$iso]:-}")" "helios/heap"
	add_row "$n: TPM" "${TPM[heap,$iso]:-n/a}" "${TPM[helios,$iso]:-n/a}" \
		"$(ratio "${TPM[helios,$iso]:-}" "${TPM[heap,$iso]:-}")" "helios/heap"
	add_row "$n: new-order p90 latency, ms" "${P90[heap,$iso]:-n/a}" "${P90[helios,$iso]:-n/a}" \
		"$(ratio "${P90[heap,$iso]:-}" "${P90[helios,$iso]:-}")" "heap_ms/helios_ms"
	add_row "$n: retried serialization failures + deadlocks" "${RETRIES[heap,$iso]:-n/a}" "${RETRIES[helios,$iso]:-n/a}" \
		"-" "(counts)"
	add_row "$n: growth of tables + indexes per new order, KB" "${GROWTH[heap,$iso]:-n/a}" "${GROWTH[helios,$iso]:-n/a}" \
		"$(ratio "${GROWTH[heap,$iso]:-}" "${GROWTH[helios,$iso]:-}")" "heap_kb/helios_kb"
	add_row "$n: transactions failed after $TPCC_MAX_TRIES tries" "${FAILED[heap,$iso]:-n/a}" "${FAILED[helios,$iso]:-n/a}" \
		"-" "(counts)"
done
for am in $AMS; do
	set -- ${TPCC_SIZE0[$am]:-}
	[ "$#" = 2 ] && SZ0[$am]=$(($1 + $2))
	set -- ${TPCC_SIZE1[$am]:-}
	[ "$#" = 2 ] && SZ1[$am]=$(($1 + $2))
done
add_row "tables + indexes after the load, MB" "$(mb "${SZ0[heap]:-n/a}")" "$(mb "${SZ0[helios]:-n/a}")" \
	"$(ratio "${SZ0[heap]:-}" "${SZ0[helios]:-}")" "heap_size/helios_size"
add_row "tables + indexes after the last run, MB" "$(mb "${SZ1[heap]:-n/a}")" "$(mb "${SZ1[helios]:-n/a}")" \
	"$(ratio "${SZ1[heap]:-}" "${SZ1[helios]:-}")" "heap_size/helios_size"
echo "== sizes at the end"
for am in $AMS; do echo "   $am:"; tpcc_size_lines "tpcc_$am" | sed 's/^/     /'; done
echo

print_summary "TPC-C results (ratio > 1.00 means helios did better)" "TPC-C runs"
n=$?
echo "results written to bench/results/tpcc-$STAMP.txt, plots tpcc-$STAMP-*.png (server log: tpcc-$STAMP.server.log)"
[ "$n" = 0 ]
