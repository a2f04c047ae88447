# Shared by bench/run.sh and bench/demo.sh: a throwaway cluster run by an
# unprivileged user, timing helpers, medians, ratios and the result table.
# Reuses test/lib.sh for dependencies, the build and the cluster start.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
BENCH_USER=${HELIOS_BENCH_USER:-helios_bench}
AMS="heap helios"

. "$ROOT/test/lib.sh"

as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_USER" -- env "$@"; else env "$@"; fi; }

# Same server settings for both access methods (they share one cluster).
# fsync = off comes from test/lib.sh; durability flushes are off so that
# the numbers measure the access methods, not this machine's disk.
BENCH_CONF="shared_buffers = 256MB
synchronous_commit = off
max_wal_size = 8GB
min_wal_size = 1GB
checkpoint_timeout = 30min
jit = off
max_parallel_workers_per_gather = 0
max_worker_processes = 8
max_parallel_workers = 2
log_min_duration_statement = -1
log_checkpoints = off
log_line_prefix = '%m [%p] %d '"

# bench_prepare: Debian packages, build + install helios (unless
# HELIOS_BENCH_SKIP_BUILD=1, which uses the helios already installed),
# and the OS user that runs the cluster.
bench_prepare() {
	helios_install_deps || exit 1
	# gnuplot draws the TPC-C plots; a benchmark runs without it
	if ! command -v gnuplot >/dev/null && [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 ||
			echo "gnuplot-nox could not be installed: no plots" >&2
	fi
	if [ "${HELIOS_BENCH_SKIP_BUILD:-0}" != 1 ]; then
		helios_build_install || { echo "helios build failed" >&2; exit 1; }
	fi
	[ -e "$("$PGBIN/pg_config" --pkglibdir)/helios.so" ] ||
		{ echo "helios is not installed in $("$PGBIN/pg_config" --pkglibdir)" >&2; exit 1; }
	if [ "$(id -u)" = 0 ]; then
		RUN_USER=$BENCH_USER
		id "$RUN_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$RUN_USER" || exit 1
	else
		RUN_USER=$(id -un)
	fi
}

# bench_begin NAME [CLUSTER]: how every benchmark starts: bench_prepare;
# all further output also goes to bench/results/NAME-<stamp>.txt (RESULT is
# that path without ".txt", for other files of the run such as plots; the
# server log is copied to RESULT.server.log at exit); the cluster
# (bench_start CLUSTER, default NAME); an empty result table (ROWS_FILE).
bench_begin() {
	bench_prepare
	mkdir -p "$BENCH_DIR/results"
	STAMP=$(date -u +%Y%m%d-%H%M%S)
	RESULT=$BENCH_DIR/results/$1-$STAMP
	SERVER_LOG_COPY=$RESULT.server.log
	exec > >(tee "$RESULT.txt") 2>&1
	bench_start "${2:-$1}"
	ROWS_FILE=$WORK/rows.tsv
	: > "$ROWS_FILE"
}

# bench_start NAME: starts the throwaway cluster; sets WORK, DATA, PORT and
# the libpq environment, and stops the cluster on exit.
bench_start() {
	WORK=$(mktemp -d "/tmp/helios-$1.XXXXXX") || exit 1
	chmod 755 "$WORK"
	[ "$(id -u)" = 0 ] && chown "$RUN_USER" "$WORK"
	DATA=$WORK/data
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	# a port free for connect() can still be taken for bind() (e.g. the local
	# end of some client connection): then try another one
	local try
	for try in 1 2 3 4 5; do
		PORT=$(helios_free_port) || { echo "no free port" >&2; exit 1; }
		helios_start_cluster "$DATA" "$PORT" "$WORK" "$BENCH_CONF" >"$WORK/start.log" 2>&1 && break
		if [ "$try" = 5 ] || ! grep -q 'could not create any TCP/IP sockets' "$DATA/server.log" 2>/dev/null; then
			cat "$WORK/start.log" >&2
			echo "cluster did not start" >&2
			exit 1
		fi
		echo "port $PORT is taken, trying another one" >&2
		rm -rf "$DATA"
	done
	export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres
	unset PGOPTIONS PGSERVICE PGPASSWORD
}

# bench_restart: restarts the cluster, which empties shared buffers (the
# OS page cache stays warm), so that no table starts a timed run with more
# of its pages in shared buffers than another (a page found there is cold
# in the CPU caches; one read through a scan's ring was just copied in).
bench_restart() {
	as_user PATH="$PGBIN:$PATH" pg_ctl -D "$DATA" -l "$DATA/server.log" -m fast -w restart >/dev/null ||
		{ echo "cluster did not restart" >&2; exit 1; }
}

bench_cleanup() {
	[ -n "${DATA:-}" ] && [ -d "$DATA" ] || return 0
	as_user PATH="$PGBIN:$PATH" pg_ctl -D "$DATA" -m fast stop >/dev/null 2>&1
	if [ -n "${SERVER_LOG_COPY:-}" ] && [ -f "$DATA/server.log" ]; then
		cp "$DATA/server.log" "$SERVER_LOG_COPY" 2>/dev/null
	fi
	if [ "${HELIOS_BENCH_KEEP:-0}" = 1 ]; then
		echo "cluster directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}

PSQL="$PGBIN/psql -X -q -At -v ON_ERROR_STOP=1"

# sql DB SQL...: runs statements, prints their output; on error records it
sql() {
	local db=$1 out
	shift
	local args=() s
	for s in "$@"; do args+=(-c "$s"); done
	if ! out=$($PSQL -d "$db" "${args[@]}" 2>&1); then
		bench_error "$db: $*" "$out"
		return 1
	fi
	[ -n "$out" ] && printf '%s\n' "$out"
	return 0
}

# check_table_am DB AM TABLE...: every TABLE of DB uses access method AM
# (prints the access methods found; a missing table fails too)
check_table_am() {
	local db=$1 am=$2 got r
	shift 2
	got=$(sql "$db" "SELECT string_agg(c.relname || '=' || coalesce(a.amname, '?'), ' ' ORDER BY c.relname)
		FROM pg_class c LEFT JOIN pg_am a ON a.oid = c.relam
		WHERE c.relname IN ($(printf "'%s'," "$@" | sed 's/,$//')) AND c.relkind = 'r'
		  AND c.relnamespace = 'public'::regnamespace")
	echo "   relam: $got"
	for r in "$@"; do
		case " $got " in *" $r=$am "*) ;; *)
			bench_error "$db: access method check" "expected $r to use $am, got: $got"
			return 1 ;;
		esac
	done
}

# VACUUM (FREEZE, ANALYZE) table so that it ends up all-visible, as a loaded table
# does once things settle (a scan of a table that is not all-visible
# measures something else): first flush the WAL up to the load's commit
# (a transaction with an xid that writes WAL, here a logical message, and
# commits with synchronous_commit = on: one that writes nothing before its
# commit record commits asynchronously whatever the setting) so that the
# rows' commit hint bits, which VACUUM needs, can be set; then wait
# until no other session holds a snapshot (an autovacuum ANALYZE of another
# table would hold back the horizon).  FREEZE makes VACUUM wait for the
# cleanup lock of a page someone has pinned (the background writer, say)
# rather than skip it and leave it not all-visible.  Even so, an
# asynchronous commit of another transaction right after the flush (an
# autovacuum ANALYZE of a catalog) can move the commit LSN the CLOG keeps
# for the load's transaction (shared by 32 neighbouring xids) past the
# flush again; a table left less than all-visible is vacuumed again, up
# to three times.  Prints the all-visible share.
vacuum_settled() {	# db table
	local db=$1 t=$2 i try vis
	for try in 1 2 3; do
		sql "$db" "SET synchronous_commit = on" \
			"SELECT txid_current(), pg_logical_emit_message(false, 'helios-bench', 'flush')" >/dev/null || return 1
		for i in $(seq 1 120); do
			[ "$(sql "$db" "SELECT count(*) FROM pg_stat_activity
				WHERE backend_xmin IS NOT NULL AND pid <> pg_backend_pid()")" = 0 ] && break
			sleep 0.5
		done
		sql "$db" "VACUUM (FREEZE, ANALYZE) $t" >/dev/null || return 1
		vis=$(sql "$db" "SELECT round(100.0 * relallvisible / greatest(relpages, 1)) || '%'
			FROM pg_class WHERE oid = '$t'::regclass") || return 1
		[ "$vis" = 100% ] && break
		echo "$t: $vis all-visible after VACUUM, vacuuming again" >&2
		sleep 1
	done
	echo "$vis"
}

# timed DB SQL: prints the milliseconds the statement took (psql \timing,
# client side); its result rows go to $WORK/result.  PGOPTIONS applies.
timed() {
	local db=$1 stmt=$2 out
	if ! out=$($PSQL -d "$db" -c '\timing on' -c "$stmt" 2>&1); then
		bench_error "$db: $stmt" "$out"
		return 1
	fi
	printf '%s\n' "$out" | grep -v '^Time: ' > "$WORK/result"
	printf '%s\n' "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

# (called from $(...) subshells too: state lives in files under $WORK)
bench_error() {	# what output
	{
		echo "!! ERROR in: $1"
		printf '%s\n' "$2" | sed 's/^/!!   /'
		server_log_excerpt
	} >&2
	{ echo "ERROR in: $1"; printf '%s\n' "$2"; echo; } >> "$WORK/errors"
}

bench_errors() { [ -f "$WORK/errors" ] && grep -c '^ERROR in:' "$WORK/errors" || echo 0; }

# prints server log lines that look like trouble since the last call
server_log_excerpt() {
	local log=$DATA/server.log n mark=0
	[ -f "$log" ] || return 0
	[ -f "$WORK/log_mark" ] && mark=$(cat "$WORK/log_mark")
	n=$(wc -l < "$log")
	if [ "$n" -gt "$mark" ]; then
		sed -n "$((mark + 1)),${n}p" "$log" |
			grep -E -A3 -B3 'ERROR|FATAL|PANIC|WARNING|terminated by signal|server process|TRAP|Assert' |
			head -60 | sed 's/^/!!   log: /'
	fi
	echo "$n" > "$WORK/log_mark"
}

# server crashes anywhere in the run (a backend killed by a signal, PANIC)
server_crashes() {
	grep -E 'terminated by signal|PANIC|was terminated by exception|TRAP:' "$DATA/server.log" 2>/dev/null
}

# the order of the access methods in round r: heap first in odd rounds
order() { if [ $(($1 % 2)) = 1 ]; then echo heap helios; else echo helios heap; fi; }

median() {	# numbers... (empty values ignored)
	printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g | awk '
		{ a[NR] = $1 }
		END {
			if (NR == 0) { print "n/a"; exit }
			if (NR % 2) printf "%.2f\n", a[(NR + 1) / 2]
			else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2
		}'
}

ratio() {	# numerator denominator
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) { print "n/a"; exit }
		printf "%.2f\n", a / b }'
}

# result table: one row per benchmark
ROWS_FILE=""
mb() { awk -v b="$1" 'BEGIN { if (b !~ /^[0-9.]+$/) print "n/a"; else printf "%.1f", b / 1048576 }'; }
num2() { if [[ $1 =~ ^[0-9]+\.[0-9]{3,}$ ]]; then printf '%.2f' "$1"; else printf '%s' "$1"; fi; }
add_row() {	# name heap helios ratio how-to-read
	set -- "$1" "$(num2 "$2")" "$(num2 "$3")" "$4" "$5"
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$ROWS_FILE"
}

print_table() {
	awk -F'\t' '
		{ for (i = 1; i <= 5; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
		END {
			h[1] = "benchmark"; h[2] = "heap"; h[3] = "helios"; h[4] = "ratio"; h[5] = "ratio means"
			for (i = 1; i <= 5; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
			fmt = "| %-" w[1] "s | %" w[2] "s | %" w[3] "s | %" w[4] "s | %-" w[5] "s |\n"
			printf fmt, h[1], h[2], h[3], h[4], h[5]
			printf "|"; for (i = 1; i <= 5; i++) { s = ""; for (j = 0; j < w[i] + 2; j++) s = s "-"; printf "%s|", s }; printf "\n"
			for (r = 1; r <= NR; r++) printf fmt, c[r, 1], c[r, 2], c[r, 3], c[r, 4], c[r, 5]
		}' "$ROWS_FILE"
}

# pgbench_tps LOGFILE: the tps of a pgbench run (without connection time)
pgbench_tps() {
	sed -n 's/^tps = \([0-9.]*\) (without initial connection time).*/\1/p' "$1" | tail -1
}

so_md5() { md5sum "$("$PGBIN/pg_config" --pkglibdir)/helios.so" | cut -c1-12; }
# the server preloaded helios.so at start; say so if it was replaced since
so_note() {
	[ "$(so_md5)" = "${SO_MD5:-}" ] ||
		echo "note:       helios.so was replaced during the run (now md5 $(so_md5)); the server used the one loaded at start (md5 ${SO_MD5:-?})"
}

# add_size_row DB LABEL HEAP_REL HELIOS_REL: a row comparing pg_table_size
add_size_row() {
	local sizes
	sizes=$(sql "$1" "SELECT pg_table_size('$3') || ' ' || pg_table_size('$4')")
	set -- "$2" $sizes
	[ "$#" = 3 ] && add_row "$1" "$(mb "$2")" "$(mb "$3")" "$(ratio "$2" "$3")" "heap_size/helios_size"
}

# print_summary TITLE WHAT: the closing block of a run; returns the number
# of errors recorded (0: success)
print_summary() {
	local crashes n
	crashes=$(server_crashes)
	[ -n "$crashes" ] && bench_error "server log" "$crashes"
	echo "== $1"
	echo "PostgreSQL: $(sql postgres 'SELECT version()')"
	echo "command:    $BENCH_COMMAND"
	echo "machine:    $(nproc) cores; took $((SECONDS / 60)) min $((SECONDS % 60)) s; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
	so_note
	echo
	print_table
	echo
	n=$(bench_errors)
	if [ "$n" != 0 ]; then
		echo "$n error(s) during the $2:"
		cat "$WORK/errors"
	fi
	return "$n"
}

bench_header() {	# title
	local so
	so=$("$PGBIN/pg_config" --pkglibdir)/helios.so
	echo "== $1"
	echo "date:        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "command:     ${BENCH_COMMAND}"
	echo "machine:     $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
	echo "postgresql:  $(sql postgres 'SELECT version()')"
	SO_MD5=$(so_md5)
	echo "helios:      commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (+local changes)'), helios.so md5 $SO_MD5, built $(date -u -r "$so" '+%Y-%m-%d %H:%M UTC')"
	echo "server:      $(echo "$BENCH_CONF" | grep -E '^(shared_buffers|synchronous_commit|jit|max_wal_size)' | tr '\n' ',' | sed 's/,$//; s/,/, /g'), fsync = off"
	echo "cluster:     127.0.0.1:$PORT, run by OS user $RUN_USER"
	echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average at start; other processes add noise)"
}
