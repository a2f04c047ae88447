# Every helios WAL record replays byte-identically and hot standby queries
# return what the primary returns.
#
# The primary runs with wal_consistency_checking = 'all', so every record
# carries a full-page image of each page it touches, and whoever replays the
# record (the streaming standby, and the primary itself during crash
# recovery) compares the page it rebuilt with that image, masked by helios's
# rm_mask.  A difference is a FATAL "inconsistent page found" that stops
# recovery.
#
# Steps: a regression-like workload on helios tables (inserts, COPY,
# in-chain and indexed updates, deletes, TOAST, ON CONFLICT, row locks
# including multixacts from two sessions, subtransactions, prepared
# transactions, VACUUM, VACUUM FREEZE, CLUSTER, VACUUM FULL, TRUNCATE,
# CREATE INDEX CONCURRENTLY); compare standby and primary; crash the primary
# (immediate shutdown) and let it recover; compare again; promote the
# standby and check that it serves and changes the same data.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use HeliosTwins;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
wal_consistency_checking = 'all'
max_prepared_transactions = 5
autovacuum = off
# keep all the WAL of the test for pg_walinspect (the full-page images make
# it large)
max_wal_size = 1GB
wal_keep_size = 1GB
});
$primary->start;
$primary->safe_psql('postgres', 'CREATE EXTENSION helios; CREATE EXTENSION pg_walinspect');
$primary->backup('b');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->append_conf('postgresql.conf', qq{
hot_standby = on
});
$standby->start;

my $start_lsn = $primary->lsn('insert');

# Queries whose answers must agree: every column of every row of a table,
# through a sequential scan, each index, and a bitmap scan.
my %paths = (
	seq    => 'SET enable_indexscan = off; SET enable_bitmapscan = off;',
	index  => 'SET enable_seqscan = off; SET enable_bitmapscan = off;',
	bitmap => 'SET enable_seqscan = off; SET enable_indexscan = off;');
sub fingerprint
{
	my ($tab, $where) = @_;
	return "SELECT count(*), count(DISTINCT k), "
	  . "md5(coalesce(string_agg(format('%s/%s/%s/%s', k, g, v, md5(t)), ',' ORDER BY k), '')) "
	  . "FROM $tab WHERE $where";
}
my @queries;
for my $tab ('w', 'w2', 'wc')
{
	push @queries, [ "$tab seq scan", "$paths{seq} " . fingerprint($tab, 'true') ];
	push @queries, [ "$tab pk index scan", "$paths{index} " . fingerprint($tab, 'k > -1000000') ];
	push @queries, [ "$tab g index scan", "$paths{index} " . fingerprint($tab, 'g > -1000000') ];
	push @queries, [ "$tab bitmap scan", "$paths{bitmap} " . fingerprint($tab, 'g > -1000000') ];
}
push @queries, [ 'w v index', "$paths{index} SELECT count(*), sum(k), sum(v) FROM w WHERE v BETWEEN 100 AND 900" ];
push @queries, [ 'w extra column', 'SELECT count(*), sum(extra), count(extra) FROM w' ];
push @queries, [ 'wf (COPY FREEZE, all-visible pages)', 'SELECT count(*), sum(k), sum(v) FROM wf' ];
# physical replication: even the stored sizes (compression, TOAST) agree
my @physical = (
	[ 'w stored sizes', 'SELECT sum(pg_column_size(t)), sum(pg_column_size(w.*)) FROM w' ],
	[ 'w2 stored sizes', 'SELECT sum(pg_column_size(t)), sum(pg_column_size(w2.*)) FROM w2' ]);

sub answers
{
	my ($node, $physical) = @_;
	my @q = $physical ? (@queries, @physical) : @queries;
	return join("\n", map { "$_->[0]: " . $node->safe_psql('postgres', $_->[1]) } @q);
}

sub compare
{
	my ($label) = @_;
	$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
	is(answers($standby, 1), answers($primary, 1), "$label: hot standby returns the same rows as the primary");
}

