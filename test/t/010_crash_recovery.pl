# Crash safety: crash the server in the middle of a concurrent mixed DML
# workload and check what recovery rebuilds.
#
# Two pgbench clients run transactions that make the same change to a
# helios table (hx) and to its heap twin (px), in one statement each, so
# after recovery the two tables must hold exactly the same rows: every
# transaction that committed is in both, every one that did not is in
# neither.  At crash time there are also prepared transactions (they must
# survive with their row locks, then COMMIT PREPARED / ROLLBACK PREPARED
# must work) and an open transaction (its changes must be gone).  Indexes are
# checked against the table after recovery (index and bitmap scans,
# amcheck).
#
# Round 1 kills one backend with SIGKILL (the postmaster then resets the
# whole server and runs crash recovery); round 2 is an immediate shutdown.
# A CHECKPOINT during the workload makes recovery start in the middle of
# it (full-page images, twophase state files written by the checkpoint).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use HeliosTwins;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
# keys stay btree: this test checks them with amcheck
helios.btree_routing = off
max_prepared_transactions = 5
restart_after_crash = on
autovacuum_naptime = '1s'
autovacuum_vacuum_threshold = 100
autovacuum_vacuum_scale_factor = 0.05
});
$node->start;

# keys: client c writes only keys (c + 1) * 10000 + 1 .. + 2009; the
# prepared and open transactions use 80001..80100; 90001..90010 are only
# share-locked (by both clients: multixacts)
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE EXTENSION amcheck;
CREATE TABLE hx (k int PRIMARY KEY, g int, v bigint, t text) USING helios;
CREATE INDEX hx_g ON hx (g);
CREATE TABLE px (k int PRIMARY KEY, g int, v bigint, t text) USING heap;
CREATE INDEX px_g ON px (g);
INSERT INTO hx SELECT i, i % 50, i, repeat('s', i % 200)
	FROM generate_series(1, 2000, 2) c, LATERAL (VALUES (10000 + c), (20000 + c)) AS x(i);
INSERT INTO hx SELECT i, i % 50, i, 'reserved' FROM generate_series(80001, 80100) i;
INSERT INTO hx SELECT i, i % 50, i, 'shared' FROM generate_series(90001, 90010) i;
INSERT INTO px SELECT * FROM hx;
});
$node->safe_psql('postgres', twin_check_sql());

# one statement changes both twins; what the two halves return must agree
sub both
{
	my ($what, $hsql) = @_;
	(my $psql = $hsql) =~ s/\bhx\b/px/g;
	return both_sql($what, $hsql, $psql);
}
my $script = $node->basedir . '/dml.sql';
PostgreSQL::Test::Utils::append_to_file($script,
	  "\\set base (:client_id + 1) * 10000\n"
	. "\\set k1 :base + random(1, 2000)\n"
	. "\\set k2 :base + random(1, 2000)\n"
	. "\\set k3 :base + random(1, 2000)\n"
	. "\\set x random(1, 100000)\n"
	. "\\set op random(1, 10)\n"
	. "\\set big random(1, 30)\n"
	. "BEGIN;\n"
	. both('upsert', "INSERT INTO hx VALUES (:k1, :k1 % 50, :x, repeat('n', :x % 300)) "
		. "ON CONFLICT (k) DO UPDATE SET v = hx.v + 1, t = excluded.t RETURNING *")
	. "SAVEPOINT s;\n"
	. both('update', "UPDATE hx SET v = v + :x, g = CASE WHEN :op <= 3 THEN g + 1 ELSE g END, "
		. "t = CASE WHEN :big = 1 THEN (SELECT string_agg(md5(i::text || :x), '') FROM generate_series(1, 150) i) "
		. "ELSE left(t, 50) || :op END WHERE k = :k2 RETURNING *")
	. "\\if :op = 4\nROLLBACK TO SAVEPOINT s;\n\\else\nRELEASE SAVEPOINT s;\n\\endif\n"
	. "\\if :op >= 8\n"
	. both('delete', "DELETE FROM hx WHERE k = :k3 RETURNING *")
	. "\\elif :op = 5\n"
	. both('multi insert', "INSERT INTO hx SELECT i, i % 50, :x, 'multi' FROM generate_series(:k3, :k3 + 9) i "
		. "ON CONFLICT (k) DO NOTHING RETURNING *")
	. "\\elif :op = 6\n"
	. both('key share', "SELECT * FROM hx WHERE k BETWEEN 90001 AND 90010 FOR KEY SHARE")
	. "\\endif\n"
	. "COMMIT;\n");

