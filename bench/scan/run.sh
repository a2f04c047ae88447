#!/usr/bin/env bash
# Analytic scans, helios vs heap in the same run (`make bench-scan`).
#
# One throwaway cluster, one database, a lineitem-like table per access
# method (lineitem.sql, rows from generate.sql, loaded one after the other),
# then the queries of queries.sql, serial: per query one warm-up run and
# BENCH_SCAN_QUERY_RUNS timed runs per access method, alternating which goes
# first, median time.  Every result of every run must equal heap's warm-up
# result.  Prints a table: query | heap | helios | ratio, with the rows/s
# per core of each and the geometric mean of the ratios; a ratio above 1.00
# means helios did better.  The output is also written to
# bench/results/scan-<date>.txt.  See bench/scan/README.md.
#
# Run as root it installs missing packages, builds and installs helios
# (skip with HELIOS_BENCH_SKIP_BUILD=1), and runs the cluster as the OS user
# helios_bench (HELIOS_BENCH_USER); run as another user it uses that user.
set -uo pipefail

SCAN_ROWS=${BENCH_SCAN_LINEITEM_ROWS:-10000000}  # rows of each table
RUNS=${BENCH_SCAN_QUERY_RUNS:-5}                 # timed runs per query and AM
QUERIES=${BENCH_SCAN_QUERIES:-}                  # query ids to run (default: all)
# Settings the whole query series is timed under, "label:PGOPTIONS" items
# separated by ";", applied to heap's and helios's sessions alike.  Once
# helios has a vectorized scan, its setting goes here as two variants (off
# and on) and every query gets a row per variant.
VARIANTS=${BENCH_SCAN_VARIANTS:-serial:}

BENCH_COMMAND="$(env | grep -E '^(BENCH_|HELIOS_BENCH_)' | sort | tr '\n' ' ')bash bench/scan/run.sh"
. "$(dirname "$0")/../common.sh"
SCAN_DIR=$BENCH_DIR/scan

# queries.sql as lines "id<TAB>label<TAB>sql" (see the head of that file)
QIDS=() QLABELS=() QSQLS=()
while IFS=$'\t' read -r id label q; do
	[ -z "$QUERIES" ] || [[ " $QUERIES " == *" $id "* ]] || continue
	QIDS+=("$id") QLABELS+=("$label") QSQLS+=("$q")
done < <(awk '
	/^-- query [A-Za-z0-9_]+: / {
		id = $3; sub(/:$/, "", id)
		label = $0; sub(/^-- query [^:]*: */, "", label)
		q = ""; inq = 1; next
	}
	inq && /^--/ { next }
	inq {
		gsub(/\t/, " "); q = q (q == "" ? "" : " ") $0
		if ($0 ~ /; *$/) { print id "\t" label "\t" q; inq = 0 }
	}' "$SCAN_DIR/queries.sql")
[ "${#QIDS[@]}" -gt 0 ] || { echo "no queries selected from $SCAN_DIR/queries.sql" >&2; exit 1; }
IFS=';' read -r -a VLIST <<< "$VARIANTS"

bench_begin scan
bench_header "helios vs heap: analytic scans over a lineitem-like table"
echo "settings:    $SCAN_ROWS rows per table; ${#QIDS[@]} queries x (1 warm-up + $RUNS timed runs) per AM;" \
	"serial (max_parallel_workers_per_gather = 0); variants: $VARIANTS"
echo

sql postgres "CREATE DATABASE scan" >/dev/null || exit 1
sql scan "CREATE EXTENSION helios" >/dev/null || exit 1

# million rows per second of a scan of the whole table taking $1 ms
mrps() {
	awk -v n="$SCAN_ROWS" -v ms="$1" 'BEGIN {
		if (ms !~ /^[0-9.]+$/ || ms + 0 == 0) { print "n/a"; exit }
		printf "%.2f\n", n / (ms / 1000) / 1e6 }'
}

##### load, one table after the other
echo "== load: $SCAN_ROWS rows per table (generate.sql), one access method after the other"
declare -A LOAD_MS PRINT
for am in $AMS; do
	t=lineitem_$am
	if ! out=$(PGOPTIONS="-c client_min_messages=warning" $PSQL -d scan -v tbl="$t" -v am="$am" \
			-f "$SCAN_DIR/lineitem.sql" 2>&1); then
		bench_error "scan: lineitem.sql (tbl=$t, am=$am)" "$out"
		continue
	fi
	check_table_am scan "$am" "$t" >/dev/null || continue
	# the second load must not pay for the first one's dirty buffers
	sql scan "CHECKPOINT" >/dev/null
	if ! out=$($PSQL -d scan -v tbl="$t" -v n="$SCAN_ROWS" -c '\timing on' -f "$SCAN_DIR/generate.sql" 2>&1); then
		bench_error "scan: generate.sql (tbl=$t, n=$SCAN_ROWS)" "$out"
		continue
	fi
	ms=$(printf '%s\n' "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
	vis=$(vacuum_settled scan "$t") || continue
	sql scan "CHECKPOINT" >/dev/null || continue
	LOAD_MS[$am]=$ms
	# untimed fingerprint of every value, compared between the two tables
	PRINT[$am]=$(sql scan "SELECT count(*) || ' rows, sum of row hashes ' || sum(hashtext(t::text)::bigint) FROM $t t")
	echo " $am: INSERT ... SELECT $ms ms, $(sql scan "SELECT pg_size_pretty(pg_table_size('$t'))"), $vis all-visible; ${PRINT[$am]}"
done
for am in $AMS; do
	case "${PRINT[$am]:-}" in
	"$SCAN_ROWS rows,"*) ;;
	*) bench_error "scan: lineitem_$am after the load" "expected $SCAN_ROWS rows, got: ${PRINT[$am]:-nothing}" ;;
	esac
