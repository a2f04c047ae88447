# helios_btree under WAL replay and crashes.
#
# Part 1: every helios_btree WAL record replays byte-identically, and a hot
# standby answers index queries as the primary does.  The primary runs with
# wal_consistency_checking = 'all', so the standby compares every page it
# rebuilds with the primary's image (a difference is a FATAL "inconsistent
# page found").  The workload grows three indexes on one helios table (one
# on an int column, a unique one, and a multi-column one with INCLUDE whose
# text keys are partly ~1 KB, so that it gets several levels deep through
# root splits) by inserts in scattered, ascending and descending order,
# then updates indexed columns, deletes, rolls back (the splits stay, the
# entries must not be seen), rolls back subtransactions, fails unique
# checks, vacuums, freezes and inserts into the vacuumed pages again.
# Then helios_btree_verify (with heapallindexed) accepts every index on
# the primary, every index path returns what a sequential scan returns, and
# the standby returns the same.
#
# Part 2: crash in the middle of splits.  Two pgbench clients insert keys
# in scattered order into a helios table with two helios_btree indexes
# (wide entries: leaves split every few inserts), and record each key in a
# heap table without index in the same transaction; one transaction in ten
# rolls back.  The server is killed twice while they run: first the
# postmaster and all its processes with SIGKILL (after a checkpoint in the
# middle of the workload), then one backend with SIGKILL, so that the
# postmaster resets the server.  After each crash recovery every recorded
# key must be found through each index (index scans forced), the counts
# through the indexes, through a sequential scan and in the heap table must
# agree, and helios_btree_verify(index, true) must pass.  The recovered
# indexes then take a clean run of the same workload.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use HeliosTwins;
use IPC::Run;
use Time::HiRes qw(usleep);

# --- part 1: replay on a standby, with consistency checks -----------------
my $primary = PostgreSQL::Test::Cluster->new('bt_primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
wal_consistency_checking = 'all'
autovacuum = off
# keep the WAL of the workload for pg_walinspect
max_wal_size = 1GB
wal_keep_size = 1GB
});
$primary->start;
$primary->safe_psql('postgres',
	'CREATE EXTENSION helios; CREATE EXTENSION pageinspect; CREATE EXTENSION pg_walinspect');
$primary->backup('b');

