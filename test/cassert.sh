#!/usr/bin/env bash
# Runs `make test` (test/run_all.sh) against an assert-enabled PostgreSQL 15
# build: --enable-cassert --enable-debug --enable-tap-tests, built once from
# Debian's postgresql-15 source into a cache prefix, with the contrib modules,
# the isolation tester and pgTAP the suites use.  helios is built from a
# snapshot of this tree in a temporary directory (the working tree's object
# files stay as they are) and installed into that prefix.  run_all.sh then
# reports every assertion failure (TRAP) and backend crash in the servers'
# logs, each with its test; this script adds a gdb backtrace for each core.
#
#   HELIOS_CASSERT_PREFIX  install prefix (/var/cache/helios/pg15-cassert)
#   HELIOS_CASSERT_CFLAGS  compiler flags of the PostgreSQL build (-Og ...)
#   HELIOS_SUITES, HELIOS_SPECS  as for run_all.sh
# Run as root (it installs build dependencies and runs the clusters as an
# unprivileged user).  Exit status is run_all.sh's.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PG_VERSION=15.18
DEB_VERSION=15.18-0+deb12u1
CACHE=/var/cache/helios
SRC=$CACHE/postgresql-15-$PG_VERSION
PREFIX=${HELIOS_CASSERT_PREFIX:-$CACHE/pg15-cassert}
BUILD=$PREFIX.build
CFLAGS_PG=${HELIOS_CASSERT_CFLAGS:--Og -g -fno-omit-frame-pointer}
# libdir must contain "postgres": Debian's 50-per-version-dirs patch
# otherwise installs the server modules into /usr/lib/postgresql/15/lib
CONFIGURE_OPTS="--prefix=$PREFIX --libdir=$PREFIX/lib/postgresql --enable-cassert --enable-debug --enable-tap-tests --with-icu"
# the contrib modules the suites create (sql/, test/)
CONTRIB="amcheck pageinspect pg_visibility pgstattuple btree_gist pg_walinspect"
STAMP=$PREFIX/.helios-cassert-stamp
STAMP_TEXT="postgresql $DEB_VERSION | $CONFIGURE_OPTS | CFLAGS=$CFLAGS_PG | contrib: $CONTRIB"
BUILD_DEPS="build-essential bison flex libreadline-dev zlib1g-dev libicu-dev pkg-config libipc-run-perl dpkg-dev gdb postgresql-15-pgtap"

log() { echo "cassert: $*"; }
. "$ROOT/test/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "test/cassert.sh runs as root (build dependencies, cache in $CACHE)" >&2
	exit 1
fi

install_missing() {
	local missing="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "installing$missing"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

fetch_source() {
	[ -f "$SRC/configure" ] && return 0
	helios_pg_source "$DEB_VERSION" "$CACHE"
	[ -f "$SRC/configure" ] || { echo "apt-get source did not unpack $SRC" >&2; exit 1; }
}

build_postgres() {
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] && [ -x "$PREFIX/bin/postgres" ]; then
		log "PostgreSQL $PG_VERSION (cassert) already built in $PREFIX"
		return 0
	fi
	local t0=$SECONDS
	log "building PostgreSQL $PG_VERSION with assertions into $PREFIX (log: $BUILD/build.log)"
	# never wipe a prefix this script did not build
	if [ -d "$PREFIX" ] && [ ! -f "$STAMP" ] && [ -n "$(ls -A "$PREFIX")" ]; then
		echo "$PREFIX exists and was not built by test/cassert.sh; not touching it" >&2
		exit 1
	fi
	rm -rf "$BUILD" "$PREFIX"
	mkdir -p "$BUILD"
	(
		set -e
		cd "$BUILD"
		# a VPATH build: the unpacked source stays as apt-get source left it
		"$SRC/configure" $CONFIGURE_OPTS CFLAGS="$CFLAGS_PG"
		make -j2
		make install
		for m in $CONTRIB; do make -C "contrib/$m" -j2 install; done
		# pg_isolation_regress and isolationtester, into pgxs as Debian does
		make -C src/test/isolation -j2 install
	) > "$BUILD/build.log" 2>&1 || { tail -40 "$BUILD/build.log"; log "PostgreSQL build failed"; exit 1; }
	echo "$STAMP_TEXT" > "$STAMP"
	log "PostgreSQL built in $((SECONDS - t0)) s"
}

# pgTAP is SQL only: Debian's files, copied into the prefix
install_pgtap() {
	local ext
	ext=$("$PREFIX/bin/pg_config" --sharedir)/extension
	cp /usr/share/postgresql/15/extension/pgtap* "$ext/"
}

install_missing $BUILD_DEPS
fetch_source
build_postgres
install_pgtap

# helios from a snapshot of the tree: another build in $ROOT is not disturbed
SNAP=$(mktemp -d /tmp/helios-cassert.XXXXXX)
trap 'rm -rf "$SNAP"' EXIT
tar -C "$ROOT" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
	--exclude='*.bc.tmp' --exclude=.build.log -cf - . | tar -C "$SNAP" -xf -

# cores of crashed backends land in their data directory, one per pid:
# runuser's pam_limits would reset the test user's core limit to 0
LIMITS=/etc/security/limits.d/90-helios-cassert.conf
OLD_CORE_USES_PID=$(cat /proc/sys/kernel/core_uses_pid 2>/dev/null || echo "")
restore() {
	rm -f "$LIMITS"
	[ "$OLD_CORE_USES_PID" = 0 ] && { echo 0 > /proc/sys/kernel/core_uses_pid; } 2>/dev/null
	rm -rf "$SNAP"
}
trap restore EXIT
ulimit -c unlimited
echo "${HELIOS_TEST_USER:-helios_test} soft core unlimited" > "$LIMITS"
[ "$OLD_CORE_USES_PID" = 0 ] && { echo 1 > /proc/sys/kernel/core_uses_pid; } 2>/dev/null || true

T0=$SECONDS
set +e
HELIOS_PG_CONFIG="$PREFIX/bin/pg_config" bash "$SNAP/test/run_all.sh" 2>&1 | tee "$SNAP/run_all.out"
RC=${PIPESTATUS[0]}
set -e
log "test run took $((SECONDS - T0)) s"

# a backtrace for every core left in the kept logs
WORK=$(sed -n 's/^logs kept in //p' "$SNAP/run_all.out" | tail -1)
if [ -n "$WORK" ] && [ -d "$WORK" ]; then
	# a TAP test that bailed out after a crash leaves its other nodes running
	find "$WORK/tap" -name postmaster.pid 2>/dev/null | while read -r pidfile; do
		runuser -u "${HELIOS_TEST_USER:-helios_test}" -- "$PREFIX/bin/pg_ctl" \
			-D "$(dirname "$pidfile")" -m immediate stop >/dev/null 2>&1 || true
	done
	find "$WORK" -type f \( -name core -o -name 'core.[0-9]*' \) | sort | while read -r core; do
		echo
		echo "== backtrace: $core"
		gdb -batch -nx -q -ex 'set pagination off' -ex 'bt 40' "$PREFIX/bin/postgres" "$core" 2>/dev/null |
			grep -E '^#|^Core was generated|^Program terminated' | awk '!/^#/ || !seen[$1]++'
	done
fi
exit "$RC"
