# Many clients updating the same few rows: every waiter must follow the
# row's version chain through the versions committed while it waited and
# lose no update (READ COMMITTED), and pgbench's TPC-B-like workload must
# keep its balances consistent at every isolation level.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('hot');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'helios'\nmax_connections = 40\n");
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL, note text) USING helios;
INSERT INTO counter VALUES (1, 0, 'a'), (2, 0, 'b');
});

# 8 clients x 500 transactions, each adding 1 to one of two rows
$node->pgbench(
	'-n -c 8 -j 2 -t 500', 0,
	[qr{processed: 4000/4000}], [qr{^$}],
	'8 clients increment two rows',
	{ 'increment' => q{
\set id random(1, 2)
UPDATE counter SET n = n + 1 WHERE id = :id;
} });
is($node->safe_psql('postgres', 'SELECT sum(n) FROM counter'), '4000',
	'no update lost');

# pgbench's own workload on helios tables
{
	local $ENV{PGOPTIONS} = '-c default_table_access_method=helios';
	$node->command_ok([ 'pgbench', '-i', '-s', '1', '-q', 'postgres' ], 'pgbench -i on helios');
}
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_class c JOIN pg_am a ON a.oid = c.relam
		  WHERE c.relname LIKE 'pgbench%' AND c.relkind = 'r' AND a.amname = 'helios'}),
	'4', 'the pgbench tables are helios tables');

my $check = q{SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT sum(bbalance) FROM pgbench_branches)
  AND (SELECT sum(bbalance) FROM pgbench_branches) = (SELECT sum(tbalance) FROM pgbench_tellers)
  AND (SELECT sum(tbalance) FROM pgbench_tellers) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history)
  AND (SELECT count(*) FROM pgbench_accounts) = 100000};
for my $iso ('read committed', 'repeatable read', 'serializable')
{
	$node->safe_psql('postgres', 'TRUNCATE pgbench_history; UPDATE pgbench_accounts SET abalance = 0; '
		  . 'UPDATE pgbench_branches SET bbalance = 0; UPDATE pgbench_tellers SET tbalance = 0');
	local $ENV{PGOPTIONS} = "-c default_transaction_isolation=" . ($iso =~ s/ /\\ /r);
	$node->command_like(
		[ 'pgbench', '-n', '-c', '8', '-j', '2', '-T', '8', '--max-tries=1000', 'postgres' ],
		qr{number of failed transactions: 0 },
		"TPC-B-like workload, 8 clients, $iso");
	is($node->safe_psql('postgres', $check), 't', "balances consistent after $iso");
}

$node->stop;
done_testing();