my $standby = PostgreSQL::Test::Cluster->new('bt_standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->append_conf('postgresql.conf', "hot_standby = on\n");
$standby->start;

my $start_lsn = $primary->lsn('insert');

# a text key: md5-like hex (pglz cannot compress it), ~1 KB for one row in 3
my $tkey = q{CASE WHEN i % 3 = 0 THEN (SELECT string_agg(md5(i::text || '/' || j), '') FROM generate_series(1, 31) j) ELSE md5(i::text) END};

run_sql($primary, 'workload', qq{
CREATE TABLE bt (id int, k int, t text, g int, pad text) USING helios;
CREATE INDEX bt_k ON bt USING helios_btree (k);
CREATE UNIQUE INDEX bt_id ON bt USING helios_btree (id);
CREATE INDEX bt_tg ON bt USING helios_btree (t, g) INCLUDE (pad);
-- scattered k and t, ascending id
INSERT INTO bt SELECT i, (i * 7919) % 10007, $tkey, i % 13, 'p' || i
	FROM generate_series(1, 1500) i;
-- descending id
INSERT INTO bt SELECT i, (i * 7919) % 10007, $tkey, i % 13, 'p' || i
	FROM generate_series(1501, 2500) i ORDER BY i DESC;
-- equal keys
INSERT INTO bt SELECT 3000 + i, 77, 'same', 1, 'q' || i FROM generate_series(1, 300) i;
UPDATE bt SET k = k + 20000 WHERE id % 5 = 0;
UPDATE bt SET t = t || 'x', g = g + 1 WHERE id % 7 = 0;
UPDATE bt SET id = id + 100000 WHERE id % 11 = 0;
UPDATE bt SET pad = pad || '+' WHERE id % 13 = 0;
DELETE FROM bt WHERE id % 4 = 0 AND id < 1200;
DELETE FROM bt WHERE id BETWEEN 3100 AND 3200;
-- rolled back: its splits stay, its entries and xmax stamps must not count
BEGIN;
INSERT INTO bt SELECT i, (i * 7919) % 10007, $tkey, i % 13, 'rb' || i
	FROM generate_series(5001, 5600) i;
UPDATE bt SET k = -k WHERE id % 6 = 1;
DELETE FROM bt WHERE id % 9 = 2;
ROLLBACK;
BEGIN;
SAVEPOINT a;
INSERT INTO bt SELECT i, i, $tkey, 0, 'sub' FROM generate_series(6001, 6300) i;
UPDATE bt SET k = k + 1 WHERE id < 300;
ROLLBACK TO a;
INSERT INTO bt SELECT i, i, $tkey, 0, 'kept' FROM generate_series(6301, 6400) i;
COMMIT;
-- failed unique checks leave entries of aborted subtransactions behind
DO \$\$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT id FROM bt WHERE id BETWEEN 1501 AND 1530 LOOP
		BEGIN
			INSERT INTO bt VALUES (r.id, -r.id, repeat('u', 900 + r.id % 50), 0, 'dup');
			RAISE EXCEPTION 'no unique violation for id %', r.id;
		EXCEPTION WHEN unique_violation THEN NULL;
		END;
	END LOOP;
END \$\$;
VACUUM bt;
-- into the vacuumed pages again
INSERT INTO bt SELECT i, (i * 7919) % 10007, $tkey, i % 13, 'again' || i
	FROM generate_series(4, 1196, 4) i;
DELETE FROM bt WHERE id BETWEEN 6301 AND 6350;
UPDATE bt SET k = k + 1 WHERE id % 17 = 0;
VACUUM FREEZE bt;
INSERT INTO bt SELECT i, i % 500, $tkey, 2, 'last' FROM generate_series(7001, 7300) i;
});

# the workload wrote every kind of helios_btree record, and splits that
# went up more than one level (one record with the images of every page)
my $kinds = $primary->safe_psql('postgres', qq{
SELECT string_agg(DISTINCT split_part(description, ' ', 1), ' ' ORDER BY split_part(description, ' ', 1))
FROM pg_get_wal_records_info('$start_lsn', pg_current_wal_flush_lsn())
WHERE resource_manager = 'helios' AND record_type = 'BTREE'});
for my $kind (qw(BTREE_INSERT BTREE_IMAGES BTREE_XMAX BTREE_VACUUM))
{
	like(" $kinds ", qr/ $kind /, "workload wrote $kind records");
}
my $pages = $primary->safe_psql('postgres', qq{
SELECT max(substring(description FROM 'BTREE_IMAGES pages ([0-9]+)')::int)
FROM pg_get_wal_records_info('$start_lsn', pg_current_wal_flush_lsn())
WHERE resource_manager = 'helios' AND record_type = 'BTREE'});
note("the largest split record has the images of $pages pages");
cmp_ok($pages, '>=', 7, 'a split went up through several levels in one record');

# the tree depth is in the metapage (after the page header: magic, version,
# root, level)
my $level = $primary->safe_psql('postgres',
	"SELECT get_byte(p, 36) + 256 * get_byte(p, 37) FROM get_raw_page('bt_tg', 0) p");
note("bt_tg has root level $level");
cmp_ok($level, '>=', 2, 'the text index grew through root splits');

for my $idx ('bt_k', 'bt_id', 'bt_tg')
{
	my ($ret, $out, $err) = $primary->psql('postgres',
		"SELECT helios.helios_btree_verify('$idx', true)");
	is($ret, 0, "helios_btree_verify accepts $idx") or diag($err);
}

# Every path: [label, planner settings, query, plan it must use]; the
# answers of each group must equal its sequential-scan answer.
my $noidx = 'SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;';
my $idx = 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;';
my $ios = 'SET enable_seqscan = off; SET enable_bitmapscan = off;';
my $rows = q{count(*) || ' ' || md5(coalesce(string_agg(format('%s/%s/%s/%s/%s', id, k, md5(t), g, pad), ',' ORDER BY id), ''))};
my $tgp = q{count(*) || ' ' || md5(coalesce(string_agg(format('%s/%s/%s', md5(t), g, pad), ',' ORDER BY t, g, pad), ''))};
my @groups = (
	[
		[ 'seq scan', $noidx, "SELECT $rows FROM bt", qr/Seq Scan/ ],
		[ 'bt_k index scan', $idx, "SELECT $rows FROM bt WHERE k > -100000", qr/Index Scan using bt_k/ ],
		[ 'bt_k backward index scan', $idx,
		  "SELECT $rows FROM (SELECT * FROM bt WHERE k > -100000 ORDER BY k DESC) s",
		  qr/Index Scan Backward using bt_k/ ],
		[ 'bt_id index scan', $idx, "SELECT $rows FROM bt WHERE id > 0", qr/Index Scan using bt_id/ ],
		[ 'bt_tg index scan', $idx, "SELECT $rows FROM bt WHERE t > ''", qr/Index Scan using bt_tg/ ],
	],
	[
		[ 'seq scan (t, g, pad)', $noidx, "SELECT $tgp FROM bt", qr/Seq Scan/ ],
		[ 'bt_tg index-only scan', $ios, "SELECT $tgp FROM bt WHERE t > ''",
		  qr/HeliosIndexOnlyScan\) on bt\s+Index: bt_tg\b/ ],
		[ 'bt_tg backward index-only scan', $ios,
		  "SELECT $tgp FROM (SELECT t, g, pad FROM bt WHERE t > '' ORDER BY t DESC, g DESC) s",
		  qr/HeliosIndexOnlyScan\) on bt\s+Index: bt_tg\s+Scan Direction: Backward/ ],
	],
	[
		[ 'seq scan (k range)', $noidx,
		  "SELECT string_agg(id::text, ',' ORDER BY id) FROM bt WHERE k BETWEEN 70 AND 300", qr/Seq Scan/ ],
		[ 'bt_k range', $idx,
		  "SELECT string_agg(id::text, ',' ORDER BY id) FROM bt WHERE k BETWEEN 70 AND 300",
		  qr/Index Scan using bt_k/ ],
	],
	[
		[ 'seq scan (~1 KB keys)', $noidx,
		  "SELECT string_agg(id::text, ',' ORDER BY id) FROM bt WHERE t IN (SELECT t FROM bt WHERE length(t) > 900 AND id % 10 = 3)",
		  qr/Seq Scan/ ],
		[ 'bt_tg lookups of ~1 KB keys', "$idx SET enable_hashjoin = off; SET enable_mergejoin = off;",
		  "SELECT string_agg(id::text, ',' ORDER BY id) FROM bt WHERE t IN (SELECT t FROM bt WHERE length(t) > 900 AND id % 10 = 3)",
		  qr/Index Scan using bt_tg/ ],
	]);

