#!/usr/bin/env bash
# B-tree benchmark (`make bench-btree`): index lookups, range scans, index
# inserts and index-only scans on the same data in one throwaway cluster,
# for every configuration in the same run:
#   heap   + nbtree        (the baseline)
#   helios + nbtree
#   helios + helios_btree  (only when an index access method helios_btree
#                           exists in pg_am; skipped with a note otherwise)
# Ratios are against heap + nbtree and read > 1.00 = the other
# configuration did better: other_tps/heap_tps, heap_ms/other_ms.
# See bench/btree/README.md for what each row measures and checks.
#
# Run as root it installs missing packages, builds and installs helios
# (skip with HELIOS_BENCH_SKIP_BUILD=1), and runs the cluster as the OS user
# helios_bench (HELIOS_BENCH_USER); run as another user it uses that user.
set -uo pipefail

N=${BENCH_BTREE_ROWS:-2000000}              # rows of bt_* (and of the iu_* copies)
SECS=${BENCH_BTREE_SECONDS:-15}             # pgbench -T of each measured run
ROUNDS=${BENCH_BTREE_ROUNDS:-3}             # rounds (median) of pgbench runs and inserts
INS_ROWS=${BENCH_BTREE_INSERT_ROWS:-500000} # rows of each timed INSERT ... SELECT
IOS_RUNS=${BENCH_BTREE_IOS_RUNS:-5}         # timed index-only counts after the UPDATE

BENCH_COMMAND="$(env | grep -E '^(BENCH_|HELIOS_BENCH_)' | sort | tr '\n' ' ')bash bench/btree/run.sh"
. "$(dirname "$0")/../common.sh"

for v in N SECS ROUNDS INS_ROWS IOS_RUNS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "$v must be a positive integer, got '${!v}'" >&2; exit 1; }
done
[ "$N" -ge 10000 ] || { echo "BENCH_BTREE_ROWS must be at least 10000" >&2; exit 1; }

bench_begin btree
HBT_FILE=$WORK/rows-hbt.tsv	# the helios_btree column, line by line with ROWS_FILE
: > "$HBT_FILE"
DB=btree
bench_header "B-tree benchmark: heap + nbtree vs helios + nbtree (vs helios + helios_btree)"
echo "settings:    $N rows; pgbench ${SECS}s x $ROUNDS rounds per configuration and measurement;" \
	"INSERT ... SELECT $INS_ROWS rows x $ROUNDS; index-only count x $IOS_RUNS"
sql postgres "CREATE DATABASE $DB" >/dev/null || exit 1
sql "$DB" "CREATE EXTENSION helios" >/dev/null || exit 1
# pg_prewarm: the warm-up before each pgbench run; pg_visibility: the share
# of all-visible pages after the UPDATE (informational only)
sql "$DB" "CREATE EXTENSION pg_prewarm" >/dev/null || exit 1
$PSQL -d "$DB" -c "CREATE EXTENSION pg_visibility" >/dev/null 2>&1 || echo "note:        pg_visibility not available"

# Configurations: short name -> label, table AM, index AM.  The table of a
# configuration is bt_<name>, its copy iu_<name>, its insert table ins_<name>.
declare -A LABEL=([heap]="heap+nbtree" [helios]="helios+nbtree" [hbt]="helios+helios_btree")
declare -A TAM=([heap]=heap [helios]=helios [hbt]=helios)
declare -A IAM=([heap]=btree [helios]=btree [hbt]=helios_btree)
# keys of the nbtree configurations stay btree on helios tables
declare -A ROUTE=([heap]="SET helios.btree_routing = off" [helios]="SET helios.btree_routing = off" [hbt]="SELECT 1")
declare -A UNIQ=([heap]=UNIQUE [helios]=UNIQUE [hbt]=UNIQUE)
HBT=""
if [ "$(sql "$DB" "SELECT count(*) FROM pg_am WHERE amname = 'helios_btree' AND amtype = 'i'")" = 1 ]; then
	HBT=hbt
	# a primary key constraint must be a btree index: helios_btree gets a
	# unique index instead, or a plain one if it cannot enforce uniqueness
	if [ "$(sql "$DB" "SELECT pg_indexam_has_property(oid, 'can_unique') FROM pg_am WHERE amname = 'helios_btree'")" != t ]; then
		UNIQ[hbt]=""
		echo "note:        helios_btree cannot enforce uniqueness: its indexes are created non-unique"
	fi
	echo "configs:     heap+nbtree (baseline), helios+nbtree, helios+helios_btree"
