#!/usr/bin/env bash
# Runs PostgreSQL 15's own regression (src/test/regress, parallel_schedule)
# and isolation (src/test/isolation, isolation_schedule) suites twice on one
# throwaway cluster: once with heap as the default table access method, once
# with helios, and compares helios's results files with heap's (not with
# the expected/ files, so that the local environment cancels out).
#
#   bash test/pg_suites.sh [--routing=off|on] [--suites=regress,isolation]
#                          [--regress-tests="t1 t2"] [--isolation-tests="s1"]
#                          [--out=DIR] [--no-build] [--compare-only]
#
# --regress-tests / --isolation-tests run those tests instead of the
# schedules (alone, only that suite runs); --compare-only classifies the
# results already in --out=DIR again.
#
# Each differing test is classified as
#   crash      the server log shows a backend terminated by a signal while
#              running it, or its output shows the connection was lost;
#   order      the outputs differ only in the order of rows within a result
#              set, or in ctid values (accepted);
#   other      any other difference; its diff is kept under DIR/diffs.
# The exit status is 1 when any helios test crashed, 2 when the suites
# could not run, 3 when a test differs ("other") that docs/pg-suites.md
# does not explain (known_other below lists those it does), 0 otherwise.
#
# Environment: HELIOS_PG_SRC_CACHE (/var/cache/helios) holds the PostgreSQL
# source, fetched with `apt-get source` when missing, and the regress.so
# built from it; HELIOS_PG_REGRESS_TESTS / HELIOS_PG_ISOLATION_TESTS select
# a subset of tests (regress runs test_setup first); HELIOS_PG_OUT the output
# directory; HELIOS_PG_SUITE_TIMEOUT (3600) bounds each suite run, in seconds;
# HELIOS_TEST_USER (helios_test) the OS user that runs the cluster.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
PG_CONFIG=$PGBIN/pg_config
PGXS_DIR=/usr/lib/postgresql/15/lib/pgxs
PG_REGRESS=$PGXS_DIR/src/test/regress/pg_regress
PG_ISOLATION_REGRESS=$PGXS_DIR/src/test/isolation/pg_isolation_regress
TEST_USER=${HELIOS_TEST_USER:-helios_test}
CACHE=${HELIOS_PG_SRC_CACHE:-/var/cache/helios}
ROUTING=off
SUITES=regress,isolation
REGRESS_TESTS=${HELIOS_PG_REGRESS_TESTS:-}
ISOLATION_TESTS=${HELIOS_PG_ISOLATION_TESTS:-}
OUT=${HELIOS_PG_OUT:-}
SUITE_TIMEOUT=${HELIOS_PG_SUITE_TIMEOUT:-3600}
BUILD=1
COMPARE_ONLY=0

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
for arg in "$@"; do
	case $arg in
		--routing=on | --routing=off) ROUTING=${arg#--routing=} ;;
		--suites=*) SUITES=${arg#--suites=} SUITES_SET=1 ;;
		--regress-tests=*) REGRESS_TESTS=${arg#--regress-tests=} ;;
		--isolation-tests=*) ISOLATION_TESTS=${arg#--isolation-tests=} ;;
		--out=*) OUT=${arg#--out=} ;;
		--no-build) BUILD=0 ;;
		--compare-only) COMPARE_ONLY=1 ;;
		-h | --help) usage 0 ;;
		*) echo "unknown argument: $arg" >&2; usage 2 >&2 ;;
	esac
done
# a subset of one suite alone runs that suite only
if [ -z "${SUITES_SET:-}" ]; then
	[ -n "$REGRESS_TESTS" ] && [ -z "$ISOLATION_TESTS" ] && SUITES=regress
	[ -z "$REGRESS_TESTS" ] && [ -n "$ISOLATION_TESTS" ] && SUITES=isolation
fi
SUITES=" ${SUITES//,/ } "
want() { case $SUITES in *" $1 "*) return 0 ;; esac; return 1; }
die() { echo "pg_suites: $*" >&2; exit 2; }