done
[ "${PRINT[heap]:-}" = "${PRINT[helios]:-x}" ] ||
	bench_error "scan: the two tables differ after the load" "heap: ${PRINT[heap]:-none}; helios: ${PRINT[helios]:-none}"
echo

##### the queries
# runs query $qi on $am under PGOPTIONS $opts; checks its result against
# REF, the query's first result (heap's warm-up unless that failed), and
# appends the time of a timed run to MS[$am]
run_query() {	# am what
	local am=$1 what=$2 stmt ms res
	stmt=${QSQLS[$qi]//:tbl/lineitem_$am}
	ms=$(PGOPTIONS="$opts" timed scan "$stmt") || return 1
	res=$(cat "$WORK/result")
	if [ -z "${REF_AM:-}" ]; then
		REF=$res REF_AM=$am
	elif [ "$res" != "$REF" ]; then
		bench_error "scan: ${QIDS[$qi]} ($vlabel): $am's result ($what) differs from $REF_AM's warm-up result" "query: $stmt
$(diff <(printf '%s\n' "$REF") <(printf '%s\n' "$res") | head -20 | sed "s/^</$REF_AM:/; s/^>/$am:/")"
	fi
	[ "$what" = warm-up ] || MS[$am]="${MS[$am]:-} $ms"
	LAST=$ms
}

for v in "${VLIST[@]}"; do
	vlabel=${v%%:*} opts=${v#*:}
	[ "${#VLIST[@]}" -gt 1 ] && vsuffix=" [$vlabel]" || vsuffix=""
	echo "== queries ($vlabel${opts:+, PGOPTIONS=$opts}), after a restart (empty shared buffers)"
	bench_restart
	GEO=""
	for qi in "${!QIDS[@]}"; do
		id=${QIDS[$qi]}
		echo " $id: ${QLABELS[$qi]}"
		# the plan, once per query; both tables should get the same one
		plans=""
		for am in $AMS; do
			p=$(PGOPTIONS="$opts" sql scan "EXPLAIN (COSTS OFF) ${QSQLS[$qi]//:tbl/lineitem_$am}" |
				sed 's/^ *//; s/->  //' | grep -v '^Filter:' | sed "s/lineitem_$am/lineitem_AM/g" | tr '\n' ';')
			plans="$plans$p"$'\n'
		done
		printf '%s' "$plans" | sort -u | sed 's/;$//; s/;/; /g; s/^/    plan: /'
		declare -A MS=()
		REF="" REF_AM=""
		for am in $AMS; do
			run_query "$am" warm-up && echo "    warm-up $am: $LAST ms"
		done
		echo "    result: $(printf '%s\n' "$REF" | head -8 | tr '\n' ';' | sed 's/;$//; s/;/; /g' | cut -c1-400)"
		for r in $(seq 1 "$RUNS"); do
			line=""
			for am in $(order "$r"); do
				run_query "$am" "run $r" && line="$line, $am $LAST ms"
			done
			echo "    run $r:${line#,}"
		done
		h=$(median ${MS[heap]:-}) x=$(median ${MS[helios]:-})
		echo "    median: heap $h ms ($(mrps "$h") M rows/s), helios $x ms ($(mrps "$x") M rows/s), heap/helios $(ratio "$h" "$x")"
		add_row "$id: ${QLABELS[$qi]}, ms (median of $RUNS)$vsuffix" "$h" "$x" "$(ratio "$h" "$x")" "heap_ms/helios_ms"
		add_row "  $id, million rows/s per core" "$(mrps "$h")" "$(mrps "$x")" "$(ratio "$h" "$x")" "helios_rows_s/heap_rows_s"
		[[ $h =~ ^[0-9.]+$ && $x =~ ^[0-9.]+$ ]] && GEO="$GEO $h $x"
	done
	# geometric means of the medians; their quotient is the geometric mean
	# of the per-query ratios
	set -- $(awk -v s="$GEO" 'BEGIN {
		n = split(s, a, " ")
		for (i = 1; i < n; i += 2) { lh += log(a[i]); lx += log(a[i + 1]); k++ }
		if (k) printf "%d %.2f %.2f\n", k, exp(lh / k), exp(lx / k); else print "0 n/a n/a" }')
	add_row "geometric mean over $1 of ${#QIDS[@]} queries, ms$vsuffix" "$2" "$3" "$(ratio "$2" "$3")" "heap_ms/helios_ms"
	echo
done

add_row "load: INSERT ... SELECT $SCAN_ROWS rows, ms (1 run)" "${LOAD_MS[heap]:-n/a}" "${LOAD_MS[helios]:-n/a}" \
	"$(ratio "${LOAD_MS[heap]:-}" "${LOAD_MS[helios]:-}")" "heap_ms/helios_ms"
add_size_row scan "table size, MB" lineitem_heap lineitem_helios

##### summary
print_summary "results (ratio > 1.00 means helios did better: heap/helios for times and sizes, helios/heap for rows/s)" "scan benchmark"
n=$?
echo "results written to bench/results/scan-$STAMP.txt (server log: scan-$STAMP.server.log)"
[ "$n" = 0 ]
