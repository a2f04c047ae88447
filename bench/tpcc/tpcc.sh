# TPC-C on one throwaway cluster, for bench/tpcc/run.sh and bench/demo.sh
# (sourced after bench/common.sh, with the cluster started):
#   tpcc_build AM          database tpcc_AM: schema, procedures, parallel
#                          load of TPCC_WAREHOUSES warehouses, keys, VACUUM
#   tpcc_run AM ISO SECS [ROUND]
#                          one pgbench run of the TPC-C mix; sets TPCC_NOPM,
#                          TPCC_TPM, TPCC_RETRIES, ... and checks consistency
#   tpcc_latency FILE...   latency percentiles from pgbench transaction logs
#   tpcc_plot ISO PNG AM...  a PNG of throughput over time, every AM of ISO
# Database tpcc_AM holds tables of access method AM; everything a run
# writes goes to $WORK/tpcc-AM-ISO-rROUND.*.

TPCC_DIR=$BENCH_DIR/tpcc
TPCC_WAREHOUSES=${TPCC_WAREHOUSES:-4}
TPCC_CLIENTS=${TPCC_CLIENTS:-2}
TPCC_LOAD_JOBS=${TPCC_LOAD_JOBS:-2}
TPCC_MAX_TRIES=${TPCC_MAX_TRIES:-20}
TPCC_SIZE_INTERVAL=${TPCC_SIZE_INTERVAL:-60}
TPCC_TABLES="warehouse district customer history new_order orders order_line item stock"
# the mix of TPC-C 5.2.3 (the minimum shares of the four small ones)
TPCC_SCRIPTS="new_order@45 payment@43 delivery@4 order_status@4 stock_level@4"
TPCC_MIX_ARGS=()	# pgbench's -f options for that mix
for _s in $TPCC_SCRIPTS; do TPCC_MIX_ARGS+=(-f "$TPCC_DIR/pgbench/${_s%@*}.sql@${_s#*@}"); done
unset _s
# the nine tables as an SQL list
TPCC_TABLES_SQL=$(printf "'%s'," $TPCC_TABLES | sed 's/,$//')
declare -A TPCC_LOAD_MS TPCC_SIZE0 TPCC_SIZE1

tpcc_iso_name() { case $1 in rc) echo "READ COMMITTED" ;; ser) echo SERIALIZABLE ;; *) echo "$1" ;; esac; }
# (as PGOPTIONS takes it: a space in a value is escaped)
tpcc_iso_guc() { case $1 in rc) echo 'read\ committed' ;; ser) echo serializable ;; esac; }

# the PGOPTIONS of index builds: helios.btree_routing = TPCC_BTREE_ROUTING
# where the server has that setting
tpcc_routing_opts() {
	[ -n "${TPCC_BTREE_ROUTING:-}" ] || return 0
	if [ "$(sql postgres "SELECT count(*) FROM pg_settings WHERE name = 'helios.btree_routing'")" = 1 ]; then
		echo "-c helios.btree_routing=$TPCC_BTREE_ROUTING"
	else
		echo "TPCC_BTREE_ROUTING=$TPCC_BTREE_ROUTING ignored: this server has no helios.btree_routing" >&2
	fi
}

# sizes of the nine tables and of their indexes, bytes: "tables indexes"
tpcc_sizes() {	# db
	sql "$1" "SELECT sum(pg_table_size(c.oid)) || ' ' || sum(pg_indexes_size(c.oid))
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		  AND c.relname IN ($TPCC_TABLES_SQL)"
}

# per-table sizes, MB, one line per table
tpcc_size_lines() {	# db
	sql "$1" "SELECT rpad(c.relname, 11) || lpad(round(pg_table_size(c.oid) / 1048576.0, 1)::text, 9) || ' MB table'
			  || lpad(round(pg_indexes_size(c.oid) / 1048576.0, 1)::text, 9) || ' MB indexes ('
			  || coalesce((SELECT string_agg(DISTINCT a.amname, ',') FROM pg_index i
						   JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am a ON a.oid = ic.relam
						   WHERE i.indrelid = c.oid), 'none') || ')'
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		  AND c.relname IN ($TPCC_TABLES_SQL)
		ORDER BY c.relname"
}

# the consistency conditions; prints violations, returns non-zero if any
tpcc_check() {	# am when
	local out
	if ! out=$($PSQL -d "tpcc_$1" -f "$TPCC_DIR/check.sql" 2>&1); then
		bench_error "tpcc_$1: check.sql ($2)" "$out"
		return 1
	fi
	if [ -n "$out" ]; then
		bench_error "tpcc_$1: TPC-C consistency conditions fail $2" "$(printf '%s\n' "$out" | head -20)"
		return 1
	fi
	echo "   $1: consistency conditions 1-4 hold $2"
}