. "$ROOT/test/lib.sh"

if [ "$(id -u)" = 0 ]; then
	RUN_USER=$TEST_USER
	id "$RUN_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$RUN_USER"
else
	RUN_USER=$(id -un)
fi
# clusters and clients run as RUN_USER, in a UTF-8 locale
as_user() {
	if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_USER" -- env LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"
	else env LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"; fi
}

# ---- dependencies, helios ------------------------------------------------
[ "$COMPARE_ONLY" = 1 ] && { [ -n "$OUT" ] && [ -d "$OUT" ] || die "--compare-only needs --out=DIR of an earlier run"; }
[ "$COMPARE_ONLY" = 1 ] || helios_install_deps || die "missing dependencies"
if [ "$BUILD" = 1 ] && [ "$COMPARE_ONLY" = 0 ]; then
	built=0
	for try in 1 2 3; do
		helios_build_install && { built=1; break; }
		echo "pg_suites: build failed (try $try), retrying in 60 s" >&2
		sleep 60
	done
	[ "$built" = 1 ] || die "helios does not build"
fi

# ---- PostgreSQL source and regress.so ------------------------------------
PKG_VERSION=$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null) || die "postgresql-15 is not installed"
srcdir_of() { echo "$CACHE/postgresql-15-${1%%-*}"; }
have_src() { [ -f "$1/src/test/regress/parallel_schedule" ]; }
# apt_source VERSION: Debian's source of VERSION into $CACHE
apt_source() { helios_pg_source "$1" "$CACHE" && have_src "$(srcdir_of "$1")"; }
# the source of the installed version; else (the archive may no longer
# carry it) a cached or fetchable source of another 15.x release, whose
# tests are compatible: both runs use the same tests on the same server
SRC=$(srcdir_of "$PKG_VERSION")
# (a failed fetch is remembered in $CACHE, so that it is not tried each run)
NO_SRC_MARK=$CACHE/.no-source-postgresql-15-$PKG_VERSION
if ! have_src "$SRC" && { [ -e "$NO_SRC_MARK" ] || ! apt_source "$PKG_VERSION"; }; then
	[ "$(id -u)" = 0 ] && mkdir -p "$CACHE" && touch "$NO_SRC_MARK"
	SRC=$(ls -d "$CACHE"/postgresql-15-15.* 2>/dev/null | sort -V | tail -1)
	if [ -z "$SRC" ] || ! have_src "$SRC"; then
		SRC=
		for v in $(apt-cache showsrc postgresql-15 2>/dev/null | sed -n 's/^Version: //p' | sort -rV); do
			apt_source "$v" && { SRC=$(srcdir_of "$v"); break; }
		done
	fi
	[ -n "$SRC" ] || die "no PostgreSQL 15 source in $CACHE and apt-get source failed"
	echo "pg_suites: the server is $PKG_VERSION; using the tests of $(basename "$SRC")" >&2