# --- the workload --------------------------------------------------------
run_sql($primary, 'main workload', q{
CREATE TABLE w (k int PRIMARY KEY, g int, v int, t text) USING helios;
CREATE INDEX w_g ON w (g);
INSERT INTO w SELECT i, i % 10, i, 'row' || i FROM generate_series(1, 2000) i;
COPY w (k, g, v, t) FROM PROGRAM 'seq 2001 4000 | sed -e "s/.*/&\t1\t&\tcopied/"';
BEGIN;
CREATE TABLE wf (k int PRIMARY KEY, v int) USING helios;
COPY wf FROM PROGRAM 'seq 1 3000 | sed -e "s/.*/&\t&/"' WITH (FREEZE);
COMMIT;
UPDATE w SET v = v + 1 WHERE k % 3 = 0;
UPDATE w SET g = g + 1 WHERE k % 11 = 0;
UPDATE w SET t = repeat(md5(k::text), 400) WHERE k % 97 = 0;
UPDATE w SET t = (SELECT string_agg(md5(k::text || i), '') FROM generate_series(1, 300) i) WHERE k % 89 = 0;
DELETE FROM w WHERE k % 13 = 0;
INSERT INTO w VALUES (5, 0, 0, 'conflict') ON CONFLICT (k) DO UPDATE SET v = -5;
INSERT INTO w VALUES (13, 0, 0, 'reinsert') ON CONFLICT (k) DO NOTHING;
INSERT INTO w VALUES (26, 0, 0, 'upsert-new') ON CONFLICT (k) DO UPDATE SET v = -26;
INSERT INTO w SELECT i, 3, i, 'multi' FROM generate_series(3990, 4010) i ON CONFLICT (k) DO UPDATE SET t = 'upd-' || excluded.t;
BEGIN; SELECT count(*) FROM (SELECT k FROM w WHERE k < 50 FOR SHARE) a; SELECT count(*) FROM (SELECT k FROM w WHERE k < 20 FOR KEY SHARE) b; COMMIT;
BEGIN; SELECT count(*) FROM (SELECT k FROM w WHERE k BETWEEN 100 AND 150 FOR UPDATE) a; ROLLBACK;
BEGIN; SELECT count(*) FROM (SELECT k FROM w WHERE k BETWEEN 150 AND 160 FOR NO KEY UPDATE) a; UPDATE w SET v = v + 7 WHERE k BETWEEN 150 AND 155; COMMIT;
BEGIN; UPDATE w SET v = 0 WHERE k = 7; ROLLBACK;
BEGIN;
SAVEPOINT a; INSERT INTO w VALUES (5001, 1, 1, 'rolled back'); UPDATE w SET v = -1 WHERE k = 8; ROLLBACK TO a;
UPDATE w SET v = v + 100 WHERE k = 9;
SAVEPOINT b; DELETE FROM w WHERE k = 10; UPDATE w SET g = 77 WHERE k = 11; RELEASE b;
SAVEPOINT c; UPDATE w SET v = v + 1 WHERE k = 9; SAVEPOINT d; UPDATE w SET v = v + 1 WHERE k = 9; ROLLBACK TO c;
COMMIT;
DO $$
BEGIN
	-- more subtransactions than fit in the PGPROC cache (overflow)
	FOR i IN 1 .. 100 LOOP
		BEGIN
			INSERT INTO w VALUES (6000 + i, i % 10, i, 'sub' || i);
			UPDATE w SET v = v + 1 WHERE k = 100 + i;
			IF i % 3 = 0 THEN RAISE EXCEPTION 'roll back %', i; END IF;
		EXCEPTION WHEN raise_exception THEN NULL;
		END;
	END LOOP;
END $$;
UPDATE w SET v = v + 1 WHERE k < 100;
UPDATE w SET v = v + 1 WHERE k < 100;
UPDATE w SET v = v + 1 WHERE k < 100;
SELECT count(*) FROM w WHERE k < 100;
VACUUM w;
UPDATE w SET v = v + 1 WHERE k < 300;
DELETE FROM w WHERE k BETWEEN 300 AND 320;
VACUUM FREEZE w;
ALTER TABLE w ADD COLUMN extra int DEFAULT 42;
UPDATE w SET extra = k WHERE k % 7 = 0;
UPDATE w SET extra = NULL WHERE k % 17 = 0;
CREATE TABLE w2 USING helios AS SELECT k, g, v, t FROM w WHERE k < 500;
ALTER TABLE w2 ADD PRIMARY KEY (k);
CREATE INDEX w2_g ON w2 (g);
TRUNCATE w2;
INSERT INTO w2 SELECT k, g, v, t FROM w WHERE k < 100;
CREATE INDEX CONCURRENTLY w_v ON w (v);
CREATE TABLE wc (k int PRIMARY KEY, g int, v int, t text) USING helios;
CREATE INDEX wc_g ON wc (g);
INSERT INTO wc SELECT k, g, v, t FROM w WHERE k < 300;  -- small: CLUSTER reads it in index order
});