tpcc_build() {	# am
	local am=$1 db=tpcc_$1 w t0 ms pids=() failed=0 j opts
	sql postgres "CREATE DATABASE $db" >/dev/null || return 1
	sql "$db" "CREATE EXTENSION helios" >/dev/null || return 1
	$PSQL -d "$db" -v am="$am" -f "$TPCC_DIR/schema.sql" >/dev/null 2>"$WORK/$db-schema.err" &&
		$PSQL -d "$db" -f "$TPCC_DIR/procs.sql" >/dev/null 2>>"$WORK/$db-schema.err" ||
		{ bench_error "$db: schema.sql, procs.sql" "$(cat "$WORK/$db-schema.err")"; return 1; }
	# autovacuum stays on, as on a production server; the load runs with
	# the tables empty and the keys not yet built
	sql postgres "CHECKPOINT" >/dev/null
	t0=$(date +%s.%N)
	# item (w = 0) and the warehouses, TPCC_LOAD_JOBS sessions at a time
	for w in $(seq 0 "$TPCC_WAREHOUSES"); do
		while [ "$(jobs -rp | wc -l)" -ge "$TPCC_LOAD_JOBS" ]; do wait -n; done
		$PSQL -d "$db" -v w="$w" -v w_is_item=$([ "$w" = 0 ] && echo 1 || echo 0) \
			-f "$TPCC_DIR/load.sql" >"$WORK/$db-load-$w.log" 2>&1 &
		pids+=($!)
	done
	for j in "${pids[@]}"; do wait "$j" || failed=1; done
	if [ "$failed" = 1 ]; then
		bench_error "$db: load.sql" "$(cat "$WORK/$db"-load-*.log | grep -v '^$' | head -20)"
		return 1
	fi
	opts=$(tpcc_routing_opts)
	PGOPTIONS="${PGOPTIONS:-} $opts" $PSQL -d "$db" -f "$TPCC_DIR/keys.sql" >/dev/null 2>"$WORK/$db-keys.err" ||
		{ bench_error "$db: keys.sql" "$(cat "$WORK/$db-keys.err")"; return 1; }
	TPCC_LOAD_MS[$am]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	for t in $TPCC_TABLES; do vacuum_settled "$db" "$t" >/dev/null || return 1; done
	check_table_am "$db" "$am" $TPCC_TABLES >/dev/null || return 1
	echo "   $am: $TPCC_WAREHOUSES warehouses loaded and keyed in ${TPCC_LOAD_MS[$am]} ms ($TPCC_LOAD_JOBS sessions), then VACUUM (FREEZE, ANALYZE)"
	tpcc_check "$am" "after the load" || return 1
	TPCC_SIZE0[$am]=$(tpcc_sizes "$db")
	tpcc_size_lines "$db" | sed 's/^/     /'
}

# size sampler: "seconds-since-start table-bytes index-bytes" every
# TPCC_SIZE_INTERVAL seconds, until killed
tpcc_sampler() {	# db file
	local t0=$SECONDS
	while :; do
		echo "$((SECONDS - t0)) $(tpcc_sizes "$1")" >> "$2"
		sleep "$TPCC_SIZE_INTERVAL"
	done
}

# latency percentiles per transaction type from pgbench's per-transaction
# logs (fields: client, transaction, latency us or "failed", script, ...)
tpcc_latency() {	# log files...
	local s name f n
	s=0
	for name in $TPCC_SCRIPTS; do
		name=${name%@*}
		f=$WORK/lat.$$
		cat "$@" 2>/dev/null | awk -v s="$s" '$4 == s && $3 != "failed" && $3 != "skipped" { print $3 }' | sort -n > "$f"
		n=$(wc -l < "$f")
		if [ "$n" -gt 0 ]; then
			awk -v n="$n" -v name="$name" '
				function at(p) { i = int(p * n + 0.999999); if (i < 1) i = 1; if (i > n) i = n; return v[i] / 1000 }
				{ v[NR] = $1 }
				END { printf "%-12s %8d %8.2f %8.2f %8.2f %8.2f %9.2f\n", name, n, at(0.5), at(0.9), at(0.95), at(0.99), v[n] / 1000 }' "$f"
		fi
		rm -f "$f"
		s=$((s + 1))
	done
}