sub answers
{
	my ($node) = @_;
	return join("\n",
		map { my $g = $_; map { "$_->[0]: " . $node->safe_psql('postgres', "$_->[1] $_->[2]") } @$g } @groups);
}

for my $g (@groups)
{
	my $expect = $primary->safe_psql('postgres', "$g->[0][1] $g->[0][2]");
	for my $q (@$g)
	{
		my $plan = $primary->safe_psql('postgres', "$q->[1] EXPLAIN (COSTS OFF) $q->[2]");
		like($plan, $q->[3], "$q->[0]: plan") or diag($plan);
		is($primary->safe_psql('postgres', "$q->[1] $q->[2]"), $expect,
			"$q->[0]: same rows as a sequential scan");
	}
}

$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
is(answers($standby), answers($primary), 'hot standby answers every index query as the primary does');
check_replay_logs($standby);

$standby->stop('fast');
$primary->stop('fast');

# --- part 2: crashes in the middle of splits -------------------------------
my $node = PostgreSQL::Test::Cluster->new('bt_crash');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
restart_after_crash = on
# the workload runs a thousand transactions a second
log_statement = none
});
$node->start;
# keys: a bijection of a sequence (odd multiplier modulo 2^32), so they are
# unique and scattered; t sorts in another scattered order and is wide, ~1
# KB for one key in 50
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE EXTENSION pageinspect;
CREATE TABLE c (k bigint, t text, client int) USING helios;
CREATE UNIQUE INDEX c_k ON c USING helios_btree (k);
CREATE INDEX c_t ON c USING helios_btree (t);
CREATE TABLE c_log (k bigint, t text) USING heap;
CREATE SEQUENCE c_seq;
});

my $script = $node->basedir . '/insert.sql';
PostgreSQL::Test::Utils::append_to_file($script, q{\set r random(1, 10)
BEGIN;
WITH n AS (SELECT (nextval('c_seq') * 2654435761) % 4294967296 AS k FROM generate_series(1, 5)),
     ins AS (INSERT INTO c SELECT k, md5(k::text) || repeat(chr(65 + (k % 26)::int), CASE WHEN k % 50 = 0 THEN 1000 ELSE 150 + (k % 100)::int END), :client_id FROM n RETURNING k, t)
INSERT INTO c_log SELECT k, t FROM ins;
\if :r = 1
ROLLBACK;
\else
COMMIT;
\endif
});

