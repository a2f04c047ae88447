# Every helios WAL record replays byte-identically (wal_consistency_checking
# = 'all' on a streaming standby and during crash recovery), and hot
# standby queries return what the primary returns.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
wal_consistency_checking = 'all'
max_prepared_transactions = 5
});
$primary->start;
$primary->safe_psql('postgres', 'CREATE EXTENSION helios');
$primary->backup('b');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
wal_consistency_checking = 'all'
hot_standby = on
});
$standby->start;

# a workload that produces every helios record kind
$primary->safe_psql('postgres', q{
CREATE TABLE w (k int PRIMARY KEY, g int, v int, t text) USING helios;
CREATE INDEX w_g ON w (g);
INSERT INTO w SELECT i, i % 10, i, 'row' || i FROM generate_series(1, 2000) i;
COPY w FROM PROGRAM 'seq 2001 4000 | sed -e "s/.*/&\t1\t&\tcopied/"';
UPDATE w SET v = v + 1 WHERE k % 3 = 0;
UPDATE w SET g = g + 1 WHERE k % 11 = 0;
UPDATE w SET t = repeat(md5(k::text), 400) WHERE k % 97 = 0;
DELETE FROM w WHERE k % 13 = 0;
INSERT INTO w VALUES (5, 0, 0, 'conflict') ON CONFLICT (k) DO UPDATE SET v = -5;
INSERT INTO w VALUES (13, 0, 0, 'reinsert') ON CONFLICT (k) DO NOTHING;
BEGIN; SELECT k FROM w WHERE k < 50 FOR SHARE; SELECT k FROM w WHERE k < 20 FOR KEY SHARE; COMMIT;
BEGIN; SELECT k FROM w WHERE k BETWEEN 100 AND 150 FOR UPDATE; ROLLBACK;
BEGIN; UPDATE w SET v = 0 WHERE k = 7; ROLLBACK;
VACUUM w;
UPDATE w SET v = v + 1 WHERE k < 100;
VACUUM FREEZE w;
CREATE TABLE w2 USING helios AS SELECT * FROM w WHERE k < 500;
TRUNCATE w2;
INSERT INTO w2 SELECT * FROM w WHERE k < 100;
});
# a session holding shared row locks from two transactions: multixacts
my $s1 = $primary->background_psql('postgres');
$s1->query_safe('BEGIN');
$s1->query_safe('SELECT * FROM w WHERE k = 1 FOR SHARE');
$primary->safe_psql('postgres', 'BEGIN; SELECT * FROM w WHERE k = 1 FOR SHARE; UPDATE w SET t = t WHERE k = 2; COMMIT;');
$s1->query_safe('COMMIT');
$s1->quit;

$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));

my $q = q{SELECT count(*), sum(v), sum(g), sum(length(t)), md5(string_agg(k::text || ':' || v, ',' ORDER BY k)) FROM w};
is($standby->safe_psql('postgres', $q), $primary->safe_psql('postgres', $q),
	'hot standby returns the same rows');
is($standby->safe_psql('postgres', 'SET enable_seqscan = off; SELECT count(*) FROM w WHERE g = 3'),
	$primary->safe_psql('postgres', 'SET enable_seqscan = off; SELECT count(*) FROM w WHERE g = 3'),
	'index scans on the standby agree');
is($standby->safe_psql('postgres', 'SELECT count(*) FROM w2'), '99', 'second table replayed');

# crash the primary and replay with consistency checks
$primary->safe_psql('postgres', q{
UPDATE w SET v = v * 2 WHERE k % 5 = 0;
DELETE FROM w WHERE k > 3900;
});
my $before = $primary->safe_psql('postgres', $q);
$primary->kill9;
$primary->start;
is($primary->safe_psql('postgres', $q), $before, 'crash recovery with consistency checks');

$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
is($standby->safe_psql('postgres', $q), $before, 'standby follows after the crash');

ok(!$standby->log_contains('inconsistent page found'), 'no inconsistent page on standby');
ok(!$primary->log_contains('inconsistent page found'), 'no inconsistent page in crash recovery');

$standby->stop;
$primary->stop;
done_testing();
