#!/usr/bin/env bash
# Runs every helios test suite on a throwaway cluster: pg_regress (sql/),
# pgTAP (test/pgtap/), isolation specs (test/isolation/) and TAP tests
# (test/t/).  Each test file counts once; the last line of output is
# "N passed, N failed".  Run as root it first installs what is missing,
# builds and installs helios, and runs the clusters as an unprivileged
# user; run as another user it uses that user and an installed helios.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
PGXS_DIR=/usr/lib/postgresql/15/lib/pgxs
# HELIOS_PG_CONFIG runs the suites on another PostgreSQL 15 build, e.g. the
# assert-enabled one of test/cassert.sh
if [ -n "${HELIOS_PG_CONFIG:-}" ]; then
	PGBIN=$("$HELIOS_PG_CONFIG" --bindir)
	PGXS_DIR=$(dirname "$(dirname "$(dirname "$("$HELIOS_PG_CONFIG" --pgxs)")")")
fi
PG_REGRESS=$PGXS_DIR/src/test/regress/pg_regress
PG_ISOLATION_REGRESS=$PGXS_DIR/src/test/isolation/pg_isolation_regress
TEST_USER=${HELIOS_TEST_USER:-helios_test}
# HELIOS_SUITES narrows a local run, e.g. "regress isolation", and
# HELIOS_SPECS the isolation specs; CI runs all
SUITES=${HELIOS_SUITES:-regress pgtap isolation tap}
want() { case " $SUITES " in *" $1 "*) return 0 ;; esac; return 1; }

. "$ROOT/test/lib.sh"

helios_install_deps
helios_build_install || { echo "0 passed, 1 failed"; exit 1; }

if [ "$(id -u)" = 0 ]; then
	RUN_USER=$TEST_USER
	id "$RUN_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$RUN_USER"
else
	RUN_USER=$(id -un)
fi

WORK=$(mktemp -d /tmp/helios-test.XXXXXX)
cp -r "$ROOT/sql" "$ROOT/expected" "$ROOT/test" "$WORK/"
# the TPC-C kit, whose transactions test/t/080_tpcc_mix.pl runs
mkdir -p "$WORK/bench" && cp -r "$ROOT/bench/tpcc" "$WORK/bench/"
chown -R "$RUN_USER" "$WORK"
as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_USER" -- env "$@"; else env "$@"; fi; }

PORT=$(helios_free_port)
DATA=$WORK/data
# with HELIOS_PG_CONFIG, the log names each backend's test (for the TRAP report)
LOG_CONF=""
[ -n "${HELIOS_PG_CONFIG:-}" ] && LOG_CONF="log_line_prefix = '%m [%p] %q%a '
log_connections = on"
helios_start_cluster "$DATA" "$PORT" "$WORK" "$LOG_CONF" || { echo "0 passed, 1 failed"; exit 1; }
cleanup() { as_user PATH="$PGBIN:$PATH" pg_ctl -D "$DATA" -m fast stop >/dev/null 2>&1; }
trap cleanup EXIT

PASSED=0
FAILED=0
FAILED_NAMES=""
record() {	# name status
	if [ "$2" = 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); FAILED_NAMES="$FAILED_NAMES $1"; fi
}
# pg_regress prints one line per test ending in "ok" or "FAILED"
count_regress() {	# suite logfile
	while read -r line; do
		name=$(echo "$line" | sed -E 's/^(test|ok|not ok)? *([^ ]+) +\.\.\..*/\2/')
		case "$line" in
			*"... ok"* | *"... ok "*) record "$1:$name" 0 ;;
			*"... FAILED"* | *"... failed"*) record "$1:$name" 1 ;;
		esac
	done < "$2"
}

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres

want regress && echo "== pg_regress (sql/)"
want regress && TESTS=""
want regress && TESTS=$(cd "$WORK/sql" && ls *.sql 2>/dev/null | sed 's/\.sql$//' | sort)
if want regress && [ -n "$TESTS" ]; then
	(cd "$WORK" && as_user PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres \
		"$PG_REGRESS" --inputdir="$WORK" --outputdir="$WORK/regress" \
		--bindir="$PGBIN" --dbname=contrib_regression $TESTS) > "$WORK/regress.log" 2>&1
	cat "$WORK/regress.log"
	count_regress regress "$WORK/regress.log"
	[ -s "$WORK/regress/regression.diffs" ] && head -c 20000 "$WORK/regress/regression.diffs"
fi

