# CREATE EXTENSION without shared_preload_libraries fails with a clear
# error; a corrupt helios page raises an ERROR naming relation and block
# and the server keeps running.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# --- not preloaded -------------------------------------------------------
my $plain = PostgreSQL::Test::Cluster->new('plain');
$plain->init;
$plain->start;
my ($ret, $out, $err) = $plain->psql('postgres', 'CREATE EXTENSION helios');
isnt($ret, 0, 'CREATE EXTENSION fails without shared_preload_libraries');
like($err, qr/helios must be loaded via shared_preload_libraries/,
	'error names the missing setting');
like($err, qr/HINT:.*shared_preload_libraries/, 'error has a hint');
$plain->stop;

# --- corrupt pages -------------------------------------------------------
my $node = PostgreSQL::Test::Cluster->new('corrupt');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'helios'\n");
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION helios;
CREATE TABLE hmagic (a int, b text) USING helios;
INSERT INTO hmagic SELECT g, 'row ' || g FROM generate_series(1, 100) g;
CREATE TABLE hitem (a int, b text) USING helios;
INSERT INTO hitem SELECT g, 'row ' || g FROM generate_series(1, 100) g;
CREATE TABLE hgood (a int) USING helios;
INSERT INTO hgood SELECT generate_series(1, 10);
});
my $magic_path = $node->safe_psql('postgres', q{SELECT pg_relation_filepath('hmagic')});
my $item_path = $node->safe_psql('postgres', q{SELECT pg_relation_filepath('hitem')});
my $pgdata = $node->data_dir;
$node->stop;

# the special space's magic number: the last 8 bytes hold flags, magic, xid
sub overwrite
{
	my ($file, $offset, $bytes) = @_;
	open(my $fh, '+<', $file) or die "open $file: $!";
	binmode $fh;
	sysseek($fh, $offset, 0) or die "seek: $!";
	syswrite($fh, $bytes) == length($bytes) or die "write: $!";
	close $fh;
}
overwrite("$pgdata/$magic_path", 8192 - 16, "\xde\xad\xbe\xef" x 4);
# line pointer 1 (page header is 24 bytes): offset 8000, length 4000
# (lp_off:15, lp_flags:2 = LP_NORMAL, lp_len:15)
my $lp = 8000 | (1 << 15) | (4000 << 17);
overwrite("$pgdata/$item_path", 24, pack('V', $lp));

$node->start;
($ret, $out, $err) = $node->psql('postgres', 'SELECT count(*) FROM hmagic');
isnt($ret, 0, 'scan of a page with a bad special space fails');
like($err, qr/helios page 0 of relation "hmagic" is corrupt/,
	'error names relation and block');

($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM hitem');
isnt($ret, 0, 'scan of a page with a bad line pointer fails');
like($err, qr/helios page 0 of relation "hitem" is corrupt/,
	'error names relation and block');

($ret, $out, $err) = $node->psql('postgres', q{SELECT * FROM hitem WHERE ctid = '(0,1)'});
isnt($ret, 0, 'TID fetch of a bad line pointer fails');

($ret, $out, $err) = $node->psql('postgres', 'VACUUM hitem');
like($err, qr/relation "hitem" is corrupt/, 'VACUUM reports the corrupt page');

is($node->safe_psql('postgres', 'SELECT count(*) FROM hgood'), '10',
	'server still answers after the errors');
ok(slurp_file($node->logfile) !~ /terminated by signal/, 'no server process crashed');
$node->stop;

done_testing();