# every column of every row, in key order
sub fingerprint
{
	my ($tab, $where) = @_;
	return "SELECT count(*), count(DISTINCT k), md5(coalesce(string_agg(format('%s/%s/%s/%s', k, g, v, md5(t)), ',' ORDER BY k), '')) FROM $tab WHERE $where";
}

sub check_twins
{
	my ($label) = @_;
	my $expect = $node->safe_psql('postgres', fingerprint('px', 'true'));
	is($node->safe_psql('postgres', 'SET enable_indexscan = off; SET enable_bitmapscan = off; ' . fingerprint('hx', 'true')),
		$expect, "$label: helios table equals its heap twin (sequential scan)");
	is($node->safe_psql('postgres', 'SET enable_seqscan = off; SET enable_bitmapscan = off; ' . fingerprint('hx', 'k > -1000000')),
		$expect, "$label: primary key index scan agrees");
	is($node->safe_psql('postgres', 'SET enable_seqscan = off; SET enable_bitmapscan = off; ' . fingerprint('hx', 'g > -1000000')),
		$expect, "$label: secondary index scan agrees");
	is($node->safe_psql('postgres', 'SET enable_seqscan = off; SET enable_indexscan = off; ' . fingerprint('hx', 'g > -1000000')),
		$expect, "$label: bitmap scan agrees");
	# (bt_index_check: the parent check's ShareLock would wait for the
	# prepared transactions)
	my ($ret, $out, $err) = $node->psql('postgres',
		"SELECT bt_index_check('hx_g', true), bt_index_check('hx_pkey', true)");
	is($ret, 0, "$label: amcheck finds the helios indexes consistent with the table")
	  or diag($err);
}

# the uncommitted and prepared changes, looked for in both tables
sub changes
{
	my ($tab, $round) = @_;
	return $node->safe_psql('postgres', qq{
SELECT (SELECT count(*) FROM $tab WHERE k = -$round) || ',' ||
       (SELECT v FROM $tab WHERE k = 80000 + $round) || ',' ||
       (SELECT count(*) FROM $tab WHERE k = 80010 + $round) || ',' ||
       (SELECT count(*) FROM $tab WHERE k = -100 - $round) || ',' ||
       (SELECT v FROM $tab WHERE k = 80030 + $round) || ',' ||
       (SELECT count(*) FROM $tab WHERE k = 80040 + $round) || ',' ||
       (SELECT count(*) FROM $tab WHERE k = -200 - $round) || ',' ||
       (SELECT v FROM $tab WHERE k = 80050 + $round)});
}

# a transaction that changes rows of both tables and is prepared as $gid
sub prepare_xact
{
	my ($gid, $round, $insk, $updk, $delk, $lockk) = @_;
	$node->safe_psql('postgres', qq{
BEGIN;
INSERT INTO hx VALUES ($insk, 1, 1, '$gid'); INSERT INTO px VALUES ($insk, 1, 1, '$gid');
UPDATE hx SET v = v + 1000000 WHERE k = $updk; UPDATE px SET v = v + 1000000 WHERE k = $updk;
DELETE FROM hx WHERE k = $delk; DELETE FROM px WHERE k = $delk;
SELECT k FROM hx WHERE k = $lockk FOR UPDATE; SELECT k FROM px WHERE k = $lockk FOR UPDATE;
PREPARE TRANSACTION '$gid';
});
}

