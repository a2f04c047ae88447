# Differential test: two concurrent pgbench clients run the same random DML
# on a helios table and on its heap twin, under READ COMMITTED, REPEATABLE
# READ and SERIALIZABLE.  Afterwards the two tables must agree through every
# access path (sequential, index, index-only and bitmap scans).
#
# How the workload keeps the twins comparable:
#
# * Every change is ONE statement that modifies both tables (two
#   data-modifying CTEs), so under READ COMMITTED both halves run with the
#   same snapshot.  With one statement per table, a row that another
#   transaction commits between the two statements would be invisible to
#   the first and visible to the second, and the twins would legitimately
#   diverge.  EvalPlanQual and ON CONFLICT follow the newest committed
#   version, which is the same on both sides.
# * Each statement's RETURNING rows from the two tables are compared on the
#   spot (twin_check), so a divergence is reported by the statement that
#   causes it, not only at the end.
# * No deadlock is possible: a transaction touches keys in increasing order
#   (k1 <= k2 <= k3 < k3 + 2 < k4), and for each key the helios row before
#   the heap row; shared row locks are taken only on keys the transaction
#   does not touch again.  So the only errors left are serialization
#   failures (REPEATABLE READ / SERIALIZABLE), which pgbench retries
#   (--max-tries); every transaction must eventually succeed.
# * Under REPEATABLE READ a transaction can legitimately see two rows with
#   the same key (heap does too): the old version, deleted by a transaction
#   that committed after its snapshot, and its own re-insert.  So the rows
#   compared by twin_check are sorted by their whole text, not by key.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use HeliosTwins;
use IPC::Run;

my $TXNS = 1000;       # per client and isolation level
my $KEYS = 200;

my $node = PostgreSQL::Test::Cluster->new('diff');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
# keys stay btree: this test checks them with amcheck
helios.btree_routing = off
max_connections = 20
autovacuum_naptime = '1s'
log_min_messages = warning
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE EXTENSION amcheck;
});
$node->safe_psql('postgres', twin_check_sql());

# fingerprint of a table: every column of every row, in key order
sub fingerprint
{
	my ($tab, $where) = @_;
	return "SELECT count(*), md5(coalesce(string_agg(format('%s/%s/%s/%s/%s', k, a, md5(b), c, n), ',' ORDER BY k), '')) FROM $tab t WHERE $where";
}

# run one query with the given planner settings; check the plan uses $node
sub via
{
	my ($settings, $query, $plan_re, $label) = @_;
	my $plan = $node->safe_psql('postgres', "$settings EXPLAIN (COSTS OFF) $query");
	like($plan, $plan_re, "$label: plan uses the intended access path");
	return $node->safe_psql('postgres', "$settings $query");
}

sub compare_twins
{
	my ($h, $p, $label) = @_;
	my $expect = $node->safe_psql('postgres',
		'SET enable_indexscan = off; SET enable_bitmapscan = off; ' . fingerprint($p, 'true'));
	my $seq = 'SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;';
	my $idx = 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;';
	my $bmp = 'SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off;';
	is(via($seq, fingerprint($h, 'true'), qr/Seq Scan on $h/, "$label seq"),
		$expect, "$label: sequential scan of helios equals heap");
	is(via($idx, fingerprint($h, 'k > -1'), qr/Index Scan using ${h}_pkey/, "$label pk"),
		$expect, "$label: primary key index scan of helios equals heap");
	is(via($idx, fingerprint($h, 'a > -1000000000'), qr/Index Scan using ${h}_a/, "$label a"),
		$expect, "$label: secondary index scan of helios equals heap");
	is(via($bmp, fingerprint($h, 'a > -1000000000'), qr/Bitmap Heap Scan on $h/, "$label bitmap"),
		$expect, "$label: bitmap scan of helios equals heap");
	my $keyq = "SELECT count(*), coalesce(sum(k), 0), md5(coalesce(string_agg(k::text, ',' ORDER BY k), '')) FROM %s WHERE k > -1";
	is(via('SET enable_seqscan = off; SET enable_bitmapscan = off;',
			sprintf($keyq, $h), qr/Index Only Scan using ${h}_pkey/, "$label index-only"),
		$node->safe_psql('postgres', sprintf($keyq, $p)),
		"$label: index-only scan of helios equals heap");
	# amcheck: every live helios row has its index entries, and the btrees are sane
	is($node->psql('postgres',
			"SELECT bt_index_check('${h}_a', true), bt_index_parent_check('${h}_pkey', true)"),
		0, "$label: amcheck finds the helios indexes consistent with the table");
}

