# Forward links under concurrency, WAL replay and crash recovery.
#
# An UPDATE that changes no indexed column keeps the row's TID even when the
# new version does not fit on the row's page: the new version goes to
# another page and the row's root links to it.  This test
#
# * checks that single-session forwarding UPDATEs keep the TIDs, also when
#   they forward rows a second time (the only assertions that need forward
#   links; the rest must also hold without),
# * runs 3 pgbench clients that update the same few full pages of a helios
#   table and of its heap twin, in one statement per change (see
#   030_differential.pl for why), growing and shrinking a wide column so
#   that versions keep moving between pages, with indexed updates,
#   deletes, re-inserts, rollbacks, rolled back subtransactions, row locks
#   and a VACUUM now and then,
# * compares the twins through sequential, index and bitmap scans, checks
#   the btrees with amcheck (heapallindexed), and compares a streaming hot
#   standby with the primary, which runs with wal_consistency_checking =
#   'all' (every helios record is checked during replay),
# * crashes the primary (immediate stop) after more forwarding updates, so
#   that crash recovery replays them, and compares again,
# * checks that repeated forwarding updates with VACUUM in between keep the
#   table bounded in size.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use HeliosTwins;

my $KEYS = 70;         # 5 full pages of ~500-byte rows
my $CLIENTS = 3;
my $TXNS = 8000;       # per client

my $primary = PostgreSQL::Test::Cluster->new('fwd_primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
# keys stay btree: this test checks them with amcheck
helios.btree_routing = off
wal_consistency_checking = 'all'
autovacuum = off
max_connections = 20
max_wal_size = 1GB
log_min_messages = warning
});
$primary->start;
$primary->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE EXTENSION amcheck;
CREATE EXTENSION pageinspect;
});
$primary->safe_psql('postgres', twin_check_sql());
$primary->backup('b');