else
	echo "configs:     heap+nbtree (baseline), helios+nbtree;" \
		"helios+helios_btree skipped: no index access method helios_btree in pg_am"
fi
CFGS="heap helios${HBT:+ hbt}"
# the order of the configurations in round r: reversed every other round
cfg_order() {
	local o
	o=$(order "$1")
	if [ -z "$HBT" ]; then echo "$o"; elif [ $(($1 % 2)) = 1 ]; then echo "$o hbt"; else echo "hbt $o"; fi
}
echo

# forces the index scan paths (the planner would pick a seq or bitmap scan
# for some of the checks and for the large index-only count)
FORCE_IDX="-c enable_seqscan=off -c enable_bitmapscan=off"

# k is a permutation of 1..N: (g - 1) * KMUL mod N + 1 with KMUL coprime to
# N, near N times the golden ratio so that consecutive rows get far-apart keys
gcd() { local a=$1 b=$2 t; while [ "$b" != 0 ]; do t=$((a % b)); a=$b; b=$t; done; echo "$a"; }
KMUL=$((N * 6180339887 / 10000000000))
while [ "$(gcd "$KMUL" "$N")" != 1 ]; do KMUL=$((KMUL + 1)); done
V_EXPR="(g * 7919) % 100000"
load_sql() {	# table rows
	echo "INSERT INTO $1 (id, k, v, pad)
		SELECT g, (g - 1) * $KMUL % $2 + 1, $V_EXPR, md5(g::text) || lpad(g::text, 8, '0')
		FROM generate_series(1::bigint, $2) g"
}

