# VACUUM freezes helios_btree entries whose inserter every snapshot on the
# primary sees committed; a frozen entry is then visible without a clog
# check.  On a hot standby with hot_standby_feedback off, a query's snapshot
# may still see that inserter as running: replaying the freeze must resolve
# a recovery conflict with it, as heap does for frozen tuples, so that a
# REPEATABLE READ transaction on the standby either keeps its answer or is
# canceled, never sees rows appear.
#
# The table's page keeps a row of a transaction still open on the primary,
# so VACUUM does not set it all-visible: the only record that can raise the
# conflict is helios_btree's.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
autovacuum = off
});
$primary->start;
$primary->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE EXTENSION pg_visibility;
CREATE TABLE f (id int, v int) USING helios;
CREATE INDEX f_id ON f USING helios_btree (id) INCLUDE (v);
INSERT INTO f SELECT g, g FROM generate_series(1, 100) g;
VACUUM f;
});
$primary->backup('b');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->append_conf('postgresql.conf', qq{
hot_standby = on
hot_standby_feedback = off
max_standby_streaming_delay = 0
});
$standby->start;
$primary->wait_for_catchup($standby, 'replay');

my $count_sql = 'SET enable_seqscan = off; SET enable_bitmapscan = off; '
  . 'SELECT count(*), sum(v) FROM f WHERE id > 0;';
like($standby->safe_psql('postgres', "SET enable_seqscan = off; SET enable_bitmapscan = off; "
	  . "EXPLAIN (COSTS OFF) SELECT count(*), sum(v) FROM f WHERE id > 0"),
	qr/HeliosIndexOnlyScan/, 'the standby answers from the index alone');

# a REPEATABLE READ snapshot on the standby, before the new rows exist
my $ro = $standby->background_psql('postgres', on_error_stop => 0);
$ro->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
is($ro->query_safe($count_sql), '100|5050', 'standby snapshot: 100 rows');

# new rows, committed; then a transaction left open with a row on the same
# page, so that the page is not all-visible after VACUUM
$primary->safe_psql('postgres', 'INSERT INTO f SELECT g, g FROM generate_series(101, 120) g');
my $open = $primary->background_psql('postgres');
$open->query_safe('BEGIN');
$open->query_safe('INSERT INTO f VALUES (1000, 0)');
$primary->safe_psql('postgres', 'VACUUM f');
is($primary->safe_psql('postgres', "SELECT all_visible FROM pg_visibility_map('f', 0)"),
	'f', 'the page stays not all-visible on the primary');
$primary->wait_for_catchup($standby, 'replay');

# the same snapshot again: the same answer, or a canceled transaction (the
# session may be terminated, which ends psql: its stderr says why)
my $answer;
eval { $answer = $ro->query($count_sql); 1 };
my $err = ($ro->{stderr} // '') . ($@ // '');
$answer = undef if defined $answer && $answer !~ /^\d+\|\d+$/;
ok((defined $answer && $answer eq '100|5050') || $err =~ /conflict with recovery/,
	'the REPEATABLE READ snapshot keeps its answer or is canceled')
  or diag('answer: ' . ($answer // 'none') . "\nstderr: $err");
ok(!defined $answer || $answer ne '120|7260',
	'the rows that the snapshot cannot see do not appear');
eval { $ro->quit };

$open->query_safe('COMMIT');
$open->quit;
$primary->wait_for_catchup($standby, 'replay');
is($standby->safe_psql('postgres', $count_sql), '121|7260',
	'a new snapshot on the standby sees every row');

done_testing();
