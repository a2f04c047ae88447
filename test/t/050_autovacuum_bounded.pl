# A helios table under a steady UPDATE workload, with autovacuum on, stays
# bounded in size: pruning and autovacuum reclaim the dead versions, and
# the free space map lets new versions reuse the space.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('bloat');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'helios'
autovacuum = on
autovacuum_naptime = 1s
autovacuum_vacuum_scale_factor = 0.05
autovacuum_vacuum_threshold = 100
autovacuum_vacuum_cost_delay = 0
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
-- one indexed column, updated half of the time: both in-chain updates
-- (same TID) and updates that get a new TID and new index entries
CREATE TABLE acct (id int PRIMARY KEY, grp int, bal bigint, filler text)
  USING helios;
CREATE INDEX acct_grp ON acct (grp);
INSERT INTO acct SELECT g, g % 100, 0, repeat('x', 80)
  FROM generate_series(1, 20000) g;
VACUUM ANALYZE acct;
});
my $size0 = $node->safe_psql('postgres', q{SELECT pg_relation_size('acct')});

my @sizes;
for my $round (1 .. 6)
{
	$node->pgbench(
		'-n -c 2 -j 2 -T 8', 0, [qr{processed: \d+}], [qr{^$}],
		"update workload, round $round",
		{ "bloat_$round" => q{
\set id random(1, 20000)
\set g random(1, 100)
BEGIN;
UPDATE acct SET bal = bal + 1 WHERE id = :id;
UPDATE acct SET grp = :g WHERE id = :id AND :g % 2 = 0;
END;
} });
	push @sizes, $node->safe_psql('postgres', q{SELECT pg_relation_size('acct')});
}
note "size before: $size0, after each round: @sizes";

my $autovacuums = $node->safe_psql('postgres',
	q{SELECT autovacuum_count FROM pg_stat_user_tables WHERE relname = 'acct'});
cmp_ok($autovacuums, '>', 0, 'autovacuum ran on the helios table');

# the last three rounds must not keep growing: the table reached a steady
# state where dead versions are reclaimed as fast as they are made
my $late_growth = $sizes[5] - $sizes[2];
cmp_ok($late_growth, '<=', $size0 / 4,
	"no steady growth in the last rounds ($sizes[2] -> $sizes[5] bytes)");
cmp_ok($sizes[5], '<=', 3 * $size0,
	"table stays within 3x its loaded size ($size0 -> $sizes[5] bytes)");

# the rows are intact
is($node->safe_psql('postgres', q{SELECT count(*), count(DISTINCT id) FROM acct}),
	'20000|20000', 'every row present once');
is($node->safe_psql('postgres',
		q{SET enable_seqscan = off; SELECT count(*) FROM acct WHERE grp BETWEEN 0 AND 100}),
	'20000', 'index on the updated column finds every row');

$node->stop;
done_testing();