fi
PG_VERSION=${SRC##*-}
# regress.so, autoinc.so and refint.so in one directory (pg_regress --dlpath)
LIBDIR=$CACHE/regress-lib-$PG_VERSION
if [ ! -f "$LIBDIR/regress.so" ] || [ "$SRC/src/test/regress/regress.c" -nt "$LIBDIR/regress.so" ]; then
	mkdir -p "$LIBDIR" || die "cannot create $LIBDIR"
	cp "$SRC/src/test/regress/regress.c" "$LIBDIR/"
	printf 'MODULES = regress\nPG_CONFIG = %s\nPGXS := $(shell $(PG_CONFIG) --pgxs)\ninclude $(PGXS)\n' \
		"$PG_CONFIG" > "$LIBDIR/Makefile"
	make -C "$LIBDIR" -s with_llvm=no >"$LIBDIR/build.log" 2>&1 || { cat "$LIBDIR/build.log"; die "regress.so does not build"; }
fi
# the cluster's user reads the tests and loads regress.so
if [ "$(id -u)" = 0 ]; then
	chmod a+rx "$CACHE" "$SRC" "$SRC/src" "$SRC/src/test"
	chmod -R a+rX "$SRC/src/test/regress" "$SRC/src/test/isolation" "$LIBDIR"
fi
PKGLIB=$($PG_CONFIG --pkglibdir)
for lib in autoinc refint; do
	[ -e "$LIBDIR/$lib.so" ] || ln -s "$PKGLIB/$lib.so" "$LIBDIR/$lib.so"
done

# ---- output directory and cluster ----------------------------------------
if [ "$COMPARE_ONLY" = 1 ]; then
	OUT=$(cd "$OUT" && pwd)
	ROUTING=$(cat "$OUT/routing" 2>/dev/null || echo "$ROUTING")
elif [ -z "$OUT" ]; then OUT=$(mktemp -d /tmp/helios-pg-suites.XXXXXX); else mkdir -p "$OUT"; fi
OUT=$(cd "$OUT" && pwd)
chown "$RUN_USER" "$OUT" 2>/dev/null
chmod 755 "$OUT"
[ "$COMPARE_ONLY" = 1 ] || echo "$ROUTING" > "$OUT/routing"
start_cluster() {
	PORT=$(helios_free_port) || die "no free port"
	DATA=$OUT/data
	SERVER_LOG=$DATA/server.log
	helios_start_cluster "$DATA" "$PORT" "$OUT" "log_connections = on
log_line_prefix = '%m [%p] '
max_connections = 100" || die "the cluster does not start"
	trap cleanup EXIT
	export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
}
cleanup() {
	as_user PATH="$PGBIN:$PATH" pg_ctl -D "$DATA" -m fast stop >/dev/null 2>&1
	[ -f "$SERVER_LOG" ] && cp "$SERVER_LOG" "$OUT/server.log"
	rm -rf "$DATA"
}
psql_as() { as_user PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# template0 plus helios: the databases of both runs are made from it, so
# that helios's objects have the same OIDs in both
prepare_template() {
	psql_as -d postgres -c "CREATE DATABASE helios_pg_suites TEMPLATE=template0" >/dev/null &&
		psql_as -d helios_pg_suites -c "CREATE EXTENSION helios" >/dev/null &&
		psql_as -d postgres -c "ALTER DATABASE helios_pg_suites WITH IS_TEMPLATE true ALLOW_CONNECTIONS false" >/dev/null
}

# prepare_db DB AM: what pg_regress's create_database does (from the
# template above), and the default table access method of this run
prepare_db() {
	local db=$1 am=$2
	psql_as -d postgres >/dev/null <<SQL || return 1
SET client_min_messages = warning;
DROP DATABASE IF EXISTS "$db";
CREATE DATABASE "$db" TEMPLATE=helios_pg_suites;
ALTER DATABASE "$db" SET lc_messages TO 'C';
ALTER DATABASE "$db" SET lc_monetary TO 'C';
ALTER DATABASE "$db" SET lc_numeric TO 'C';
ALTER DATABASE "$db" SET lc_time TO 'C';
ALTER DATABASE "$db" SET bytea_output TO 'hex';
ALTER DATABASE "$db" SET timezone_abbreviations TO 'Default';
SQL
	psql_as -d postgres >/dev/null <<SQL
SET client_min_messages = warning;
ALTER DATABASE "$db" SET default_table_access_method = $am;
ALTER DATABASE "$db" SET helios.btree_routing = $ROUTING;
SQL
}

# crash_report LOGSEGMENT: "test<TAB>what" for each server process that a
# signal terminated, the test found from the process's connection line
crash_report() {
	perl -ne '
		if (/\[(\d+)\] LOG:  connection authorized: .* application_name=(\S+)/) { $app{$1} = $2; next }
		if (/LOG:  (.*) \(PID (\d+)\) (was terminated by (signal|exception).*|exited with exit code (?!1\b).*)/) {
			my ($who, $pid, $how) = ($1, $2, $3);
			my $test = $app{$pid} // "-";
			$test =~ s{^(pg_regress|isolation)/}{}; $test =~ s{/.*}{};
			$pending = "$test\t$who: $how"; print "$pending\n"; next;
		}
		if ($pending && /DETAIL:  Failed process was running: (.*)/) { print "\tquery: $1\n"; }
		$pending = "";
	' "$1"
}

# classify SUITE HEAPDIR HELIOSDIR DIFFDIR CRASHED TESTS...: one "test class"
# line each
classify() {
	local suite=$1 heap=$2 helios=$3 diffs=$4 crashed=$5; shift 5
	perl - "$suite" "$heap" "$helios" "$diffs" "$crashed" "$@" <<'PERL'
use strict; use warnings;
my ($suite, $heap, $helios, $diffs, $crashed, @tests) = @ARGV;
my $regress = $suite eq 'regress';
my %crashed = map { $_ => 1 } grep { length } split /\s+/, $crashed;
my $lost = qr/server closed the connection unexpectedly|connection to server was lost|terminating connection because of crash of another server process|no connection to the server/;
sub slurp { my $f = shift; open(my $h, '<', $f) or return undef; local $/; my $s = <$h>; close $h; return $s; }
sub tidnorm { my $l = shift; $l =~ s/\(\d+,\d+\)/(_,_)/g; $l =~ s/\s+/ /g; $l =~ s/^ | $//g; return $l; }
# result rows sorted within each result set (EXPLAIN plans excepted);
# with $tid, ctid values masked in result sets with a *tid* column and in
# lines that name ctid
sub canon {
	my ($text, $tid) = @_;
	my (@out, @rows, @notices, $in, $tidset, $prev);
	my $flush = sub { push @out, sort @rows; @rows = (); $in = 0; };
	$prev = '';
	for my $l (split /\n/, $text, -1) {
		# consecutive NOTICEs (one per row a function saw) in any order
		if ($l =~ /^(\S+: )?NOTICE:  /) { push @notices, $l; next; }
		if (@notices) { push @out, sort @notices; @notices = (); }
		if ($in) {
			if ($l eq '' || $l =~ /^\(\d+ rows?\)$/) { $flush->(); push @out, $l; $prev = $l; next; }
			if ($in == 2) { push @out, ($tidset ? tidnorm($l) : $l); } else { push @rows, ($tidset ? tidnorm($l) : $l); }
			next;
		}
		if ($l =~ /^-+(?:[+|]-+)*$/ && $prev ne '' && $prev !~ /^(step |starting permutation)/) {
			$tidset = $tid && $prev =~ /tid/i;
			$out[-1] = tidnorm($out[-1]) if $tidset && @out;
			push @out, ($tidset ? '-' : $l);
			$in = ($prev =~ /QUERY PLAN/) ? 2 : 1;
			$prev = $l; next;
		}
		push @out, (($tid && $l =~ /ctid/i) ? tidnorm($l) : $l);
		$prev = $l;
	}
	$flush->() if $in;
	push @out, sort @notices;
	return join("\n", @out);
}
# pg_regress output only (psql echoes each statement): the lines of each
# block between empty lines in any order, EXPLAIN output excepted
sub blocks {
	my $text = shift;
	return join("\n\n", map { /QUERY PLAN/ ? $_ : join("\n", sort split /\n/) } split /\n\n/, $text);
}
for my $t (@tests) {
	my $a = slurp("$heap/results/$t.out");
	my $b = slurp("$helios/results/$t.out");
	my $class;
	if ($crashed{$t} || (defined $b && $b =~ $lost && !(defined $a && $a =~ $lost))) { $class = 'crash'; }
	elsif (!defined $a || !defined $b) { $class = 'other'; }
	elsif ($a eq $b) { $class = 'identical'; }
	elsif (canon($a, 0) eq canon($b, 0) || canon($a, 1) eq canon($b, 1)) { $class = 'order'; }
	elsif ($regress && blocks(canon($a, 1)) eq blocks(canon($b, 1))) { $class = 'order'; }
	else { $class = 'other'; }
	if ($class ne 'identical') {
		my $dir = $class eq 'order' ? "$diffs/accepted" : $diffs;
		system('mkdir', '-p', $dir);
		system("diff -u '$heap/results/$t.out' '$helios/results/$t.out' > '$dir/$t.diff' 2>&1");
	}
	print "$t $class\n";
}
PERL
}

# tests of a schedule, in order
schedule_tests() { sed -n 's/^test: *//p' "$1" | tr ' ' '\n' | sed '/^$/d'; }

SUMMARY=$OUT/summary.txt
if [ "$COMPARE_ONLY" = 0 ]; then
	rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
	[ -n "$(git -C "$ROOT" status --porcelain -- src sql Makefile 2>/dev/null)" ] && rev="$rev+local changes"
	echo "helios $rev; PostgreSQL $PKG_VERSION with the tests of $(basename "$SRC")" > "$OUT/version.txt"
fi
cat "$OUT/version.txt" > "$SUMMARY" 2>/dev/null || : > "$SUMMARY"
CRASHES=0

# run_suite SUITE: heap, then helios, on a fresh database each; compare
run_suite() {
	local suite=$1 db driver inputdir sched tests am dir start end t0 t1 secs
	if [ "$suite" = regress ]; then
		db=regression driver=$PG_REGRESS inputdir=$SRC/src/test/regress
		sched=$inputdir/parallel_schedule tests=$REGRESS_TESTS
		if [ -n "$tests" ]; then
			case " $tests " in *" test_setup "*) ;; *) tests="test_setup $tests" ;; esac
		fi
	else
		db=isolation_regression driver=$PG_ISOLATION_REGRESS inputdir=$SRC/src/test/isolation
		sched=$inputdir/isolation_schedule tests=$ISOLATION_TESTS
	fi
	local list=${tests:-$(schedule_tests "$sched")}
	local run_args
	if [ -n "$tests" ]; then run_args=$tests; else run_args="--schedule=$sched"; fi
	t0=$(date +%s)
	mkdir -p "$OUT/$suite"
	if [ "$COMPARE_ONLY" = 1 ]; then
		list=$(cat "$OUT/$suite/tests.txt")
	else
		echo "$list" > "$OUT/$suite/tests.txt"
	fi
	for am in heap helios; do
		[ "$COMPARE_ONLY" = 1 ] && break
		dir=$OUT/$suite/$am
		mkdir -p "$dir" && chown "$RUN_USER" "$OUT/$suite" "$dir"
		prepare_db "$db" "$am" || die "cannot prepare database $db"
		start=$(stat -c %s "$SERVER_LOG")
		echo "== $suite, default_table_access_method = $am, helios.btree_routing = $ROUTING"
		# shellcheck disable=SC2086
		(cd "$dir" && as_user PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres \
			timeout -k 30 "$SUITE_TIMEOUT" "$driver" --inputdir="$inputdir" --outputdir="$dir" \
			--bindir="$PGBIN" --dlpath="$LIBDIR" --max-concurrent-tests=20 \
			--use-existing --dbname="$db" $run_args) > "$dir/run.log" 2>&1
		[ $? = 124 ] && echo "pg_suites: $suite/$am timed out after $SUITE_TIMEOUT s" | tee -a "$SUMMARY"
		grep -cE '\.\.\. (ok|FAILED|failed)' "$dir/run.log" | sed 's/^/   tests finished: /'
		end=$(stat -c %s "$SERVER_LOG")
		tail -c +$((start + 1)) "$SERVER_LOG" | head -c $((end - start)) > "$dir/server.log"
	done
	for am in heap helios; do
		crash_report "$OUT/$suite/$am/server.log" > "$OUT/$suite/$am/crashes.txt"
	done
	t1=$(date +%s); secs=$((t1 - t0))
	[ -s "$OUT/$suite/heap/crashes.txt" ] && { echo "server processes that crashed in the heap run:"; cat "$OUT/$suite/heap/crashes.txt"; } | tee -a "$SUMMARY"
	local crashed
	crashed=$(grep -v '^	' "$OUT/$suite/helios/crashes.txt" | cut -f1 | sort -u | tr '\n' ' ')
	# shellcheck disable=SC2086
	rm -rf "$OUT/diffs/$suite"
	classify "$suite" "$OUT/$suite/heap" "$OUT/$suite/helios" "$OUT/diffs/$suite" "$crashed" $list > "$OUT/$suite/classes.txt"
	local n ident order other crash t unexplained=""
	for t in $(grep ' other$' "$OUT/$suite/classes.txt" | cut -d' ' -f1); do
		case " $(echo $(known_other "$suite")) " in
			*" $t "*) ;;
			*) unexplained="$unexplained$t " ;;
		esac
	done
	[ -n "$unexplained" ] && UNEXPLAINED=1
	n=$(wc -l < "$OUT/$suite/classes.txt")
	ident=$(grep -c ' identical$' "$OUT/$suite/classes.txt")
	order=$(grep -c ' order$' "$OUT/$suite/classes.txt")
	other=$(grep -c ' other$' "$OUT/$suite/classes.txt")
	crash=$(grep -c ' crash$' "$OUT/$suite/classes.txt")
	CRASHES=$((CRASHES + crash))
	{
		echo "$suite (helios.btree_routing = $ROUTING): $n tests, $ident identical, $order order/ctid-only, $other other, $crash crashed  [${secs}s]"
		[ "$order" -gt 0 ] && echo "  order/ctid-only: $(grep ' order$' "$OUT/$suite/classes.txt" | cut -d' ' -f1 | tr '\n' ' ')"
		[ "$other" -gt 0 ] && echo "  other: $(grep ' other$' "$OUT/$suite/classes.txt" | cut -d' ' -f1 | tr '\n' ' ')"
		[ -n "$unexplained" ] && echo "  other, not explained in docs/pg-suites.md: $unexplained"
		[ "$crash" -gt 0 ] && echo "  crashed: $(grep ' crash$' "$OUT/$suite/classes.txt" | cut -d' ' -f1 | tr '\n' ' ')"
		[ -s "$OUT/$suite/helios/crashes.txt" ] && sed 's/^/    /' "$OUT/$suite/helios/crashes.txt"
	} >> "$SUMMARY"
}