# [label, isolation level, key range, clients, transactions per client,
# script].  The "hot rows" run makes the clients collide on the same few
# rows all the time (row lock waits, EvalPlanQual, ON CONFLICT retries,
# multixacts); the "one row" run has four clients upsert, update and delete
# a single row in autocommit mode, as fast as they can.
my @runs = (
	[ 'read committed', 'read committed', $KEYS, 2, $TXNS, 'mixed' ],
	[ 'read committed, hot rows', 'read committed', 4, 2, $TXNS, 'mixed' ],
	[ 'read committed, one row', 'read committed', 1, 4, 2500, 'one row' ],
	[ 'repeatable read', 'repeatable read', $KEYS, 2, $TXNS, 'mixed' ],
	[ 'serializable', 'serializable', $KEYS, 2, $TXNS, 'mixed' ]);
my $iso_n = 0;
for my $run (@runs)
{
	my ($label, $iso, $keys, $clients, $txns, $kind) = @$run;
	$iso_n++;
	my ($h, $p) = ("dh$iso_n", "dp$iso_n");
	$node->safe_psql('postgres', qq{
CREATE TABLE $h (k int PRIMARY KEY, a int, b text, c float8, n int) USING helios;
CREATE INDEX ${h}_a ON $h (a);
CREATE TABLE $p (k int PRIMARY KEY, a int, b text, c float8, n int) USING heap;
CREATE INDEX ${p}_a ON $p (a);
INSERT INTO $h SELECT i, i * 3, repeat('i', i % 40), i / 4.0, nullif(i % 5, 0)
	FROM generate_series(1, $keys + 40, 2) i;
INSERT INTO $p SELECT * FROM $h;
});

	# one statement changes both twins and compares what each half returned
	my $both = \&both_sql;
	my $script;
	if ($kind eq 'one row')
	{
		$script = "\\set op random(1, 10)\n\\set x random(1, 1000)\n\\if :op <= 6\n"
		  . $both->('upsert one row',
			map { "INSERT INTO $_ VALUES (1, :x, 'one', 0, :x) ON CONFLICT (k) DO UPDATE "
				. "SET c = $_.c + 1, n = excluded.n, a = CASE WHEN :op <= 2 THEN $_.a + 1 ELSE $_.a END "
				. "RETURNING *" } ($h, $p))
		  . "\\elif :op <= 8\n"
		  . $both->('update one row', map { "UPDATE $_ SET c = c + 1, b = b || :op WHERE k = 1 RETURNING *" } ($h, $p))
		  . "\\else\n"
		  . $both->('delete one row', map { "DELETE FROM $_ WHERE k = 1 RETURNING *" } ($h, $p))
		  . "\\endif\n";
	}
	else
	{
		$script = qq{\\set k1 random(1, $keys)
\\set k2 :k1 + random(0, 6)
\\set k3 :k2 + random(0, 6)
\\set k4 :k3 + 3 + random(0, 6)
\\set x random(1, 1000)
\\set d random(-20, 20)
\\set op random(1, 10)
\\set big random(1, 25)
BEGIN ISOLATION LEVEL $iso;
};
		# upsert k1: insert, or update in place (a changes only sometimes)
		$script .= $both->('upsert',
			map { "INSERT INTO $_ VALUES (:k1, :x, repeat('u', :x % 50), :x / 3.0, :d) "
				. "ON CONFLICT (k) DO UPDATE SET c = $_.c + 1, n = excluded.n, "
				. "a = CASE WHEN :op <= 3 THEN $_.a + :d ELSE $_.a END "
				. "WHERE :op <= 8 RETURNING *" } ($h, $p));
		# update k2 inside a subtransaction that is rolled back sometimes:
		# in-chain updates (b, c, n), indexed updates (a), TOASTed values
		$script .= "SAVEPOINT s1;\n";
		$script .= $both->('update',
			map { "UPDATE $_ SET c = c + 0.5, n = CASE WHEN :op % 2 = 0 THEN NULL ELSE :x END, "
				. "a = CASE WHEN :op >= 8 THEN a - :d ELSE a END, "
				. "b = CASE WHEN :big = 1 THEN (SELECT string_agg(md5(g::text || :x), '') FROM generate_series(1, 150) g) "
				. "WHEN :big = 2 THEN b || :op ELSE left(b, :x % 37) || :op END "
				. "WHERE k = :k2 RETURNING *" } ($h, $p));
		$script .= "\\if :op = 5\nROLLBACK TO SAVEPOINT s1;\n\\else\nRELEASE SAVEPOINT s1;\n\\endif\n";
		# row locks on a small range: exclusive, or shared (multixacts when both
		# clients share a row); the transaction touches no key of the range again
		$script .= "\\if :op <= 4\n";
		$script .= $both->('for share',
			map { "SELECT * FROM $_ WHERE k BETWEEN :k3 AND :k3 + 2 ORDER BY k FOR SHARE" } ($h, $p));
		$script .= "\\elif :op <= 6\n";
		$script .= $both->('for key share',
			map { "SELECT * FROM $_ WHERE k BETWEEN :k3 AND :k3 + 2 ORDER BY k FOR KEY SHARE" } ($h, $p));
		$script .= "\\else\n";
		$script .= $both->('for update',
			map { "SELECT * FROM $_ WHERE k BETWEEN :k3 AND :k3 + 2 ORDER BY k FOR NO KEY UPDATE" } ($h, $p));
		$script .= "\\endif\n";
		# delete k4, or update its indexed column
		$script .= "\\if :op >= 7\n";
		$script .= $both->('delete', map { "DELETE FROM $_ WHERE k = :k4 RETURNING *" } ($h, $p));
		$script .= "\\else\n";
		$script .= $both->('indexed update',
			map { "UPDATE $_ SET a = a + 1000 * :d WHERE k = :k4 RETURNING *" } ($h, $p));
		$script .= "\\endif\n";
		# what this transaction sees of both tables, read in one statement
		$script .= $both->('read',
			map { "SELECT * FROM $_ WHERE k BETWEEN :k1 AND :k4" } ($h, $p));
		$script .= "COMMIT;\n";
	}

	my $file = $node->basedir . "/dml$iso_n.sql";
	PostgreSQL::Test::Utils::append_to_file($file, $script);

	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run(
		[ 'pgbench', '-n', '-c', $clients, '-j', $clients, '-t', $txns, '--max-tries=1000',
		  '-f', $file, '-h', $node->host, '-p', $node->port, 'postgres' ],
		'>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	note("pgbench under $label:\n$out");
	ok($ok, "$label: pgbench exits with status 0") or diag("stderr:\n$err");
	my $total = $clients * $txns;
	like($out, qr{number of transactions actually processed: $total/$total\n},
		"$label: all $total transactions committed");
	like($out, qr{number of failed transactions: 0 }, "$label: no transaction failed");
	unlike($err, qr/aborted|twin mismatch|ERROR/, "$label: no client aborted")
		or diag($err);

	compare_twins($h, $p, $label);
	$node->safe_psql('postgres', "VACUUM $h; VACUUM $p");
	compare_twins($h, $p, "$label after VACUUM");
}

# no error other than the retryable ones, and PostgreSQL's own cancellation
# of an autovacuum worker whose lock a VACUUM of the test needs
my $log = slurp_file($node->logfile);
my @bad = grep { !/could not serialize access|canceling autovacuum task/ }
  ($log =~ /^.*(?:ERROR|FATAL|PANIC|TRAP).*$/mg);
is(scalar(@bad), 0, 'server log has no errors other than serialization failures')
	or diag(join("\n", @bad[0 .. ($#bad < 20 ? $#bad : 19)]));

ok($node->stop('fast', fail_ok => 1), 'server still running at the end');
done_testing();