# throughput over time: "second-of-run new-orders/min transactions/min"
# in 10-second buckets, from the per-transaction logs
tpcc_series() {	# log-prefix out
	cat "$1".* 2>/dev/null | awk '$3 != "failed" && $3 != "skipped" { print $5, $4 }' | sort -n | awk '
		NR == 1 { t0 = $1 }
		{ b = int(($1 - t0) / 10); all[b]++; if ($2 == 0) no[b]++; if (b > last) last = b }
		END { for (b = 0; b < last; b++) printf "%d %.0f %.0f\n", (b + 1) * 10, no[b] * 6, all[b] * 6 }' > "$2"
}

# one run: TPCC_CLIENTS clients for SECS seconds at isolation ISO (rc, ser)
tpcc_run() {	# am iso secs [round]
	local am=$1 iso=$2 secs=$3 db=tpcc_$1 out=$WORK/tpcc-$1-$2-r${4:-1}
	local no0 no1 x0 x1 sampler rc
	sql "$db" "CHECKPOINT" >/dev/null || return 1
	no0=$(sql "$db" "SELECT sum(d_next_o_id) FROM district")
	x0=$(sql "$db" "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
	rm -f "$out".size "$out".log.*
	tpcc_sampler "$db" "$out.size" &
	sampler=$!
	echo "   $am, $(tpcc_iso_name "$iso"), round ${4:-1}: $TPCC_CLIENTS clients, ${secs}s (progress every 10 s)"
	PGOPTIONS="${PGOPTIONS:-} -c default_transaction_isolation=$(tpcc_iso_guc "$iso")" \
		"$PGBIN/pgbench" -n -M prepared -c "$TPCC_CLIENTS" -j "$TPCC_CLIENTS" -T "$secs" -P 10 \
		--max-tries="$TPCC_MAX_TRIES" --failures-detailed -D warehouses="$TPCC_WAREHOUSES" \
		-l --log-prefix="$out.log" "${TPCC_MIX_ARGS[@]}" "$db" > "$out.out" 2> "$out.progress"
	rc=$?
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	echo "$secs $(tpcc_sizes "$db")" >> "$out.size"
	sed 's/^/     /' "$out.progress" | grep -E '^ *progress:'
	if [ "$rc" != 0 ]; then
		bench_error "pgbench TPC-C run on $db ($iso)" "$(grep -v '^progress:' "$out.progress" | tail -20; tail -20 "$out.out")"
		return 1
	fi
	no1=$(sql "$db" "SELECT sum(d_next_o_id) FROM district")
	x1=$(sql "$db" "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
	TPCC_NOPM=$(awk -v a="$no0" -v b="$no1" -v s="$secs" 'BEGIN { printf "%.0f", (b - a) * 60 / s }')
	TPCC_TPM=$(awk -v a="$x0" -v b="$x1" -v s="$secs" 'BEGIN { printf "%.0f", (b - a) * 60 / s }')
	TPCC_NEW_ORDERS=$((no1 - no0))
	TPCC_XACT_DELTA=$((x1 - x0))
	# growth per new order: the rows the run inserted and the versions
	# garbage collection has not reclaimed yet
	TPCC_SIZE_DELTA=$(awk 'NR == 1 { a = $2 + $3 } { b = $2 + $3 } END { printf "%.0f", b - a }' "$out.size")
	TPCC_GROWTH_KB=$(awk -v n="$TPCC_NEW_ORDERS" -v d="$TPCC_SIZE_DELTA" \
		'BEGIN { if (n > 0) printf "%.2f", d / n / 1024; else print "n/a" }')
	TPCC_TPS=$(pgbench_tps "$out.out")
	TPCC_FAILED=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out.out")
	TPCC_SERFAIL=$(sed -n 's/^number of serialization failures: \([0-9]*\).*/\1/p' "$out.out")
	TPCC_DEADLOCK=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$out.out")
	TPCC_RETRIES=$(sed -n 's/^total number of retries: \([0-9]*\).*/\1/p' "$out.out")
	TPCC_RETRIED=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' "$out.out")
	TPCC_XACTS=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out.out")
	echo "   $am, $(tpcc_iso_name "$iso"): NOPM $TPCC_NOPM, TPM $TPCC_TPM (pg_stat_database), pgbench tps $TPCC_TPS;" \
		"$TPCC_XACTS transactions, ${TPCC_RETRIES:-0} retries (serialization failures and deadlocks retried)" \
		"in ${TPCC_RETRIED:-0} transactions, failed after $TPCC_MAX_TRIES tries: ${TPCC_FAILED:-?}" \
		"(serialization ${TPCC_SERFAIL:-0}, deadlock ${TPCC_DEADLOCK:-0})"
	echo "     latency, ms: type           count      p50      p90      p95      p99       max"
	tpcc_latency "$out".log.* | tee "$out.lat" | sed 's/^/                  /'
	TPCC_NO_P90=$(awk '$1 == "new_order" { print $4 }' "$out.lat")
	tpcc_series "$out.log" "$out.series"
	awk '{ printf "     size at %4d s: tables %.1f MB, indexes %.1f MB\n", $1, $2 / 1048576, $3 / 1048576 }' "$out.size" |
		sed -n '1p;$p'
	echo "     growth of tables + indexes per new order: $TPCC_GROWTH_KB KB"
	TPCC_SIZE1[$am]=$(tpcc_sizes "$db")
	# a transaction that still fails after TPCC_MAX_TRIES tries is counted,
	# as HammerDB counts its aborts; it is no error of the run
	tpcc_check "$am" "after the $(tpcc_iso_name "$iso") run" || return 1
	return 0
}

# tpcc_plot ISO PNG AM...: new orders and all transactions per minute over
# the runs of ISO, one line per AM, its rounds one after the other (gnuplot)
tpcc_plot() {
	local iso=$1 png=$2 am plots="" f
	shift 2
	command -v gnuplot >/dev/null || { echo "   (no plot: gnuplot is not installed)"; return 0; }
	for am in "$@"; do
		f=$WORK/tpcc-$am-$iso.series
		awk 'FNR == 1 && NR > 1 { off = last } { print $1 + off, $2, $3; last = $1 + off }' \
			"$WORK/tpcc-$am-$iso"-r*.series > "$f" 2>/dev/null
		[ -s "$f" ] || continue
		plots="$plots${plots:+, }'$f' using 1:2 with lines lw 2 title '$am New-Order transactions/min'"
		plots="$plots, '$f' using 1:3 with lines dt 2 title '$am transactions/min'"
	done
	tpcc_gnuplot "$png" "$plots" \
		"TPC-C, $TPCC_WAREHOUSES warehouses, $TPCC_CLIENTS clients, $(tpcc_iso_name "$iso") (10-second buckets)" \
		"seconds of the access method's runs, one after the other" "per minute"
}

# tpcc_plot_size PNG: tables + indexes over every run's time, one line per
# AM and isolation level (with TPCC_SIZE_INTERVAL samples; the long mode's
# evidence that garbage collection keeps the size bounded)
tpcc_plot_size() {
	local png=$1 f name plots=""
	command -v gnuplot >/dev/null || return 0
	for f in "$WORK"/tpcc-*-*.size; do
		[ -s "$f" ] || continue
		name=$(basename "$f" .size)
		name=${name#tpcc-}
		plots="$plots${plots:+, }'$f' using 1:((\$2 + \$3) / 1048576) with linespoints title '$name'"
	done
	tpcc_gnuplot "$png" "$plots" \
		"TPC-C, $TPCC_WAREHOUSES warehouses: size of tables + indexes during each run" \
		"seconds into the run" "MB"
}

# tpcc_gnuplot PNG PLOTS TITLE XLABEL YLABEL: draws gnuplot's "plot PLOTS"
# (nothing if PLOTS is empty)
tpcc_gnuplot() {
	[ -n "$2" ] || return 0
	gnuplot <<GP 2>"$WORK/gnuplot.err" || { bench_error "gnuplot $1" "$(cat "$WORK/gnuplot.err")"; return 1; }
set terminal pngcairo size 1000,500
set output '$1'
set title "$3"
set xlabel "$4"
set ylabel "$5"
set yrange [0:*]
set key outside bottom center horizontal
set grid
plot $2
GP
	echo "   plot: $1"
}

# an unmeasured run that warms caches and the procedures' plans
tpcc_warmup() {	# am secs
	"$PGBIN/pgbench" -n -M prepared -c "$TPCC_CLIENTS" -j "$TPCC_CLIENTS" -T "$2" \
		--max-tries="$TPCC_MAX_TRIES" -D warehouses="$TPCC_WAREHOUSES" "${TPCC_MIX_ARGS[@]}" "tpcc_$1" \
		> "$WORK/tpcc-$1-warmup.out" 2>&1 ||
		{ bench_error "TPC-C warm-up on tpcc_$1" "$(tail -20 "$WORK/tpcc-$1-warmup.out")"; return 1; }
	echo "   warm-up $1 (${2}s, not counted): tps $(pgbench_tps "$WORK/tpcc-$1-warmup.out")"
}