# make_table NAME CFG: creates NAME (no indexes yet) with the table AM of CFG
make_table() {
	sql "$DB" "DROP TABLE IF EXISTS $1" "CREATE TABLE $1 (id bigint NOT NULL, k int NOT NULL, v int NOT NULL, pad text NOT NULL)
		USING ${TAM[$2]} WITH (autovacuum_enabled = off)" >/dev/null
}
# add_indexes NAME CFG: the id index (the primary key for nbtree) and the k index
add_indexes() {
	local t=$1 c=$2
	if [ "${IAM[$c]}" = btree ]; then
		sql "$DB" "${ROUTE[$c]}" "ALTER TABLE $t ADD CONSTRAINT ${t}_pkey PRIMARY KEY (id)" >/dev/null || return 1
	else
		sql "$DB" "CREATE ${UNIQ[$c]} INDEX ${t}_pkey ON $t USING ${IAM[$c]} (id)" >/dev/null || return 1
	fi
	sql "$DB" "${ROUTE[$c]}" "CREATE ${UNIQ[$c]} INDEX ${t}_k ON $t USING ${IAM[$c]} (k)" >/dev/null
}
# settle NAME: vacuum_settled (common.sh), printing "N% all-visible"
settle() { echo "$(vacuum_settled "$DB" "$1") all-visible"; }
# check_ams NAME CFG: the table and its indexes use the access methods of CFG
check_ams() {
	local t=$1 c=$2 got want
	got=$(sql "$DB" "SELECT string_agg(c.relname || '=' || a.amname, ' ' ORDER BY c.relname)
		FROM pg_class c JOIN pg_am a ON a.oid = c.relam
		WHERE c.relname IN ('$t', '${t}_pkey', '${t}_k')")
	want="$t=${TAM[$c]} ${t}_k=${IAM[$c]} ${t}_pkey=${IAM[$c]}"
	echo "   access methods: $got"
	[ "$got" = "$want" ] || { bench_error "$DB: access methods of $t" "got: $got; expected: $want"; return 1; }
}
# check_rows NAME CFG COUNT SUMV WAY...: count and sum(v) of all rows read
# each WAY (seq: seq scan, id: by the id index, k: by the k index) must be
# COUNT SUMV
check_rows() {
	local t=$1 c=$2 want="$3 $4" how got bad="" name opts cond ways
	shift 4
	ways=$*
	for how in "seq:-c enable_indexscan=off -c enable_indexonlyscan=off -c enable_bitmapscan=off:id >= 1" \
			"id:$FORCE_IDX:id BETWEEN 1 AND $N" "k:$FORCE_IDX:k BETWEEN 1 AND $N"; do
		IFS=: read -r name opts cond <<< "$how"
		[[ " $ways " = *" $name "* ]] || continue
		got=$(PGOPTIONS="$opts" sql "$DB" "SELECT count(*) || ' ' || coalesce(sum(v), 0) FROM $t WHERE $cond") || return 1
		[ "$got" = "$want" ] || bad="$bad
SELECT count(*), sum(v) FROM $t WHERE $cond  (by $name, PGOPTIONS='$opts'): $got"
	done
	if [ -n "$bad" ]; then
		bench_error "$DB: rows of $t (${LABEL[$c]}) read by: $ways; expected count sum(v) = $want" "${bad#?}"
		return 1
	fi
	echo "   ${LABEL[$c]}: count sum(v) of $t = $want, read by: $ways"
}

# row NAME KIND HEAP HELIOS HBT: a result row; KIND tps (more is better:
# other/heap), ms or MB (less is better: heap/other), or a plain count
# (no ratio)
row() {
	local name=$1 kind=$2 b=$3 x=$4 y=${5:-n/a} rx ry means
	case $kind in
	tps|x)	rx=$(ratio "$x" "$b"); ry=$(ratio "$y" "$b"); means="helios_$kind/heap_$kind" ;;
	ms|MB)	rx=$(ratio "$b" "$x"); ry=$(ratio "$b" "$y"); means="heap_$kind/helios_$kind" ;;
	*)	rx=-; ry=-; means="$kind, no ratio" ;;
	esac
	[ -n "$HBT" ] && means=${means//helios_/cfg_}
	add_row "$name" "$b" "$x" "$rx" "$means"
	[ -n "$HBT" ] || { y=-; ry=-; }
	printf '%s\t%s\n' "$(num2 "$y")" "$ry" >> "$HBT_FILE"
}
# the result table (called by print_summary): common.sh's five columns, or
# seven with the helios_btree value and its ratio
print_table() {
	paste "$ROWS_FILE" "$HBT_FILE" | awk -F'\t' -v three="$HBT" '
		BEGIN {
			if (three != "") { n = 7; split("1 2 3 4 6 7 5", col, " ") } else { n = 5; split("1 2 3 4 5", col, " ") }
			h[1] = "benchmark"; h[2] = "heap+nbtree"; h[3] = "helios+nbtree"; h[4] = "ratio"
			h[5] = "ratio means"; h[6] = "helios+helios_btree"; h[7] = "ratio"
			for (i = 1; i <= 7; i++) w[i] = length(h[i])
		}
		{ for (i = 1; i <= 7; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
		END {
			for (r = 0; r <= NR; r++) {
				if (r == 1) {
					printf "|"
					for (j = 1; j <= n; j++) { s = ""; for (k = 0; k < w[col[j]] + 2; k++) s = s "-"; printf "%s|", s }
					printf "\n"
				}
				printf "|"
				for (j = 1; j <= n; j++) {
					i = col[j]; v = r ? c[r, i] : h[i]
					if (i == 1 || i == 5) printf " %-" w[i] "s |", v; else printf " %" w[i] "s |", v
				}
				printf "\n"
			}
		}'
}
med() { median ${RUNS[$1]:-}; }	# key: the median of the recorded runs

##### load
echo "== load: bt_<config> ($N rows: id bigint primary key, k int unique, v int, pad text of 40 chars)"
declare -A SUMV	# sum(v) each bt_ table must have
SUM0=$(sql "$DB" "SELECT sum($V_EXPR) FROM generate_series(1::bigint, $N) g") || exit 1
for c in $CFGS; do
	make_table "bt_$c" "$c" || exit 1
	sql "$DB" "CHECKPOINT" >/dev/null
	ms=$(timed "$DB" "$(load_sql "bt_$c" "$N")") || exit 1
	t0=$(date +%s.%N)
	add_indexes "bt_$c" "$c" || exit 1
	ims=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
	vis=$(settle "bt_$c") || exit 1
	sql "$DB" "CHECKPOINT" >/dev/null
	SUMV[$c]=$SUM0
	echo " ${LABEL[$c]}: INSERT $ms ms, both indexes $ims ms, $vis;" \
		"table $(sql "$DB" "SELECT pg_size_pretty(pg_table_size('bt_$c')) || ', id index ' ||
			pg_size_pretty(pg_relation_size('bt_${c}_pkey')) || ', k index ' || pg_size_pretty(pg_relation_size('bt_${c}_k'))")"
	check_ams "bt_$c" "$c"
	check_rows "bt_$c" "$c" "$N" "$SUM0" seq
done
echo

##### pgbench runs
# scripts per configuration
for c in $CFGS; do
	printf '\\set id random(1, %s)\nSELECT v FROM bt_%s WHERE id = :id;\n' "$N" "$c" > "$WORK/lookup-$c.sql"
	printf '\\set id random(1, %s)\nSELECT id FROM bt_%s WHERE id = :id;\n' "$N" "$c" > "$WORK/ios-$c.sql"
	printf '\\set a random(1, %s)\nSELECT sum(v) FROM bt_%s WHERE id BETWEEN :a AND :a + 999;\n' "$((N - 999))" "$c" > "$WORK/range-$c.sql"
	printf '\\set id random(1, %s)\nUPDATE bt_%s SET v = v + 1 WHERE id = :id;\n' "$N" "$c" > "$WORK/write-$c.sql"
done
chmod 644 "$WORK"/*.sql

# warm CFG: reads bt_CFG and its id index into shared buffers (they fit;
# those of all configurations together do not), so that no run starts with
# the pages the previous run of another configuration left there
warm() {
	sql "$DB" "SELECT pg_prewarm('bt_$1'), pg_prewarm('bt_$1_pkey')" >/dev/null
}

# script_tx LOG I: transactions pgbench counted for its I-th script
script_tx() {
	awk -v i="$2" '/^SQL script [0-9]+:/ { s = $3 + 0 } s == i && /^ - [0-9]+ transactions/ { print $2; exit }' "$1"
}

n_tup_upd() { sql "$DB" "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = 'bt_$1'::regclass"; }
# mixed_check CFG ROUND M LOG CLIENTS TPS FAILED: every UPDATE of the write
# script adds 1 to sum(v), so sum(v) must have grown by exactly the number
# of rows the table's statistics count as updated (n_tup_upd, flushed by
# each backend as it exits: polled for a few seconds).  pgbench's own count
# of write-script transactions is only a bound: its per-script counters are
# shared by its threads without a lock ("XXX could use a mutex here, but we
# choose not to"), so with -j 2 they lose increments, and -T does not count
# a transaction still in flight when the time is up, which the server
# commits.  Hence: write-script count <= rows updated <= total transactions
# - read-script count + clients.
mixed_check() {
	local c=$1 r=$2 m=$3 log=$4 clients=$5 tps=$6 failed=$7 reads writes total before after upd i
	reads=$(script_tx "$log" 1)
	writes=$(script_tx "$log" 2)
	total=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log")
	before=${SUMV[$c]}
	after=$(sql "$DB" "SELECT sum(v) FROM bt_$c") || return 1
	for i in $(seq 1 50); do
		upd=$(n_tup_upd "$c"); upd=$(( ${upd:-0} - UPD0 ))
		[ "$upd" = $((after - before)) ] && break
		sleep 0.1
	done
	echo " round $r $m ${LABEL[$c]}: $tps tps, failed $failed; pgbench counted $total transactions, $reads reads," \
		"$writes updates; $upd rows updated (n_tup_upd); sum(v) $before -> $after"
	if [ -z "$reads" ] || [ -z "$writes" ] || [ -z "$total" ] || [ "$upd" != $((after - before)) ] ||
			[ "$upd" -lt "$writes" ] || [ "$upd" -gt $((total - reads + clients)) ]; then
		bench_error "$DB: sum(v) of bt_$c (${LABEL[$c]}) after pgbench $m, round $r" \
			"SELECT sum(v) FROM bt_$c went from $before to $after (+$((after - before))); n_tup_upd grew by $upd; pgbench counted ${total:-?} transactions, ${reads:-?} of the read script, ${writes:-?} of the write script ($clients client(s))"
	fi
	SUMV[$c]=$after
}

declare -A RUNS	# "measurement cfg" -> tps (or ms) of each round
# pgb M CFG ROUND: one measured pgbench run of measurement M
pgb() {
	local m=$1 c=$2 r=$3 clients=1 mode=prepared opts="" log scripts tps failed
	case $m in
	look1)	scripts=(-f "$WORK/lookup-$c.sql") ;;
	look2)	scripts=(-f "$WORK/lookup-$c.sql"); clients=2 ;;
	ios)	scripts=(-f "$WORK/ios-$c.sql") ;;
	range)	scripts=(-f "$WORK/range-$c.sql"); opts=$FORCE_IDX ;;
	simple)	scripts=(-f "$WORK/lookup-$c.sql"); mode=simple ;;
	mixed1|mixed2)
		scripts=(-f "$WORK/lookup-$c.sql@80" -f "$WORK/write-$c.sql@20")
		[ "$m" = mixed2 ] && clients=2
		sql "$DB" "CHECKPOINT" >/dev/null ;;
	esac
	warm "$c"
	[[ $m = mixed* ]] && UPD0=$(n_tup_upd "$c")
	log=$WORK/pgbench-$m-$c-$r.log
	# the same random ids for every configuration in a round
	if ! PGOPTIONS="$opts" "$PGBIN/pgbench" -n -M "$mode" -c "$clients" -j "$clients" -T "$SECS" \
			--random-seed=$((1000 + r)) "${scripts[@]}" "$DB" > "$log" 2>&1; then
		bench_error "pgbench $m on bt_$c (${LABEL[$c]}), round $r" "$(tail -20 "$log")"
		return 1
	fi
	tps=$(pgbench_tps "$log")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log")
	[ "${failed:-x}" = 0 ] || bench_error "pgbench $m on bt_$c (${LABEL[$c]}), round $r: failed transactions ${failed:-?}" \
		"$(grep -iE 'failed|error|abort' "$log" | head)"
	RUNS[$m $c]="${RUNS[$m $c]:-} $tps"
	if [[ $m = mixed* ]]; then
		mixed_check "$c" "$r" "$m" "$log" "$clients" "$tps" "${failed:-?}"
	else
		echo " round $r $m ${LABEL[$c]}: $tps tps, failed ${failed:-?}"
	fi
}

echo "== read-only pgbench runs, ${SECS}s each, configurations alternating; each run after pg_prewarm of its table and id index"
echo "   look1/look2: -M prepared, 1 / 2 clients:  SELECT v FROM bt_X WHERE id = :id   (\\set id random(1, $N))"
echo "   ios:         -M prepared, 1 client:       SELECT id FROM bt_X WHERE id = :id"
echo "   range:       -M prepared, 1 client:       SELECT sum(v) FROM bt_X WHERE id BETWEEN :a AND :a + 999   (seq/bitmap scans off)"
echo "   simple:      -M simple, 1 client:         SELECT v FROM bt_X WHERE id = :id"
for c in $CFGS; do
	plan=$(sql "$DB" "EXPLAIN (COSTS OFF) SELECT id FROM bt_$c WHERE id = 42" | tr -s ' ' | tr '\n' ';')
	echo "   ${LABEL[$c]}: EXPLAIN SELECT id FROM bt_$c WHERE id = 42: $plan"
	[ "${IAM[$c]}" != btree ] || [[ $plan = *"Index Only Scan"* ]] ||
		bench_error "$DB: no index-only scan for SELECT id FROM bt_$c WHERE id = 42" "$plan"
	plan=$(PGOPTIONS="$FORCE_IDX" sql "$DB" "EXPLAIN (COSTS OFF) SELECT sum(v) FROM bt_$c WHERE id BETWEEN 1000 AND 1999" | tr -s ' ' | tr '\n' ';')
	echo "   ${LABEL[$c]}: EXPLAIN of the range query: $plan"
done
# heap fetches of an index-only range scan right after VACUUM
IOS_R=$((N < 100000 ? N : 100000))
declare -A FETCH0
for c in $CFGS; do
	out=$(PGOPTIONS="$FORCE_IDX" sql "$DB" "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
		SELECT count(*) FROM bt_$c WHERE id BETWEEN 1 AND $IOS_R") || continue
	FETCH0[$c]=$(printf '%s\n' "$out" | sed -n 's/.*Heap Fetches: \([0-9]*\).*/\1/p')
	echo "   ${LABEL[$c]}: EXPLAIN ANALYZE SELECT count(*) FROM bt_$c WHERE id BETWEEN 1 AND $IOS_R: $(printf '%s\n' "$out" | tr -s ' ' | tr '\n' ';')"
done
for r in $(seq 1 "$ROUNDS"); do
	for m in look1 look2 ios range simple; do
		for c in $(cfg_order "$r"); do pgb "$m" "$c" "$r"; done
	done
done
declare -A SCALE
for c in $CFGS; do SCALE[$c]=$(ratio "$(med "look2 $c")" "$(med "look1 $c")"); done
echo " point lookup scaling, 2 clients / 1 client:$(for c in $CFGS; do printf ' %s %s' "${LABEL[$c]}" "${SCALE[$c]}"; done)"

# point lookups of a fixed set of rows, by the id index and by the k index:
# id, k and v as the load's formulas say
IDS="1, 2, $((N / 3)), $((N / 2 + 1)), $((N - 1)), $N"
want=$(sql "$DB" "SELECT string_agg(g || ':' || ((g - 1) * $KMUL % $N + 1) || ':' || $V_EXPR, ' ' ORDER BY g)
	FROM unnest(ARRAY[$IDS]::bigint[]) g")
echo " point check: id:k:v of ids $IDS = $want"
for c in $CFGS; do
	for how in "id IN ($IDS)" "k IN ($(sql "$DB" "SELECT string_agg(((g - 1) * $KMUL % $N + 1)::text, ', ') FROM unnest(ARRAY[$IDS]::bigint[]) g"))"; do
		got=$(PGOPTIONS="$FORCE_IDX" sql "$DB" "SELECT string_agg(id || ':' || k || ':' || v, ' ' ORDER BY id) FROM bt_$c WHERE $how")
		[ "$got" = "$want" ] || bench_error "$DB: SELECT id, k, v FROM bt_$c WHERE $how (${LABEL[$c]}, index scan)" \
			"got ${got:-nothing}, expected $want"
	done
done
# range sums of a fixed set of ranges, by the id index: the same in every
# configuration and as computed from the load's formula
echo " range check: SELECT sum(v) FROM bt_X WHERE id BETWEEN a AND a + 999 (index scan)"
for a in 1 $((N / 4)) $((N / 2 + 7)) $((3 * N / 4)) $((N - 999)); do
	want=$(sql "$DB" "SELECT sum($V_EXPR) FROM generate_series($a::bigint, $a + 999) g")
	line="   a = $a: expected $want;"
	for c in $CFGS; do
		got=$(PGOPTIONS="$FORCE_IDX" sql "$DB" "SELECT sum(v) FROM bt_$c WHERE id BETWEEN $a AND $a + 999")
		line="$line ${LABEL[$c]} $got"
		[ "$got" = "$want" ] || bench_error "$DB: SELECT sum(v) FROM bt_$c WHERE id BETWEEN $a AND $a + 999 (${LABEL[$c]})" \
			"got ${got:-nothing}, expected $want"
	done
	echo "$line"
done
echo

echo "== mixed read/write pgbench runs, ${SECS}s each: -M prepared, 80% SELECT v FROM bt_X WHERE id = :id," \
	"20% UPDATE bt_X SET v = v + 1 WHERE id = :id; 1 / 2 clients"
for r in $(seq 1 "$ROUNDS"); do
	for m in mixed1 mixed2; do
		for c in $(cfg_order "$r"); do pgb "$m" "$c" "$r"; done
	done
done
for c in $CFGS; do check_rows "bt_$c" "$c" "$N" "${SUMV[$c]}" seq id k; done
echo " tables after the mixed runs:$(for c in $CFGS; do
	printf ' %s %s;' "${LABEL[$c]}" "$(sql "$DB" "SELECT pg_size_pretty(pg_table_size('bt_$c')) || ' + id index ' ||
		pg_size_pretty(pg_relation_size('bt_${c}_pkey')) || ' + k index ' || pg_size_pretty(pg_relation_size('bt_${c}_k'))")"
done)"
echo

##### inserts into a fresh indexed table
echo "== inserts: INSERT INTO ins_X SELECT * FROM src ($INS_ROWS rows) into a fresh table (id bigint, k int, v int)" \
	"with one index on k; src in random or ascending k order"
# the sources: k = 1..INS_ROWS, physically in random (md5) or ascending order
sql "$DB" "CREATE TABLE src_random AS SELECT g::bigint AS id, g::int AS k, g::int AS v
		FROM generate_series(1, $INS_ROWS) g ORDER BY md5(g::text)" \
	"CREATE TABLE src_asc AS SELECT g::bigint AS id, g::int AS k, g::int AS v FROM generate_series(1, $INS_ROWS) g" >/dev/null || exit 1
settle src_random >/dev/null; settle src_asc >/dev/null
INS_WANT="$INS_ROWS $((INS_ROWS * (INS_ROWS + 1) / 2))"
declare -A ISIZE
for r in $(seq 1 "$ROUNDS"); do
	for kind in random asc; do
		for c in $(cfg_order "$r"); do
			t=ins_$c
			sql "$DB" "DROP TABLE IF EXISTS $t" \
				"CREATE TABLE $t (id bigint NOT NULL, k int NOT NULL, v int NOT NULL) USING ${TAM[$c]} WITH (autovacuum_enabled = off)" \
				"${ROUTE[$c]}" "CREATE INDEX ${t}_k ON $t USING ${IAM[$c]} (k)" "CHECKPOINT" >/dev/null || continue
			ms=$(timed "$DB" "INSERT INTO $t SELECT * FROM src_$kind") || continue
			RUNS[ins_$kind $c]="${RUNS[ins_$kind $c]:-} $ms"
			ISIZE[$kind $c]=$(sql "$DB" "SELECT pg_relation_size('${t}_k')")
			got=$(PGOPTIONS="$FORCE_IDX" sql "$DB" "SELECT count(*) || ' ' || sum(k) FROM $t WHERE k BETWEEN 1 AND $INS_ROWS")
			echo " round $r $kind ${LABEL[$c]}: $ms ms, index $(mb "${ISIZE[$kind $c]}") MB; count sum(k) by the index = $got"
			[ "$got" = "$INS_WANT" ] || bench_error "$DB: SELECT count(*), sum(k) FROM $t WHERE k BETWEEN 1 AND $INS_ROWS after INSERT ... SELECT * FROM src_$kind (index scan)" \
				"got ${got:-nothing}, expected $INS_WANT"
		done
	done
done
sql "$DB" "DROP TABLE IF EXISTS $(for c in $CFGS; do printf 'ins_%s, ' "$c"; done)src_random, src_asc" >/dev/null
echo

##### index-only scan after 10% of the rows were updated
HALF=$((N / 2))
# 10% of the rows in runs of 1000 consecutive ids: about 10% of the pages
# lose their all-visible bit (a v = v + 1 on every 10th id would clear it
# on every page)
UPD_WHERE="(id - 1) % 10000 < 1000"
echo "== index-only scan after an UPDATE of 10% of the rows: iu_X, a fresh copy of bt_X (same load, VACUUMed);" \
	"UPDATE iu_X SET v = v + 1 WHERE $UPD_WHERE; no VACUUM after it; then"
echo "   SELECT count(*) FROM iu_X WHERE id BETWEEN 1 AND $HALF (seq/bitmap scans off), 1 warm-up + $IOS_RUNS runs"
UPD_N=$(sql "$DB" "SELECT count(*) FROM generate_series(1, $N) id WHERE $UPD_WHERE")
declare -A UPD_MS FETCH1
for c in $(cfg_order 1); do
	make_table "iu_$c" "$c" || continue
	sql "$DB" "$(load_sql "iu_$c" "$N")" >/dev/null || continue
	add_indexes "iu_$c" "$c" || continue
	vis=$(settle "iu_$c") || continue
	sql "$DB" "CHECKPOINT" >/dev/null
	ms=$(timed "$DB" "UPDATE iu_$c SET v = v + 1 WHERE $UPD_WHERE") || continue
	UPD_MS[$c]=$ms
	vis2=$($PSQL -d "$DB" -c "SELECT round(100.0 * count(*) FILTER (WHERE all_visible) / count(*)) || '%'
		FROM pg_visibility_map('iu_$c')" 2>/dev/null) || vis2="?"
	echo " ${LABEL[$c]}: $vis after VACUUM; UPDATE of $UPD_N rows $ms ms; $vis2 of the pages all-visible after it"
	check_rows "iu_$c" "$c" "$N" "$((SUM0 + UPD_N))" seq id
done
for r in $(seq 0 "$IOS_RUNS"); do
	for c in $(cfg_order "$((r + 1))"); do
		[ -n "${UPD_MS[$c]:-}" ] || continue
		ms=$(PGOPTIONS="$FORCE_IDX" timed "$DB" "SELECT count(*) FROM iu_$c WHERE id BETWEEN 1 AND $HALF") || continue
		got=$(cat "$WORK/result")
		[ "$got" = "$HALF" ] || bench_error "$DB: SELECT count(*) FROM iu_$c WHERE id BETWEEN 1 AND $HALF (${LABEL[$c]}, run $r)" \
			"got ${got:-nothing}, expected $HALF"
		if [ "$r" = 0 ]; then
			echo " warm-up ${LABEL[$c]}: $ms ms, count $got"
		else
			RUNS[iosu $c]="${RUNS[iosu $c]:-} $ms"
			echo " run $r ${LABEL[$c]}: $ms ms, count $got"
		fi
	done
done
for c in $CFGS; do
	[ -n "${UPD_MS[$c]:-}" ] || continue
	out=$(PGOPTIONS="$FORCE_IDX" sql "$DB" "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
		SELECT count(*) FROM iu_$c WHERE id BETWEEN 1 AND $HALF") || continue
	FETCH1[$c]=$(printf '%s\n' "$out" | sed -n 's/.*Heap Fetches: \([0-9]*\).*/\1/p')
	echo " ${LABEL[$c]}: $(printf '%s\n' "$out" | tr -s ' ' | tr '\n' ';')"
	[ "${IAM[$c]}" != btree ] || [[ $out = *"Index Only Scan"* ]] ||
		bench_error "$DB: no index-only scan for SELECT count(*) FROM iu_$c WHERE id BETWEEN 1 AND $HALF" "$out"
done
echo

##### summary
v3() { local k=$1; shift; printf '%s\n' "$(med "$k heap")" "$(med "$k helios")" "$([ -n "$HBT" ] && med "$k hbt" || echo n/a)"; }
rowm() {	# name kind key
	local vals
	mapfile -t vals < <(v3 "$3")
	row "$1" "$2" "${vals[@]}"
}
P="median of $ROUNDS x ${SECS}s"
rowm "point lookup, prepared, 1 client, tps ($P)" tps look1
rowm "point lookup, prepared, 2 clients, tps ($P)" tps look2
row "  scaling 2 clients / 1 client" x "${SCALE[heap]}" "${SCALE[helios]}" "${SCALE[hbt]:-n/a}"
rowm "index-only point lookup, 1 client, tps ($P)" tps ios
row "  heap fetches, index-only count of $IOS_R ids after VACUUM" count "${FETCH0[heap]:-n/a}" "${FETCH0[helios]:-n/a}" "${FETCH0[hbt]:-n/a}"
rowm "range scan sum(v) of 1000 rows, 1 client, tps ($P)" tps range
rowm "point lookup, simple protocol, 1 client, tps ($P)" tps simple
rowm "mixed 80% lookup / 20% update, 1 client, tps ($P)" tps mixed1
rowm "mixed 80% lookup / 20% update, 2 clients, tps ($P)" tps mixed2
rowm "INSERT $INS_ROWS random keys, indexed table, ms (median of $ROUNDS)" ms ins_random
rowm "INSERT $INS_ROWS ascending keys, indexed table, ms (median of $ROUNDS)" ms ins_asc
sz() { [ -n "${ISIZE[$1 $2]:-}" ] && mb "${ISIZE[$1 $2]}" || echo n/a; }
row "  index size after the random-key INSERT, MB" MB "$(sz random heap)" "$(sz random helios)" "$(sz random hbt)"
row "  index size after the ascending INSERT, MB" MB "$(sz asc heap)" "$(sz asc helios)" "$(sz asc hbt)"
row "UPDATE 10% of $N rows (runs of 1000 ids), ms (1 run)" ms "${UPD_MS[heap]:-n/a}" "${UPD_MS[helios]:-n/a}" "${UPD_MS[hbt]:-n/a}"
rowm "index-only count of $HALF ids after it, ms (median of $IOS_RUNS)" ms iosu
row "  heap fetches of that index-only count" count "${FETCH1[heap]:-n/a}" "${FETCH1[helios]:-n/a}" "${FETCH1[hbt]:-n/a}"

if [ -n "$HBT" ]; then
	title="results (ratios against heap+nbtree, > 1.00 = the configuration left of the ratio did better: cfg_tps/heap_tps, heap_ms/cfg_ms)"
else
	title="results (ratio > 1.00 means helios+nbtree did better: helios_tps/heap_tps for tps, heap_ms/helios_ms for times and sizes)"
fi
print_summary "$title" "B-tree benchmark"
n=$?
echo "results written to bench/results/btree-$STAMP.txt (server log: btree-$STAMP.server.log)"
[ "$n" = 0 ]