my $standby = PostgreSQL::Test::Cluster->new('fwd_standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->append_conf('postgresql.conf', "hot_standby = on\n");
$standby->start;

$primary->safe_psql('postgres', qq{
CREATE TABLE fh (k int PRIMARY KEY, g int, n int, pad text)
	USING helios WITH (fillfactor = 100);
CREATE INDEX fh_g ON fh (g);
CREATE TABLE fp (k int PRIMARY KEY, g int, n int, pad text)
	USING heap WITH (fillfactor = 100);
CREATE INDEX fp_g ON fp (g);
INSERT INTO fh SELECT i, i % 10, 0, repeat('p', 500) FROM generate_series(1, $KEYS) i;
INSERT INTO fp SELECT * FROM fh ORDER BY k;
});

# --- the twins through every access path -----------------------------------
sub fingerprint
{
	my ($tab, $where) = @_;
	return "SELECT count(*), count(DISTINCT k), "
	  . "md5(coalesce(string_agg(format('%s/%s/%s/%s', k, g, n, md5(pad)), ',' ORDER BY k), '')) "
	  . "FROM $tab WHERE $where";
}
my %paths = (
	seq    => 'SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;',
	index  => 'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;',
	bitmap => 'SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off;');
my @paths = (
	[ 'seq scan', $paths{seq}, 'true', qr/Seq Scan on/ ],
	[ 'pk index scan', $paths{index}, 'k > -1000000', qr/Index Scan using f._pkey/ ],
	[ 'g index scan', $paths{index}, 'g > -1000000', qr/Index Scan using f._g/ ],
	[ 'bitmap scan', $paths{bitmap}, 'g > -1000000', qr/Bitmap Heap Scan on/ ]);
my $keys_ios = q{SET enable_seqscan = off; SET enable_bitmapscan = off;
	SELECT count(*), coalesce(sum(k), 0) FROM %s WHERE k > -1000000};

# every answer of one table, one line per access path
sub answers
{
	my ($node, $tab) = @_;
	my @a;
	for my $p (@paths)
	{
		push @a, "$p->[0]: " . $node->safe_psql('postgres', $p->[1] . fingerprint($tab, $p->[2]));
	}
	push @a, 'index-only scan: ' . $node->safe_psql('postgres', sprintf($keys_ios, $tab));
	return join("\n", @a);
}

sub compare_twins
{
	my ($label) = @_;
	# the plans are the intended ones
	for my $p (@paths)
	{
		like($primary->safe_psql('postgres', "$p->[1] EXPLAIN (COSTS OFF) " . fingerprint('fh', $p->[2])),
			$p->[3], "$label: $p->[0] plan");
	}
	like($primary->safe_psql('postgres', sprintf($keys_ios =~ s/SELECT/EXPLAIN (COSTS OFF) SELECT/r, 'fh')),
		qr/Index Only Scan using fh_pkey/, "$label: index-only scan plan");
	my $heap = $primary->safe_psql('postgres', $paths{seq} . fingerprint('fp', 'true'));
	my @h = split /\n/, answers($primary, 'fh');
	for my $line (@h)
	{
		my ($path, $val) = split /: /, $line, 2;
		if ($path eq 'index-only scan')
		{
			is($val, $primary->safe_psql('postgres', sprintf($keys_ios, 'fp')),
				"$label: helios $path equals heap");
		}
		else
		{
			is($val, $heap, "$label: helios $path equals heap");
		}
	}
	is($primary->psql('postgres', q{SELECT bt_index_check('fh_pkey', true), bt_index_check('fh_g', true),
			bt_index_parent_check('fh_pkey', true)}),
		0, "$label: amcheck finds the helios btrees consistent with the table");
}

sub compare_standby
{
	my ($label) = @_;
	$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
	for my $tab ('fh', 'fp')
	{
		is(answers($standby, $tab), answers($primary, $tab),
			"$label: hot standby returns the same $tab rows as the primary");
	}
}

# items flagged HELIOS_FORWARDED (t_infomask2 0x0800) in fh
my $forwarded_items = q{SELECT count(*) FROM generate_series(0, pg_relation_size('fh') / 8192 - 1) b,
	LATERAL heap_page_items(get_raw_page('fh', b::int)) i WHERE i.t_infomask2 & 2048 <> 0};

# --- 1. forwarding UPDATEs keep the TID --------------------------------------
$primary->safe_psql('postgres', 'CREATE TABLE tids AS SELECT k, ctid AS c FROM fh');
$primary->safe_psql('postgres', q{
UPDATE fh SET n = n + 1, pad = repeat('F', 1500) WHERE k % 7 = 3;
UPDATE fp SET n = n + 1, pad = repeat('F', 1500) WHERE k % 7 = 3;
});
is($primary->safe_psql('postgres',
		q{SELECT count(*) FILTER (WHERE fh.ctid = t.c) || '/' || count(*) FROM fh JOIN tids t USING (k) WHERE k % 7 = 3}),
	'10/10', 'forwarding UPDATEs keep every row\'s TID');
cmp_ok($primary->safe_psql('postgres', $forwarded_items), '>', 0,
	'the new versions are forwarded versions on other pages');

# the same rows again, after the pages their versions went to were filled:
# the next versions are forwarded once more (a second hop), same TIDs
$primary->safe_psql('postgres', qq{
INSERT INTO fh SELECT i, i % 10, 0, repeat('q', 1000) FROM generate_series(1001, 1040) i;
INSERT INTO fp SELECT * FROM fh WHERE k > 1000 ORDER BY k;
UPDATE fh SET n = n + 1, pad = repeat('H', 1900) WHERE k % 7 = 3 AND k <= $KEYS;
UPDATE fp SET n = n + 1, pad = repeat('H', 1900) WHERE k % 7 = 3 AND k <= $KEYS;
});
is($primary->safe_psql('postgres',
		q{SELECT count(*) FILTER (WHERE fh.ctid = t.c) || '/' || count(*) FROM fh JOIN tids t USING (k) WHERE k % 7 = 3}),
	'10/10', 'forwarding UPDATEs of forwarded rows keep every row\'s TID');
cmp_ok($primary->safe_psql('postgres', q{SELECT count(*)
	FROM generate_series(0, pg_relation_size('fh') / 8192 - 1) b,
	LATERAL heap_page_items(get_raw_page('fh', b::int)) i
	WHERE i.t_infomask2 & 2048 <> 0 AND i.t_infomask2 & 16384 <> 0
	  AND (i.t_ctid::text::point)[0] <> b}), '>', 0,
	'some forwarded segments link on to a third page');
compare_twins('after forwarding updates');
compare_standby('after forwarding updates');

# --- 2. concurrent clients on the same full pages -----------------------------
my $both = \&both_sql;
my $upd = sub {	# what, SET clause (with %s for the table name)
	my ($what, $set) = @_;
	return $both->($what, map { "UPDATE $_ SET " . sprintf($set, $_) . " WHERE k = :k RETURNING *" } ('fh', 'fp'));
};
my $grow = q{n = %s.n + 1, pad = repeat(chr(:c), :big)};
my $shrink = q{n = %s.n + 1, pad = repeat(chr(:c), :small)};
my $script = qq{\\set k random(1, $KEYS)
\\set op random(1, 20)
\\set c random(65, 90)
\\set big random(900, 1800)
\\set small random(50, 600)
\\if :op <= 6
} . $upd->('grow', $grow) . qq{\\elif :op <= 9
} . $upd->('shrink', $shrink) . qq{\\elif :op <= 10
} . $upd->('indexed update', q{g = %s.g + 1, pad = repeat(chr(:c), :big)}) . qq{\\elif :op <= 12
BEGIN;
} . $upd->('rolled back grow', $grow) . qq{ROLLBACK;
\\elif :op <= 14
BEGIN;
SAVEPOINT s;
} . $upd->('grow in a rolled back subtransaction', $grow) . qq{ROLLBACK TO SAVEPOINT s;
} . $upd->('shrink after the rollback', $shrink) . qq{COMMIT;
\\elif :op <= 15
} . $both->('delete', map { "DELETE FROM $_ WHERE k = :k RETURNING *" } ('fh', 'fp')) . qq{\\elif :op <= 17
} . $both->('upsert',
	map { "INSERT INTO $_ VALUES (:k, :k % 10, 0, repeat(chr(:c), :big)) ON CONFLICT (k) DO UPDATE "
		. "SET n = $_.n + 1, pad = excluded.pad RETURNING *" } ('fh', 'fp')) . qq{\\else
BEGIN;
} . $both->('lock', map { "SELECT * FROM $_ WHERE k = :k FOR UPDATE" } ('fh', 'fp'))
  . $upd->('grow under a row lock', $grow) . qq{COMMIT;
\\endif
};
$primary->pgbench(
	"-n -c $CLIENTS -j $CLIENTS -t $TXNS",
	0,
	[ qr{processed: @{[$CLIENTS * $TXNS]}/@{[$CLIENTS * $TXNS]}}, qr{number of failed transactions: 0 } ],
	[qr{^$}],
	'concurrent forwarding updates, deletes, rollbacks and VACUUM',
	{
		'fwd_dml@30' => $script,
		# no truncation: it would wait for an exclusive lock that the
		# other clients keep it from getting (5 s, then give up)
		'fwd_vacuum@1' => "VACUUM (TRUNCATE false) fh;\nVACUUM (TRUNCATE false) fp;\n",
	});
compare_twins('after the concurrent workload');
$primary->safe_psql('postgres', 'VACUUM fh; VACUUM fp;');
compare_twins('after the concurrent workload and VACUUM');
compare_standby('after the concurrent workload');

# --- 3. crash recovery replays forwarding updates -----------------------------
$primary->safe_psql('postgres', q{
CHECKPOINT;
UPDATE fh SET n = n + 1, pad = repeat('R', 1700) WHERE k % 3 = 0;
UPDATE fp SET n = n + 1, pad = repeat('R', 1700) WHERE k % 3 = 0;
UPDATE fh SET n = n + 1, pad = repeat('r', 200) WHERE k % 3 = 1;
UPDATE fp SET n = n + 1, pad = repeat('r', 200) WHERE k % 3 = 1;
DELETE FROM fh WHERE k % 11 = 0;
DELETE FROM fp WHERE k % 11 = 0;
VACUUM fh;
VACUUM fp;
UPDATE fh SET n = n + 1, pad = repeat('S', 1600) WHERE k % 3 = 1;
UPDATE fp SET n = n + 1, pad = repeat('S', 1600) WHERE k % 3 = 1;
BEGIN;
UPDATE fh SET n = -1, pad = repeat('X', 1800) WHERE k % 5 = 0;
UPDATE fp SET n = -1, pad = repeat('X', 1800) WHERE k % 5 = 0;
ROLLBACK;
});
my $before = answers($primary, 'fh') . "\n" . answers($primary, 'fp');
$primary->stop('immediate');
$primary->start;
ok($primary->log_contains('redo done at'), 'the primary went through crash recovery');
is(answers($primary, 'fh') . "\n" . answers($primary, 'fp'), $before,
	'crash recovery restores every committed row');
compare_twins('after crash recovery');
$primary->safe_psql('postgres', q{
UPDATE fh SET n = n + 1, pad = repeat('T', 1500) WHERE k % 4 = 0;
UPDATE fp SET n = n + 1, pad = repeat('T', 1500) WHERE k % 4 = 0;
});
compare_twins('updates after crash recovery');
compare_standby('after crash recovery');

# --- 4. repeated forwarding updates with VACUUM stay bounded ------------------
$primary->safe_psql('postgres', qq{
TRUNCATE fh, fp;
INSERT INTO fh SELECT i, i % 10, 0, repeat('p', 500) FROM generate_series(1, $KEYS) i;
INSERT INTO fp SELECT * FROM fh ORDER BY k;
});
my @sizes;
for my $round (1 .. 10)
{
	# half of the rows grow (forwarded: their pages are full), VACUUM, the
	# size is taken, then they shrink back and VACUUM again
	my $len = 1000 + 50 * $round;
	$primary->safe_psql('postgres', qq{
UPDATE fh SET n = n + 1, pad = repeat('G', $len) WHERE k % 2 = $round % 2;
UPDATE fp SET n = n + 1, pad = repeat('G', $len) WHERE k % 2 = $round % 2;
VACUUM fh;
VACUUM fp;
});
	push @sizes, $primary->safe_psql('postgres', q{SELECT pg_relation_size('fh') || '/' || pg_relation_size('fp')});
	$primary->safe_psql('postgres', qq{
UPDATE fh SET n = n + 1, pad = repeat('s', 400) WHERE k % 2 = $round % 2;
UPDATE fp SET n = n + 1, pad = repeat('s', 400) WHERE k % 2 = $round % 2;
VACUUM fh;
VACUUM fp;
});
}
note "sizes (helios/heap) after the growing half of each round: @sizes";
my ($first) = split m{/}, $sizes[0];
my ($last) = split m{/}, $sizes[-1];
cmp_ok($last, '<=', 2 * $first,
	"table size bounded under repeated forwarding updates and VACUUM ($first -> $last bytes)");
compare_twins('after the size rounds');
compare_standby('after the size rounds');

check_replay_logs($standby, $primary);

ok($standby->stop('fast', fail_ok => 1), 'standby still running at the end');
ok($primary->stop('fast', fail_ok => 1), 'primary still running at the end');
done_testing();
