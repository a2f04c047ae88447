# helios_btree entries carry raw transaction ids, so VACUUM may let the
# table's relfrozenxid pass an xid only after the index has frozen or
# removed every entry with that xid: otherwise the commit log is truncated
# under them (index scans fail) and, after wraparound, their visibility
# flips.  VACUUM with INDEX_CLEANUP off (and the wraparound failsafe) skips
# index cleanup, so helios runs helios_btree's cleanup all the same.
# helios_btree_verify checks that no entry keeps an xid older than the
# table's relfrozenxid.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('frozen');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
autovacuum = off
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
SET search_path = public, helios;
CREATE TABLE fz (id int, v int) USING helios;
CREATE INDEX fz_id ON fz USING helios_btree (id);
CREATE INDEX fz_v ON fz USING helios_btree (v) WHERE v % 2 = 0;
CREATE TABLE fz_heap_keys (id int PRIMARY KEY) USING helios;
});

my $ins_xid = $node->safe_psql('postgres', q{
BEGIN;
INSERT INTO fz SELECT g, g FROM generate_series(1, 2000) g;
INSERT INTO fz_heap_keys SELECT g FROM generate_series(1, 100) g;
SELECT pg_current_xact_id();
COMMIT;
});
my $del_xid = $node->safe_psql('postgres', q{
BEGIN;
DELETE FROM fz WHERE id % 10 = 0;
SELECT pg_current_xact_id();
COMMIT;
});
# a few more transactions, so that relfrozenxid can move past both
$node->safe_psql('postgres', 'SELECT pg_current_xact_id()') for 1 .. 5;

for my $opts ('FREEZE, INDEX_CLEANUP OFF', 'INDEX_CLEANUP OFF, DISABLE_PAGE_SKIPPING, FREEZE')
{
	$node->safe_psql('postgres', "VACUUM ($opts) fz");
	my $passed = $node->safe_psql('postgres',
		"SELECT age(relfrozenxid) < age('$ins_xid'::xid) AND age(relfrozenxid) < age('$del_xid'::xid) "
		  . "FROM pg_class WHERE relname = 'fz'");
	is($passed, 't', "VACUUM ($opts): relfrozenxid passes the rows' xids");
	for my $idx ('fz_id', 'fz_v')
	{
		my ($ret, $out, $err) = $node->psql('postgres',
			"SELECT helios.helios_btree_verify('$idx', true)");
		is($ret, 0, "VACUUM ($opts): $idx keeps no xid older than relfrozenxid")
		  or diag($err);
	}
}

# the same through the index after a scan (hint bits set on the way)
is($node->safe_psql('postgres',
		'SET enable_seqscan = off; SELECT count(*), sum(v) FROM fz WHERE id > 0'),
	'1800|1800000', 'the index answers as before');

# a plain VACUUM with index cleanup, for comparison
$node->safe_psql('postgres', 'VACUUM (FREEZE) fz_heap_keys');
my ($ret, $out, $err) = $node->psql('postgres',
	"SELECT helios.helios_btree_verify('fz_heap_keys_pkey', true)");
is($ret, 0, 'VACUUM (FREEZE) with index cleanup: no xid older than relfrozenxid')
  or diag($err);

done_testing();
