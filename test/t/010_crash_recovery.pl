# Crash safety: kill -9 in the middle of a concurrent mixed DML workload,
# recover, and compare every helios table with a heap twin that received
# the same changes in the same transactions.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
max_prepared_transactions = 5
checkpoint_timeout = '30s'
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE TABLE hx (k int PRIMARY KEY, g int, v bigint, t text) USING helios;
CREATE INDEX hx_g ON hx (g);
CREATE TABLE px (k int PRIMARY KEY, g int, v bigint, t text) USING heap;
INSERT INTO hx SELECT i, i % 50, 0, repeat('s', i % 200) FROM generate_series(1, 3000) i;
INSERT INTO px SELECT * FROM hx;
});

# each transaction applies the same change to both tables
my $script = $node->basedir . '/dml.sql';
PostgreSQL::Test::Utils::append_to_file($script, q{
\set k random(1, 4000)
\set d random(-1000, 1000)
\set op random(1, 10)
\set len random(0, 3000)
BEGIN;
SELECT CASE WHEN :op <= 5 THEN 'u' WHEN :op <= 7 THEN 'i' WHEN :op <= 8 THEN 'g' ELSE 'd' END AS w \gset
UPDATE hx SET v = v + :d WHERE k = :k AND :'w' = 'u';
UPDATE px SET v = v + :d WHERE k = :k AND :'w' = 'u';
INSERT INTO hx SELECT :k, :k % 50, :d, repeat('n', :len) WHERE :'w' = 'i' ON CONFLICT (k) DO UPDATE SET t = excluded.t, v = hx.v + 1;
INSERT INTO px SELECT :k, :k % 50, :d, repeat('n', :len) WHERE :'w' = 'i' ON CONFLICT (k) DO UPDATE SET t = excluded.t, v = px.v + 1;
UPDATE hx SET g = g + 1 WHERE k = :k AND :'w' = 'g';
UPDATE px SET g = g + 1 WHERE k = :k AND :'w' = 'g';
DELETE FROM hx WHERE k = :k AND :'w' = 'd';
DELETE FROM px WHERE k = :k AND :'w' = 'd';
COMMIT;
});

for my $round (1 .. 2)
{
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[ 'pgbench', '-n', '-c', '2', '-j', '2', '-T', '60', '-f', $script,
		  '-h', $node->host, '-p', $node->port, 'postgres' ],
		'>', \$out, '2>', \$err);
	sleep(6 + $round * 2);
	# leave an open transaction with uncommitted work and a prepared one
	$node->safe_psql('postgres', q{
		BEGIN; UPDATE hx SET v = v + 1000000 WHERE k = 1; UPDATE px SET v = v + 1000000 WHERE k = 1;
		PREPARE TRANSACTION 'crash_round';
	});
	$node->kill9;
	$h->finish;
	$node->start;

	# the prepared transaction survived; roll it back on both
	is($node->safe_psql('postgres', "SELECT count(*) FROM pg_prepared_xacts WHERE gid = 'crash_round'"),
		'1', "round $round: prepared transaction survives the crash");
	$node->safe_psql('postgres', "ROLLBACK PREPARED 'crash_round'");

	is($node->safe_psql('postgres',
		'SELECT count(*) FROM (SELECT * FROM hx EXCEPT SELECT * FROM px) a'),
		'0', "round $round: no helios row missing from heap twin");
	is($node->safe_psql('postgres',
		'SELECT count(*) FROM (SELECT * FROM px EXCEPT SELECT * FROM hx) a'),
		'0', "round $round: no heap row missing from helios");
	is($node->safe_psql('postgres', 'SELECT count(*) FROM hx WHERE v > 500000'),
		'0', "round $round: uncommitted work is gone");
	# the indexes agree with the table after recovery
	is($node->safe_psql('postgres', q{
		SET enable_seqscan = off; SET enable_bitmapscan = off;
		SELECT count(*) FROM hx WHERE k > 0}),
		$node->safe_psql('postgres', 'SELECT count(*) FROM px'),
		"round $round: primary key index matches");
	is($node->safe_psql('postgres', q{
		SET enable_seqscan = off; SET enable_indexscan = off;
		SELECT sum(v) FROM hx WHERE g >= 0}),
		$node->safe_psql('postgres', 'SELECT sum(v) FROM px'),
		"round $round: secondary index matches");
}

$node->safe_psql('postgres', 'VACUUM hx; VACUUM px');
is($node->safe_psql('postgres',
	'SELECT count(*) FROM (SELECT * FROM hx EXCEPT SELECT * FROM px) a'),
	'0', 'after vacuum: contents match');
$node->stop;
done_testing();
