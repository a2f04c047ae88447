# Differential test: two concurrent clients run the same random DML on a
# helios table and its heap twin (each transaction changes both the same
# way); afterwards the tables agree through every access path.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('diff');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'helios'\n");
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE TABLE dh (k int PRIMARY KEY, a int, b text, c float8) USING helios;
CREATE INDEX dh_a ON dh (a);
CREATE TABLE dp (k int PRIMARY KEY, a int, b text, c float8) USING heap;
CREATE INDEX dp_a ON dp (a);
});

for my $iso ('read committed', 'repeatable read', 'serializable')
{
	$node->pgbench(
		"-n -c 2 -j 2 -t 1500 --max-tries=100", 0,
		[qr{processed: 3000/3000}], [qr{^}],
		"random DML under $iso",
		{ "dml_$iso" =~ s/ /_/gr => qq{
\\set k random(1, 300)
\\set x random(1, 1000)
\\set op random(1, 6)
BEGIN ISOLATION LEVEL $iso;
INSERT INTO dh VALUES (:k, :x, repeat('b', :x), :x / 3.0) ON CONFLICT (k) DO UPDATE SET a = excluded.a WHERE :op < 3;
INSERT INTO dp VALUES (:k, :x, repeat('b', :x), :x / 3.0) ON CONFLICT (k) DO UPDATE SET a = excluded.a WHERE :op < 3;
UPDATE dh SET c = c + 1, b = left(b, :x % 37) WHERE k = (:k * 7) % 300 AND :op >= 3;
UPDATE dp SET c = c + 1, b = left(b, :x % 37) WHERE k = (:k * 7) % 300 AND :op >= 3;
SELECT a FROM dh WHERE k = :k + 1 FOR UPDATE;
SELECT a FROM dp WHERE k = :k + 1 FOR UPDATE;
DELETE FROM dh WHERE k = (:k * 13) % 300 AND :op = 6;
DELETE FROM dp WHERE k = (:k * 13) % 300 AND :op = 6;
COMMIT;
} });

	is($node->safe_psql('postgres', 'SELECT count(*) FROM (SELECT * FROM dh EXCEPT SELECT * FROM dp) x'),
		'0', "$iso: helios rows all in heap");
	is($node->safe_psql('postgres', 'SELECT count(*) FROM (SELECT * FROM dp EXCEPT SELECT * FROM dh) x'),
		'0', "$iso: heap rows all in helios");
	is($node->safe_psql('postgres',
		'SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT count(*), sum(a), sum(c) FROM dh WHERE k > 0'),
		$node->safe_psql('postgres', 'SELECT count(*), sum(a), sum(c) FROM dp'),
		"$iso: index scan agrees");
	is($node->safe_psql('postgres',
		'SET enable_seqscan = off; SET enable_indexscan = off; SELECT count(*), sum(c) FROM dh WHERE a > 0'),
		$node->safe_psql('postgres', 'SELECT count(*), sum(c) FROM dp'),
		"$iso: bitmap scan agrees");
	$node->safe_psql('postgres', 'VACUUM dh; VACUUM dp');
}
$node->stop;
done_testing();