# multixacts: two sessions share row locks; then one of them updates a row
# that the other still key-share locks, and stays open
my $s1 = $primary->background_psql('postgres');
my $s2 = $primary->background_psql('postgres');
$s1->query_safe('BEGIN');
$s1->query_safe('SELECT count(*) FROM (SELECT * FROM w WHERE k BETWEEN 1 AND 40 FOR KEY SHARE) a');
$s2->query_safe('BEGIN');
$s2->query_safe('SELECT count(*) FROM (SELECT * FROM w WHERE k BETWEEN 1 AND 40 FOR SHARE) a');
$s2->query_safe('COMMIT');
$s2->query_safe('BEGIN');
$s2->query_safe('UPDATE w SET v = v + 1000 WHERE k BETWEEN 1 AND 20');
$s1->query_safe('UPDATE w SET t = t || \'+s1\' WHERE k BETWEEN 30 AND 40');
$s1->query_safe('INSERT INTO w VALUES (7001, 1, 1, \'s1 uncommitted\')');
$s2->query_safe('COMMIT');
# a prepared transaction with helios changes
run_sql($primary, 'prepared transaction', q{
BEGIN;
INSERT INTO w VALUES (7002, 2, 2, 'prepared');
UPDATE w SET v = -2 WHERE k = 2;
UPDATE w SET g = g + 5 WHERE k = 3;
DELETE FROM w WHERE k = 45;  -- not one of the rows s1 key-share locks
PREPARE TRANSACTION 'p1';
});

# the standby must see neither s1's open transaction nor the prepared one
compare('with open and prepared transactions');
is($standby->safe_psql('postgres', q{SELECT count(*) FROM w WHERE k IN (7001, 7002) OR t LIKE '%+s1' OR v = -2}),
	'0', 'standby does not see uncommitted or prepared changes');

$s1->query_safe('COMMIT');
$s1->quit;
$s2->quit;
$primary->safe_psql('postgres', "COMMIT PREPARED 'p1'");
compare('after the commits');
my $seen = q{SELECT count(*) FROM w WHERE k IN (7001, 7002) OR t LIKE '%+s1' OR (k = 2 AND v = -2)};
is($primary->safe_psql('postgres', $seen), '13', 'primary sees the committed changes');
is($standby->safe_psql('postgres', $seen), '13', 'standby sees the committed changes');

# Rewriting a table keeps exactly the rows it had.
my $before_rewrite = answers($primary);
run_sql($primary, 'CLUSTER and VACUUM FULL', 'CLUSTER w USING w_pkey; VACUUM FULL w2;');
is(answers($primary), $before_rewrite, 'CLUSTER and VACUUM FULL keep exactly the visible rows');
# The same with an old snapshot holding the xmin horizon back, so that the
# versions made dead by the updates (and left in place by VACUUM) are
# "recently dead": the rewrite must copy them and keep them invisible to
# new snapshots.  (Its own table, wc, so that a failure here does not spoil
# the rest of the test.)
my $old = $primary->background_psql('postgres');
$old->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$old->query_safe('SELECT 1');  # a snapshot, but no lock on wc
run_sql($primary, 'updates and VACUUM under an old snapshot', q{
UPDATE wc SET v = v + 1 WHERE k % 4 = 0;
UPDATE wc SET v = v + 1 WHERE k % 4 = 0;
UPDATE wc SET g = g + 1 WHERE k % 8 = 0;
DELETE FROM wc WHERE k % 37 = 0;
UPDATE w2 SET v = v + 1;
VACUUM wc;
VACUUM w2;
});
$before_rewrite = answers($primary);
run_sql($primary, 'CLUSTER and VACUUM FULL under an old snapshot', 'CLUSTER wc USING wc_pkey; VACUUM FULL w2;');
is(answers($primary), $before_rewrite,
	'CLUSTER and VACUUM FULL keep exactly the visible rows when recently dead versions exist');