want pgtap && echo "== pgTAP (test/pgtap/)"
want pgtap && as_user PATH="$PGBIN:$PATH" PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres createdb helios_tap
for f in "$WORK"/test/pgtap/*.sql; do
	want pgtap && [ -e "$f" ] || continue
	if as_user PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres pg_prove -d helios_tap "$f"; then
		record "pgtap:$(basename "$f")" 0
	else
		record "pgtap:$(basename "$f")" 1
	fi
done

echo "== isolation (test/isolation/)"
want isolation && SPECS=${HELIOS_SPECS:-$(cd "$WORK/test/isolation/specs" && ls *.spec 2>/dev/null | sed 's/\.spec$//' | sort)}
if want isolation && [ -n "$SPECS" ]; then
	# every table the specs create is a helios table: the (unprinted)
	# setup block of each spec starts by making helios the default
	for spec in "$WORK"/test/isolation/specs/*.spec; do
		perl -0pi -e 's/\bsetup\s*\{/setup\n{\n  SET default_table_access_method = helios;\n/' "$spec"
	done
	# their keys stay btree (helios.btree_routing off): foreign keys need a
	# btree key, REINDEX CONCURRENTLY is not available on helios_btree, and
	# merge-join prints "Inner Unique", which the planner proves only
	# from btree operator families (docs/btree.md)
	for spec in fk-contention fk-deadlock fk-deadlock2 fk-snapshot helios-chain-epq \
			merge-join partition-key-update-1 propagate-lock-delete \
			reindex-concurrently tuplelock-partition update-locked-tuple; do
		[ -f "$WORK/test/isolation/specs/$spec.spec" ] &&
			perl -0pi -e 's/(SET default_table_access_method = helios;\n)/$1  SET helios.btree_routing = off;\n/' \
				"$WORK/test/isolation/specs/$spec.spec"
	done
	(cd "$WORK" && as_user PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres \
		"$PG_ISOLATION_REGRESS" --inputdir="$WORK/test/isolation" \
		--outputdir="$WORK/isolation" --bindir="$PGBIN" --load-extension=helios \
		--dbname=isolation_regression $SPECS) > "$WORK/isolation.log" 2>&1
	cat "$WORK/isolation.log"
	count_regress isolation "$WORK/isolation.log"
	[ -s "$WORK/isolation/regression.diffs" ] && head -c 20000 "$WORK/isolation/regression.diffs"
fi

echo "== TAP (test/t/)"
for f in "$WORK"/test/t/*.pl; do
	want tap && [ -e "$f" ] || continue
	mkdir -p "$WORK/tap" && chown "$RUN_USER" "$WORK/tap"
	if (cd "$WORK/tap" && as_user PATH="$PGBIN:$PATH" PERL5LIB="$PGXS_DIR/src/test/perl" \
			PG_REGRESS="$PG_REGRESS" TESTDIR="$WORK/tap" PGHOST= PGPORT= PGUSER= \
			prove -v "$f") > "$WORK/tap/$(basename "$f").log" 2>&1; then
		tail -3 "$WORK/tap/$(basename "$f").log"
		record "tap:$(basename "$f")" 0
	else
		tail -60 "$WORK/tap/$(basename "$f").log"
		record "tap:$(basename "$f")" 1
	fi
done

# with HELIOS_PG_CONFIG: each assertion failure (TRAP) and backend crash in
# the servers' logs, with its test; each counts as a failure
report_traps() {	# log name
	local line
	while IFS= read -r line; do
		case "$line" in
			"@@ "*) record "crash:$2:${line#@@ }" 1 ;;
			*) echo "$line" ;;
		esac
	done < <(awk -v logf="$1" '
		# each process: its application_name and last log line
		match($0, /^[^[]*\[[0-9]+\] /) {
			pid = $0; sub(/^[^[]*\[/, "", pid); sub(/\].*/, "", pid)
			if (index($0, "connection received:")) { app[pid] = ""; last[pid] = "" }
			if (match($0, /application_name=[^ ]*/)) app[pid] = substr($0, RSTART + 17, RLENGTH - 17)
			last[pid] = $0
		}
		function event(pid, what) {
			name = app[pid] != "" ? app[pid] : "pid-" pid
			print "-- " name " in " logf ":"
			if (last[pid] != "") print "   last: " last[pid]
			print "   " what
			print "@@ " name
		}
		/^TRAP: / {
			pid = $0; sub(/.*PID: /, "", pid); sub(/\).*/, "", pid)
			event(pid, $0); trapped[pid] = 1
		}
		/\(PID [0-9]+\) was terminated by signal/ && !/by signal 9:/ {
			pid = $0; sub(/.*\(PID /, "", pid); sub(/\).*/, "", pid)
			if (trapped[pid]) print "   " $0; else event(pid, $0)
			delete trapped[pid]
			if ((getline nxt) > 0 && index(nxt, "Failed process was running")) print "   " nxt
		}' "$1")
}
if [ -n "${HELIOS_PG_CONFIG:-}" ]; then
	echo "== TRAP and crashes in the server logs"
	report_traps "$DATA/server.log" main
	for log in "$WORK"/tap/tmp_check/log/*.log; do
		[ -f "$log" ] && report_traps "$log" "tap:$(basename "$log" .log)"
	done
fi

echo
[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES" && echo "logs kept in $WORK"
if [ "$FAILED" = 0 ]; then cleanup; trap - EXIT; rm -rf "$WORK"; fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
