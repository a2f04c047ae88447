# helios_btree_verify on a corrupt index raises an ERROR (or finds nothing
# wrong), and never crashes the server: random bytes of the index's pages
# (line pointers, item headers, keys, versions, page headers and special
# space) are flipped, on disk, while the server is stopped, and the index
# is verified again from a fresh start.  The seed is printed and
# HELIOS_FUZZ_SEED replays a run.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{HELIOS_FUZZ_SEED} // 4242;
my $rounds = $ENV{HELIOS_FUZZ_ROUNDS} // 24;
diag("seed $seed (replay: HELIOS_FUZZ_SEED=$seed)");
srand($seed);

my $node = PostgreSQL::Test::Cluster->new('fuzz');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
autovacuum = off
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE TABLE fz (id int, g int, v int) USING helios;
CREATE INDEX fz_ig ON fz USING helios_btree (id, g) INCLUDE (v);
INSERT INTO fz SELECT g, g % 97, g FROM generate_series(1, 20000) g;
DELETE FROM fz WHERE id % 7 = 0;
CHECKPOINT;
});
is($node->safe_psql('postgres', "SELECT helios.helios_btree_verify('fz_ig', true)"),
	'', 'the intact index verifies');
my $path = $node->data_dir . '/' . $node->safe_psql('postgres', "SELECT pg_relation_filepath('fz_ig')");
$node->stop;

open(my $fh, '<:raw', $path) or die "open $path: $!";
my $orig = do { local $/; <$fh> };
close($fh);
my $npages = length($orig) / 8192;
ok($npages > 3, "the index has $npages pages");

my ($errors, $clean) = (0, 0);
for my $round (1 .. $rounds)
{
	my $img = $orig;
	# one page other than the metapage, and 1 to 8 bytes of it
	my $page = 1 + int(rand($npages - 1));
	my @flips;
	for (1 .. 1 + int(rand(8)))
	{
		# half of the flips land in the page header and line pointers
		my $off = rand() < 0.5 ? int(rand(24 + 4 * 64)) : int(rand(8192));
		my $bit = 1 << int(rand(8));
		substr($img, $page * 8192 + $off, 1) =
		  chr(ord(substr($img, $page * 8192 + $off, 1)) ^ $bit);
		push @flips, sprintf('%d^%d', $off, $bit);
	}
	open(my $out, '>:raw', $path) or die "write $path: $!";
	print $out $img;
	close($out);

	$node->start;
	my ($ret, $stdout, $stderr) = $node->psql('postgres',
		"SELECT helios.helios_btree_verify('fz_ig', true)");
	my $alive = $node->psql('postgres', 'SELECT 1') == 0;
	my $log = slurp_file($node->logfile);
	ok($alive && $log !~ /terminated by signal/,
		"round $round (page $page, bytes @flips): the server survives")
	  or diag("verify: ret $ret, $stderr");
	if ($ret == 0) { $clean++ } else { $errors++ }
	like($stderr, qr/^$|ERROR/, "round $round: verify ends in an ERROR or passes");
	$node->stop('immediate');
	last unless $alive;
}
diag("$errors rounds reported corruption, $clean found none");
ok($errors > 0, 'corruption is reported');

# the intact file again: verify passes
open(my $out, '>:raw', $path) or die "write $path: $!";
print $out $orig;
close($out);
$node->start;
is($node->safe_psql('postgres', "SELECT helios.helios_btree_verify('fz_ig', true)"),
	'', 'the restored index verifies');

done_testing();
