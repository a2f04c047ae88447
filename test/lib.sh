# Shared by test/run_all.sh and the bench/ scripts: dependencies, build,
# and a throwaway cluster on 127.0.0.1.

HELIOS_PACKAGES="make gcc postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap libsimde-dev libtap-parser-sourcehandler-pgtap-perl libipc-run-perl"

helios_install_deps() {
	local missing="" p
	for p in $HELIOS_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing Debian packages:$missing (run as root to install them)" >&2
		return 1
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

helios_build_install() {
	# HELIOS_PG_CONFIG: another PostgreSQL 15 build (test/cassert.sh)
	local pgc=${HELIOS_PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
	make -C "$ROOT" -s PG_CONFIG=$pgc >"$ROOT/.build.log" 2>&1 || { cat "$ROOT/.build.log"; return 1; }
	grep -E "warning:" "$ROOT/.build.log"
	if [ -w "$($pgc --pkglibdir)" ]; then
		make -C "$ROOT" -s PG_CONFIG=$pgc install >/dev/null || return 1
	fi
}

helios_free_port() {
	local p
	for p in $(seq $((50000 + RANDOM % 5000)) 60000); do
		(exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return 0; }
	done
	return 1
}

# helios_start_cluster DATA PORT SOCKDIR [extra conf lines]
helios_start_cluster() {
	local data=$1 port=$2 sock=$3 extra=${4:-}
	as_user PATH="$PGBIN:$PATH" initdb -U postgres -A trust --no-sync -D "$data" >/dev/null || return 1
	cat >> "$data/postgresql.conf" <<CONF
shared_preload_libraries = 'helios'
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_prepared_transactions = 10
fsync = off
wal_level = replica
$extra
CONF
	as_user PATH="$PGBIN:$PATH" pg_ctl -D "$data" -l "$data/server.log" -w start >/dev/null || { cat "$data/server.log"; return 1; }
}

# helios_pg_source VERSION CACHE: unpack Debian's postgresql-15=VERSION
# source into CACHE with apt-get source (as root), adding a deb-src entry
# for bookworm when the machine has none.  Used by test/pg_suites.sh and
# test/cassert.sh; fails when the archive does not carry VERSION.
helios_pg_source() {
	local version=$1 cache=$2
	[ "$(id -u)" = 0 ] || return 1
	if [ -z "${HELIOS_APT_READY:-}" ]; then
		if ! grep -Eqrs '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
			cat > /etc/apt/sources.list.d/debian-src.sources <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
SOURCES
		fi
		apt-get update -qq || return 1
		dpkg-query -W -f='${Status}' dpkg-dev 2>/dev/null | grep -q "install ok installed" ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >/dev/null || return 1
		HELIOS_APT_READY=1
	fi
	mkdir -p "$cache" && (cd "$cache" && apt-get source -qq "postgresql-15=$version" >/dev/null 2>&1)
}