for my $round (1 .. 2)
{
	my $before = changes('px', $round);
	my ($out, $err) = ('', '');
	my $bench = do {
		local $ENV{PGAPPNAME} = 'helios_dml';    # to find its backends
		IPC::Run::start(
			[ 'pgbench', '-n', '-c', '2', '-j', '2', '-T', '120', '-f', $script,
			  '-h', $node->host, '-p', $node->port, 'postgres' ],
			'>', \$out, '2>', \$err,
			IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	};

	sleep(3);
	# round 1 writes the prepared transactions' state files at the
	# checkpoint; round 2 prepares them after it (state only in WAL)
	prepare_xact("keep$round", $round, -$round, 80000 + $round, 80010 + $round, 80020 + $round)
	  if $round == 1;
	$node->safe_psql('postgres', 'CHECKPOINT');
	prepare_xact("keep$round", $round, -$round, 80000 + $round, 80010 + $round, 80020 + $round)
	  if $round == 2;
	prepare_xact("drop$round", $round, -200 - $round, 80050 + $round, 80060 + $round, 80070 + $round);

	# an open transaction with uncommitted changes
	my $open = $node->background_psql('postgres', on_error_stop => 0);
	$open->query_safe('BEGIN');
	$open->query_safe(qq{INSERT INTO hx VALUES (-100 - $round, 1, 1, 'open'); INSERT INTO px VALUES (-100 - $round, 1, 1, 'open')});
	$open->query_safe(qq{UPDATE hx SET v = v + 1000000 WHERE k = 80030 + $round; UPDATE px SET v = v + 1000000 WHERE k = 80030 + $round});
	$open->query_safe(qq{DELETE FROM hx WHERE k = 80040 + $round; DELETE FROM px WHERE k = 80040 + $round});

	sleep(4);
	my $log_offset = -s $node->logfile;
	if ($round == 1)
	{
		my $pid = $node->safe_psql('postgres',
			"SELECT pid FROM pg_stat_activity WHERE application_name = 'helios_dml' ORDER BY pid LIMIT 1");
		ok($pid =~ /^\d+$/, 'round 1: found a pgbench backend to kill')
		  or do { $bench->finish; BAIL_OUT("pgbench is not running:\n$out\n$err"); };
		note("killing backend $pid with SIGKILL");
		kill('KILL', $pid);
		# the postmaster resets the server and runs crash recovery
		$node->wait_for_log(qr/all server processes terminated; reinitializing/, $log_offset);
		# poll_query_until writes its query to psql's stdin, which breaks
		# (EPIPE) when psql exits at once on "not yet accepting
		# connections": wait for connections with pg_isready first
		wait_accepting($node);
		ok($node->poll_query_until('postgres', 'SELECT NOT pg_is_in_recovery()'),
			'round 1: server is back after the crash');
		ok($node->log_contains("server process \\(PID $pid\\) was terminated by signal 9", $log_offset),
			'round 1: the postmaster saw the backend killed');
	}
	else
	{
		$node->stop('immediate');
		$node->start;
	}
	$bench->finish;
	eval { $open->quit; };
	note("pgbench before the crash:\n$out");
	my ($done) = $out =~ /number of transactions actually processed: (\d+)/;
	ok(defined($done) && $done > 50, "round $round: the workload was running when the server crashed")
	  or diag("stdout:\n$out\nstderr:\n$err");
	unlike($err, qr/ERROR:/, "round $round: no workload transaction failed before the crash")
	  or diag($err);
	ok($node->log_contains('database system was not properly shut down; automatic recovery in progress', $log_offset),
		"round $round: crash recovery ran");

	check_twins("round $round after recovery");

	# prepared transactions survived, still invisible, still holding locks
	is($node->safe_psql('postgres', "SELECT string_agg(gid, ',' ORDER BY gid) FROM pg_prepared_xacts"),
		"drop$round,keep$round", "round $round: prepared transactions survive the crash");
	is(changes('hx', $round), $before, "round $round: helios shows no prepared or uncommitted change");
	is(changes('px', $round), $before, "round $round: heap shows no prepared or uncommitted change");
	for my $k (80000 + $round, 80010 + $round, 80020 + $round)
	{
		my ($ret, $o, $e) = $node->psql('postgres',
			"SET lock_timeout = '100ms'; UPDATE hx SET t = 'blocked' WHERE k = $k");
		like($e, qr/lock timeout/, "round $round: helios row $k is still locked by the prepared transaction");
	}

	$node->safe_psql('postgres', "COMMIT PREPARED 'keep$round'");
	$node->safe_psql('postgres', "ROLLBACK PREPARED 'drop$round'");
	my @exp = split(/,/, $before);
	$exp[0] = 1;                 # inserted
	$exp[1] += 1000000;          # updated
	$exp[2] = 0;                 # deleted
	is(changes('hx', $round), join(',', @exp), "round $round: COMMIT PREPARED after restart applies the changes to helios");
	is(changes('px', $round), join(',', @exp), "round $round: and to heap");
	check_twins("round $round after COMMIT PREPARED");
}

# the recovered tables take new work: a short clean run must fully succeed
my ($out, $err) = ('', '');
IPC::Run::run(
	[ 'pgbench', '-n', '-c', '2', '-j', '2', '-t', '300', '-f', $script,
	  '-h', $node->host, '-p', $node->port, 'postgres' ],
	'>', \$out, '2>', \$err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
like($out, qr{number of transactions actually processed: 600/600}, 'DML after recovery: all transactions commit')
  or diag("stdout:\n$out\nstderr:\n$err");
$node->safe_psql('postgres', 'VACUUM hx; VACUUM px');
check_twins('after more DML and VACUUM');
my ($ret, $o, $e) = $node->psql('postgres',
	"SELECT bt_index_parent_check('hx_g', true), bt_index_parent_check('hx_pkey', true)");
is($ret, 0, 'amcheck parent check of the helios indexes') or diag($e);

ok($node->stop('fast', fail_ok => 1), 'server still running at the end');
done_testing();