sub check_recovered
{
	my ($label) = @_;
	my $nl = 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_hashjoin = off; SET enable_mergejoin = off;';
	my $logged = $node->safe_psql('postgres', 'SELECT count(*) FROM c_log');
	note("$label: $logged keys recorded as committed");
	for my $q (
		[ 'c_k', 'SELECT count(*) FROM c_log l WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.k = l.k)' ],
		[ 'c_t', 'SELECT count(*) FROM c_log l WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.t = l.t)' ])
	{
		my $plan = $node->safe_psql('postgres', "$nl EXPLAIN (COSTS OFF) $q->[1]");
		like($plan, qr/(Index (Only )?Scan using $q->[0]|HeliosIndexOnlyScan\) on \S+\s+Index: $q->[0]\b)/, "$label: lookups use $q->[0]")
		  or diag($plan);
		is($node->safe_psql('postgres', "$nl $q->[1]"), '0',
			"$label: every committed key is found through $q->[0]");
	}
	is($node->safe_psql('postgres',
			'SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off; SELECT count(*) FROM c'),
		$logged, "$label: a sequential scan counts the committed keys");
	is($node->safe_psql('postgres',
			'SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT count(*), count(DISTINCT k) FROM c WHERE k >= 0'),
		"$logged|$logged", "$label: c_k counts them, each once");
	is($node->safe_psql('postgres',
			"SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT count(*) FROM c WHERE t > ''"),
		$logged, "$label: c_t counts them");
	for my $idx ('c_k', 'c_t')
	{
		my ($ret, $out, $err) = $node->psql('postgres',
			"SELECT helios.helios_btree_verify('$idx', true)");
		is($ret, 0, "$label: helios_btree_verify accepts $idx") or diag($err);
	}
	note("$label: root level of c_k, c_t: " . $node->safe_psql('postgres',
		"SELECT string_agg((get_byte(p, 36) + 256 * get_byte(p, 37))::text, ', ' ORDER BY i) "
		  . "FROM unnest(ARRAY['c_k', 'c_t']) WITH ORDINALITY AS x(idx, i), get_raw_page(idx, 0) p"));
}

for my $round (1 .. 2)
{
	my ($out, $err) = ('', '');
	my $bench = do {
		local $ENV{PGAPPNAME} = 'helios_bt_insert';    # to find its backends
		IPC::Run::start(
			[ 'pgbench', '-n', '-c', '2', '-j', '2', '-T', '60', '-R', '1000', '-f', $script,
			  '-h', $node->host, '-p', $node->port, 'postgres' ],
			'>', \$out, '2>', \$err,
			IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	};
	sleep(2);
	$node->safe_psql('postgres', 'CHECKPOINT') if $round == 1;
	sleep(3);

	my $log_offset = -s $node->logfile;
	my $before = $node->safe_psql('postgres', 'SELECT count(*) FROM c_log');
	if ($round == 1)
	{
		# the whole server at once: the postmaster, then every process it
		# started
		my @pids = split /\n/, $node->safe_psql('postgres',
			'SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()');
		note('killing the postmaster and ' . scalar(@pids) . ' processes with SIGKILL');
		$node->kill9;
		kill('KILL', @pids);
		for (1 .. 10 * $PostgreSQL::Test::Utils::timeout_default)
		{
			last unless grep { kill(0, $_) } @pids;
			usleep(100_000);
		}
		$bench->finish;
		$node->start;
	}
	else
	{
		my $pid = $node->safe_psql('postgres',
			"SELECT pid FROM pg_stat_activity WHERE application_name = 'helios_bt_insert' ORDER BY pid LIMIT 1");
		ok($pid =~ /^\d+$/, 'round 2: found a pgbench backend to kill')
		  or do { $bench->finish; BAIL_OUT("pgbench is not running:\n$out\n$err"); };
		note("killing backend $pid with SIGKILL");
		kill('KILL', $pid);
		$node->wait_for_log(qr/all server processes terminated; reinitializing/, $log_offset);
		wait_accepting($node);
		$bench->finish;
	}
	ok($node->poll_query_until('postgres', 'SELECT NOT pg_is_in_recovery()'),
		"round $round: server is back after the crash");
	ok($node->log_contains('database system was not properly shut down; automatic recovery in progress', $log_offset),
		"round $round: crash recovery ran");
	ok($before > 2000, "round $round: the workload was running when the server crashed ($before keys)")
	  or diag("stdout:\n$out\nstderr:\n$err");
	# the clients lose their connections; no statement may have failed
	unlike($err, qr/ERROR:/, "round $round: no insert failed before the crash")
	  or diag($err);

	check_recovered("round $round");
}

# the recovered indexes take new work
my ($out, $err) = ('', '');
IPC::Run::run(
	[ 'pgbench', '-n', '-c', '2', '-j', '2', '-t', '300', '-f', $script,
	  '-h', $node->host, '-p', $node->port, 'postgres' ],
	'>', \$out, '2>', \$err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
like($out, qr{number of transactions actually processed: 600/600}, 'inserts after recovery: all transactions succeed')
  or diag("stdout:\n$out\nstderr:\n$err");
$node->safe_psql('postgres', 'VACUUM c');
check_recovered('after more inserts and VACUUM');
unlike(slurp_file($node->logfile), qr/PANIC|TRAP:|index .* is corrupted/, 'no PANIC or corruption report in the server log');

ok($node->stop('fast', fail_ok => 1), 'server still running at the end');
done_testing();