# The tests whose differences docs/pg-suites.md explains, one reason each;
# any other "other" test fails the run.
known_other() {	# suite
	case "$1:$ROUTING" in
		regress:off) echo "brin create_index insert portals triggers update" ;;
		isolation:off) echo "eval-plan-qual multiple-row-versions" ;;
		regress:on) echo "aggregates alter_table brin cluster collate collate.icu.utf8 compression \
			constraints create_index create_table_like equivclass event_trigger fast_default \
			foreign_key generated incremental_sort index_including indexing inherit insert \
			insert_conflict interval join limit memoize plancache portals publication \
			replica_identity rowsecurity rowtypes rules select_parallel select_views stats \
			tablespace temp triggers truncate tuplesort typed_table union updatable_views \
			update vacuum vacuum_parallel" ;;
		isolation:on) echo "alter-table-1 alter-table-2 eval-plan-qual fk-contention fk-deadlock \
			fk-deadlock2 fk-snapshot horizons merge-join multiple-row-versions \
			propagate-lock-delete reindex-concurrently reindex-schema tuplelock-partition \
			update-locked-tuple" ;;
	esac
}
UNEXPLAINED=0

T0=$(date +%s)
[ "$COMPARE_ONLY" = 1 ] || { start_cluster; prepare_template || die "cannot create the template database"; }
want regress && run_suite regress
want isolation && run_suite isolation
echo
cat "$SUMMARY"
echo "wall time $(($(date +%s) - T0)) s; diffs in $OUT/diffs, results in $OUT/<suite>/<am>/results"
[ "$CRASHES" = 0 ] || exit 1
[ "$UNEXPLAINED" = 0 ] || exit 3