$old->query_safe('COMMIT');
$old->quit;
run_sql($primary, 'DML after CLUSTER', q{
UPDATE w SET v = v + 1 WHERE k % 5 = 0;
DELETE FROM w WHERE k % 31 = 0;
INSERT INTO w2 SELECT k + 100, g, v, t FROM w WHERE k < 100;
VACUUM w2;
});
compare('after CLUSTER and VACUUM FULL');

# the workload produced every kind of helios record, so every redo routine
# ran under the consistency checks
my $kinds = $primary->safe_psql('postgres', qq{
SELECT string_agg(DISTINCT split_part(record_type, '+', 1), ' ' ORDER BY split_part(record_type, '+', 1))
FROM pg_get_wal_records_info('$start_lsn', pg_current_wal_flush_lsn())
WHERE resource_manager = 'helios'});
for my $kind (qw(INSERT MULTI_INSERT UPDATE CHAIN_UPDATE DELETE LOCK PRUNE FREEZE VISIBLE CONFIRM))
{
	like(" $kinds ", qr/ $kind /, "workload wrote $kind records");
}

# --- crash the primary: crash recovery replays with consistency checks -----
run_sql($primary, 'workload before the crash', q{
CHECKPOINT;
UPDATE w SET v = v * 2 WHERE k % 5 = 0;
UPDATE w SET g = g + 1 WHERE k % 23 = 0;
UPDATE w SET t = (SELECT string_agg(md5(k::text || i), '') FROM generate_series(1, 300) i) WHERE k % 83 = 0;
DELETE FROM w WHERE k > 3900;
INSERT INTO w SELECT i, i % 10, i, 'after checkpoint' FROM generate_series(8001, 8500) i;
BEGIN; SELECT count(*) FROM (SELECT * FROM w WHERE k < 30 FOR SHARE) a; COMMIT;
VACUUM w;
UPDATE w SET v = v + 1 WHERE k < 200;
VACUUM FREEZE w2;
TRUNCATE w2;
INSERT INTO w2 SELECT k, g, v, t FROM w WHERE k < 300;
});
my $before = answers($primary, 1);
$primary->stop('immediate');
$primary->start;
is(answers($primary, 1), $before, 'crash recovery (with consistency checks) restores every committed row');
ok($primary->log_contains('redo done at'), 'the primary went through crash recovery');
compare('after the primary crashed');

# --- promote the standby ------------------------------------------------------
$standby->promote;
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 'f', 'standby promoted');
is(answers($standby, 1), $before, 'promoted standby has every committed row');
# both servers apply the same changes and must still agree
my $more = q{
UPDATE w SET v = v + 3 WHERE k % 4 = 0;
UPDATE w SET g = g - 1 WHERE k % 9 = 0;
DELETE FROM w WHERE k % 19 = 0;
INSERT INTO w SELECT i, i % 10, i, 'after promotion' FROM generate_series(9001, 9300) i;
VACUUM w;
};
run_sql($primary, 'old primary: DML after promotion', $more);
run_sql($standby, 'promoted standby: DML after promotion', $more);
is(answers($standby), answers($primary), 'promoted standby changes helios tables like the primary');

check_replay_logs($standby, $primary);

ok($standby->stop('fast', fail_ok => 1), 'standby still running at the end');
ok($primary->stop('fast', fail_ok => 1), 'primary still running at the end');
done_testing();
