# Differential test of helios's row format: random schemas over every
# built-in type family, every storage mode and compression method, values
# from empty to several MB (across the 2 kB, 8 kB, 64 kB and TOAST
# thresholds, compressible and not), and the same statements (INSERT, COPY,
# UPDATE in-chain and of an indexed key, DELETE, ADD / DROP COLUMN, SET
# STORAGE, VACUUM, CLUSTER) applied to a heap table and to its helios twin.
# After every step the two must agree on
#
# * the statement's outcome: SQLSTATE, error message (table names masked;
#   for "row is too big" and other program limits, the SQLSTATE only), rows
#   affected and the rows it returned (RETURNING);
# * the full contents, in id order: the text output of every column (long
#   values as octet length, md5 and their two ends) and of the whole row;
# * type operators evaluated on the stored values (tsquery @>, int2vector
#   ::text, array subscripts, jsonb @>, range &&, geometric area, the tail
#   of a long text, numeric arithmetic, composite fields, ...);
# * the same contents read through the primary key index, and through every
#   other index of the table (enable_seqscan off).
#
# The run is driven by one seed, printed first; HELIOS_DIFF_SEED=n replays
# a run exactly.  Other knobs: HELIOS_DIFF_TABLES (random tables, default
# 10), HELIOS_DIFF_ONLY (comma-separated table names, e.g. "t3,e1", to run
# only those; the others are still generated, so the data is the same),
# HELIOS_DIFF_MAXLEN (longest value, default 2 MB).  A failure prints the
# table's schema and the statements so far, with %T for the table.
#
# Each table runs in one psql session (both twins, all steps and checks);
# a backend crash ends that session, is reported as a failure of the step
# that caused it, and the run goes on once the server has restarted.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use HeliosTwins;
use IPC::Run;
use Digest::MD5 qw(md5_hex);
use Time::HiRes qw(time);

sub env_or { my ($name, $default) = @_; my $v = $ENV{$name}; return defined $v && $v ne '' ? $v : $default; }
my $SEED = env_or('HELIOS_DIFF_SEED', 20240917);
die "HELIOS_DIFF_SEED must be a non-negative integer" unless $SEED =~ /^\d+$/;
my $NTABLES = env_or('HELIOS_DIFF_TABLES', 10);
my $MAXLEN = env_or('HELIOS_DIFF_MAXLEN', 2_000_000);
my %ONLY = map { $_ => 1 } split /,/, ($ENV{HELIOS_DIFF_ONLY} // '');
diag("seed $SEED (replay: HELIOS_DIFF_SEED=$SEED)");
my $t0 = time;

############################################################################
# deterministic random numbers (xorshift32), independent of Perl's rand(),
# which PostgreSQL::Test::Cluster also draws from

sub rng_new
{
	my ($s) = @_;
	my $x = ($s * 2654435761 + 0x9E3779B9) & 0xFFFFFFFF;
	$x = 1 if $x == 0;
	my $rng = \$x;
	rnd($rng) for 1 .. 4;
	return $rng;
}

sub rnd
{
	my ($r) = @_;
	my $x = $$r;
	$x ^= ($x << 13) & 0xFFFFFFFF;
	$x ^= $x >> 17;
	$x ^= ($x << 5) & 0xFFFFFFFF;
	$$r = $x;
	return $x;
}
sub rint   { my ($r, $n) = @_; return rnd($r) % $n; }
sub pick   { my ($r, @a) = @_; return $a[ rint($r, scalar @a) ]; }
sub chance { my ($r, $p) = @_; return rnd($r) / 4294967296.0 < $p; }

sub shuffle
{
	my ($r, @a) = @_;
	for (my $i = $#a; $i > 0; $i--)
	{
		my $j = rint($r, $i + 1);
		@a[ $i, $j ] = @a[ $j, $i ];
	}
	return @a;
}

############################################################################
# values
#
# A value is undef (NULL), a plain string (its text form, written as a
# quoted literal in SQL), or a hash { sql => expression, raw => sub giving
# the text form } for long values the server generates itself.

# hd_rand(n, s): n characters of an md5 chain (incompressible);
# hd_comp(n, s): n characters of a repeated pattern (compressible)
my %blob_cache;

sub blob
{
	my ($kind, $n, $s) = @_;
	my $key = "$kind/$n/$s";
	return $blob_cache{$key} if exists $blob_cache{$key};
	my $str;
	if ($kind eq 'r')
	{
		$str = join '', map { md5_hex("$s:$_") } 0 .. int($n / 32);
	}
	else
	{
		my $p = "helios-$s-abcdefghij|";
		$str = $p x (int($n / length($p)) + 1);
	}
	$str = substr($str, 0, $n);
	%blob_cache = () if keys %blob_cache > 50;
	return $blob_cache{$key} = $str;
}
sub blob_sql { my ($kind, $n, $s) = @_; return $kind eq 'r' ? "hd_rand($n, $s)" : "hd_comp($n, $s)"; }

# a long value: pre || blob || post, cast to $cast
sub bigval
{
	my ($kind, $n, $s, $pre, $post, $cast) = @_;
	my $sql = blob_sql($kind, $n, $s);
	$sql = "(" . qlit($pre) . " || $sql || " . qlit($post) . ")" if $pre ne '' || $post ne '';
	$sql .= "::$cast" if $cast;
	return { sql => $sql, raw => sub { $pre . blob($kind, $n, $s) . $post } };
}

sub qlit { my ($s) = @_; $s =~ s/'/''/g; return "'$s'"; }

sub sql_of
{
	my ($v) = @_;
	return 'NULL' unless defined $v;
	return ref $v ? $v->{sql} : qlit($v);
}

sub copy_of
{
	my ($v) = @_;
	return '\N' unless defined $v;
	my $s = ref $v ? $v->{raw}->() : $v;
	$s =~ s/\\/\\\\/g;
	$s =~ s/\t/\\t/g;
	$s =~ s/\n/\\n/g;
	$s =~ s/\r/\\r/g;
	return $s;
}

# value lengths: around the short varlena header (126/127/128), the TOAST
# threshold (2 kB), a page (8 kB), the 16-bit offset range (64 kB), large
my @SIZES = grep { $_ <= $MAXLEN }
  (0, 1, 126, 127, 128, 2000, 2100, 8000, 8200, 65000, 65536, 66000, 200000, 2_000_000);
my $MB_LEFT;    # per table
my @SIZE_W = (2, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 0.25);

# a length for a value of column $col in the row being built ($ctx)
sub pick_size
{
	my ($ctx, $cap) = @_;
	my $r = $ctx->{r};
	my $n;
	if (defined $ctx->{forced}) { $n = $ctx->{forced}; }
	else
	{
		my $big_ok = $ctx->{bigleft} > 0;
		# plain storage: values that can fit in a page, unless the row may
		# be invalid
		if (($ctx->{col}{storage} // '') eq 'plain')
		{
			$big_ok = 0;
			$cap = 1000 if $ctx->{valid} && (!defined $cap || $cap > 1000);
		}
		# values of a MB or more: a few per table (run time)
		my @c = grep { ($big_ok || $SIZES[$_] < 65000) && ($SIZES[$_] < 1_000_000 || $MB_LEFT > 0) } 0 .. $#SIZES;
		my $tot = 0;
		$tot += $SIZE_W[$_] for @c;
		my $x = rnd($r) / 4294967296.0 * $tot;
		for (@c) { $n = $SIZES[$_]; last if ($x -= $SIZE_W[$_]) < 0; }
		# often something in between
		$n = rint($r, 300) if chance($r, 0.3);
	}
	$n = $cap if defined $cap && $n > $cap;
	$ctx->{bigleft}-- if $n >= 65000;
	$MB_LEFT-- if $n >= 1_000_000;
	return $n;
}

# text of about $n bytes: small ones written as literals (some with
# characters that need escaping), long ones generated by the server
sub textval
{
	my ($ctx, $cap, $pre, $post, $cast) = @_;
	my $r = $ctx->{r};
	my $n = pick_size($ctx, $cap);
	my $kind = chance($r, 0.5) ? 'r' : 'c';
	my $s = 1 + rint($r, 999999);
	return bigval($kind, $n, $s, $pre // '', $post // '', $cast) if $n > 300;
	if ($n > 0 && chance($r, 0.2) && !defined $pre)
	{
		my $v = pick($r, "line1\nline2", "tab\there", "back\\slash \\N", "quote' \"dq\"",
			" lead and trail ", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "|pipe|", $ctx->{valid} ? () : ("forbidden"));
		return substr($v, 0, $cap // 1000);
	}
	return ($pre // '') . blob($kind, $n, $s) . ($post // '');
}

sub num_digits { my ($r, $n) = @_; my $s = blob('r', $n, rint($r, 99999)); $s =~ tr/a-f/0-5/; return $s; }

sub gen_int
{
	my ($r, $bits) = @_;
	my ($max, $min) = @{ { 16 => [ '32767', '-32768' ], 32 => [ '2147483647', '-2147483648' ],
		64 => [ '9223372036854775807', '-9223372036854775808' ] }->{$bits} };
	my $v = pick($r, "0", "1", "-1", $max, $min, 'r', 'r', 'r');
	$v = (rint($r, 2) ? '' : '-') . rint($r, $bits == 16 ? 32767 : 2000000000) if $v eq 'r';
	return $v;
}

sub gen_ts
{
	my ($r) = @_;
	return sprintf("%04d-%02d-%02d %02d:%02d:%02d.%06d", 1 + rint($r, 9998), 1 + rint($r, 12), 1 + rint($r, 28),
		rint($r, 24), rint($r, 60), rint($r, 60), rint($r, 1000000));
}

sub gen_bits { my ($r, $n) = @_; return join '', map { rint($r, 2) } 1 .. $n; }

sub int_list
{
	my ($n, $s, $mod, $off, $sep) = @_;
	return join $sep, map { ($_ * 7919 + $s) % $mod - $off } 1 .. $n;
}

# points of a polygon / path: $n points
sub points_sql
{
	my ($n, $s) = @_;
	return "(SELECT string_agg('(' || i || ',' || ((i * 7 + $s) % 13) || ')', ',' ORDER BY i) FROM generate_series(1, $n) i)";
}
sub points_raw { my ($n, $s) = @_; return join ',', map { "($_," . (($_ * 7 + $s) % 13) . ")" } 1 .. $n; }

############################################################################
# type families: decl gives the column type (and its parameter), gen a
# value, ops expressions over the stored value (%c), idx an index and a
# predicate it answers

my $HAS_XML;
my $HAS_LZ4;

my @FAMILIES = (
	{ fam => 'int2', decl => sub { 'int2' }, gen => sub { gen_int($_[0]{r}, 16) },
	  ops => [ '%c::int8 * 3 + 1', '%c % 7', '%c > 0' ], idx => [ 'btree', '%c >= -32768' ] },
	{ fam => 'int4', decl => sub { 'int4' }, gen => sub { gen_int($_[0]{r}, 32) },
	  ops => [ '%c::int8 * 3 + 1', '%c % 7' ], idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'int8', decl => sub { 'int8' }, gen => sub { gen_int($_[0]{r}, 64) },
	  ops => [ '%c::numeric * 3 + 1', '%c % 7' ], idx => [ 'btree', '%c > -9223372036854775807' ] },
	{ fam => 'float4', decl => sub { 'float4' },
	  gen => sub { pick($_[0]{r}, 'NaN', 'Infinity', '-Infinity', '-0', '1.17549e-38', '3.4e38', rint($_[0]{r}, 100000) / 7) },
	  ops => [ '%c * 2', '%c = \'NaN\'', '%c < 0' ] },
	{ fam => 'float8', decl => sub { 'float8' },
	  gen => sub { pick($_[0]{r}, 'NaN', 'Infinity', '-0', '2.2250738585072014e-308', '1.7976931348623157e308', rint($_[0]{r}, 1000000) / 13) },
	  ops => [ '%c / 2', '%c::text', '%c > 1' ], idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'numeric', big => 1, decl => sub { pick($_[0], 'numeric', 'numeric', ['numeric(12,3)', 8], ['numeric(1000,20)', 978]) },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  my $tm = $ctx->{col}{tm};
		  return pick($r, 'NaN', ($tm && $ctx->{valid}) ? () : ('Infinity', '-Infinity'), '0', '-0.000001', '123456.123') if chance($r, 0.25);
		  my $n = pick_size($ctx, ($tm && $ctx->{valid}) ? $tm : 131000);
		  $n = 1 if $n < 1;
		  if ($n > 300)
		  {
			  my $s = rint($r, 99999);
			  return { sql => "('9' || translate(hd_rand($n, $s), 'abcdef', '012345') || '.25')::numeric",
				  raw => sub { my $d = blob('r', $n, $s); $d =~ tr/a-f/0-5/; "9$d.25" } };
		  }
		  return (chance($r, 0.5) ? '-' : '') . '9' . num_digits($r, $n) . '.' . num_digits($r, 1 + rint($r, 12));
	  },
	  ops => [ '%c + 1', 'scale(%c)', 'round(%c, 2)', 'sign(%c)', '%c * 2' ] },
	{ fam => 'bool', decl => sub { 'bool' }, gen => sub { pick($_[0]{r}, 't', 'f', 'true', 'off') },
	  ops => [ 'NOT %c', '%c::int' ], idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'char1', decl => sub { '"char"' }, gen => sub { pick($_[0]{r}, 'a', 'Z', '', '0') },
	  ops => [ 'ascii(%c::text)' ] },
	{ fam => 'bpchar', big => 1, varlena => 1,
	  decl => sub { my $n = pick($_[0], 1, 5, 100, 3000, 70000); ("char($n)", $n) },
	  gen => sub { my ($ctx) = @_; textval($ctx, ($ctx->{valid} || chance($ctx->{r}, 0.9)) ? $ctx->{col}{tm} : undef) },
	  ops => [ 'length(%c)', 'octet_length(%c)', 'right(%c::text, 10)' ] },
	{ fam => 'varchar', big => 1, varlena => 1,
	  decl => sub { my $n = pick($_[0], 10, 200, 10000, 10485760); ("varchar($n)", $n) },
	  gen => sub { my ($ctx) = @_; textval($ctx, ($ctx->{valid} || chance($ctx->{r}, 0.9)) ? $ctx->{col}{tm} : undef) },
	  ops => [ 'length(%c)', 'right(%c, 20)', 'md5(%c)' ], idx => [ 'md5', 'md5(%c) IS NOT NULL' ] },
	{ fam => 'text', big => 1, varlena => 1, decl => sub { 'text' }, gen => sub { textval($_[0]) },
	  ops => [ 'length(%c)', 'octet_length(%c)', 'substr(%c, greatest(length(%c) - 40, 1))', 'md5(%c)',
		  'upper(left(%c, 8))', 'position(\'|\' in %c)' ],
	  idx => [ 'md5', 'md5(%c) IS NOT NULL' ] },
	{ fam => 'name', decl => sub { 'name' }, gen => sub { textval($_[0], chance($_[0]{r}, 0.8) ? 63 : 100) },
	  ops => [ 'length(%c)', '%c = \'abc\'::name', '%c::text || \'!\'' ], idx => [ 'btree', '%c >= \'\'' ] },
	{ fam => 'bytea', big => 1, varlena => 1, decl => sub { 'bytea' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  my $n = pick_size($ctx);
		  my $s = 1 + rint($r, 999999);
		  if (chance($r, 0.5))
		  {
			  return { sql => "decode(hd_rand(" . (2 * $n) . ", $s), 'hex')", raw => sub { '\\x' . blob('r', 2 * $n, $s) } };
		  }
		  return { sql => "convert_to(hd_comp($n, $s), 'UTF8')", raw => sub { '\\x' . unpack('H*', blob('c', $n, $s)) } };
	  },
	  ops => [ 'length(%c)', 'md5(%c)', 'substr(%c, greatest(length(%c) - 15, 1))',
		  'CASE WHEN length(%c) > 0 THEN get_byte(%c, length(%c) - 1) END' ] },
	{ fam => 'date', decl => sub { 'date' },
	  gen => sub { my $r = $_[0]{r}; pick($r, 'infinity', '-infinity', '4713-01-01 BC', '2000-02-29', substr(gen_ts($r), 0, 10)) },
	  ops => [ 'extract(year from %c)', '%c > \'2000-01-01\'', 'to_char(%c, \'YYYY-MM-DD Dy\')' ],
	  idx => [ 'btree', '%c > \'-infinity\'' ] },
	{ fam => 'time', decl => sub { pick($_[0], 'time', 'time(2)') },
	  gen => sub { my $r = $_[0]{r}; pick($r, '00:00', '23:59:59.999999', '24:00:00', substr(gen_ts($r), 11)) },
	  ops => [ '%c + interval \'1 hour\'', 'extract(second from %c)' ] },
	{ fam => 'timetz', decl => sub { 'timetz' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '00:00:00-15:59', '12:34:56+05:30', substr(gen_ts($r), 11) . '+02') },
	  ops => [ '%c + interval \'1 minute\'', 'extract(timezone from %c)' ] },
	{ fam => 'timestamp', decl => sub { 'timestamp' },
	  gen => sub { my $r = $_[0]{r}; pick($r, 'infinity', '-infinity', '1999-12-31 23:59:59.123456', gen_ts($r)) },
	  ops => [ 'extract(epoch from %c)', 'date_trunc(\'day\', %c)' ], idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'timestamptz', decl => sub { 'timestamptz' },
	  gen => sub { my $r = $_[0]{r}; pick($r, 'infinity', '2000-01-01 00:00:00+00', gen_ts($r) . '+05:30', gen_ts($r) . ' UTC') },
	  ops => [ 'extract(epoch from %c)', '%c + interval \'1 day\'' ] },
	{ fam => 'interval', decl => sub { 'interval' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '0', '1 year 2 months 3 days 04:05:06.789', '-17800 years', rint($r, 100000) . ' seconds', '@ 3 mons -2 days') },
	  ops => [ 'extract(epoch from %c)', 'justify_hours(%c)', '%c * 2' ] },
	{ fam => 'uuid', decl => sub { 'uuid' },
	  gen => sub { my $h = md5_hex(rnd($_[0]{r})); substr($h, 0, 8) . '-' . substr($h, 8, 4) . '-' . substr($h, 12, 4) . '-' . substr($h, 16, 4) . '-' . substr($h, 20) },
	  ops => [ '%c::text', '%c < \'80000000-0000-0000-0000-000000000000\'' ], idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'inet', varlena => 1, decl => sub { 'inet' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '192.168.1.1/24', '10.1.2.3', '::1', '2001:db8::1/64', rint($r, 256) . '.' . rint($r, 256) . '.0.1/' . rint($r, 33)) },
	  ops => [ 'family(%c)', 'masklen(%c)', 'host(%c)', '%c << \'10.0.0.0/8\'::inet' ], idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'cidr', varlena => 1, decl => sub { 'cidr' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32', '1.2.3.4/32') },
	  ops => [ 'masklen(%c)', 'broadcast(%c)' ] },
	{ fam => 'macaddr', decl => sub { 'macaddr' },
	  gen => sub { join ':', map { sprintf '%02x', rint($_[0]{r}, 256) } 1 .. 6 }, ops => [ 'trunc(%c)' ],
	  idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'macaddr8', decl => sub { 'macaddr8' },
	  gen => sub { join ':', map { sprintf '%02x', rint($_[0]{r}, 256) } 1 .. 8 }, ops => [ 'macaddr8_set7bit(%c)' ] },
	{ fam => 'money', decl => sub { 'money' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '0', '12.34', '-1234567.89', rint($r, 1000000) . '.' . rint($r, 100)) },
	  ops => [ '%c + \'1.00\'::money', '%c::numeric', '%c > \'0\'::money' ] },
	{ fam => 'bit', varlena => 1, decl => sub { my $n = pick($_[0], 1, 8, 64, 1000); ("bit($n)", $n) },
	  gen => sub { my ($ctx) = @_; gen_bits($ctx->{r}, ($ctx->{valid} || chance($ctx->{r}, 0.95)) ? $ctx->{col}{tm} : 3) },
	  ops => [ 'length(%c)', 'bit_count(%c)', '%c >> 1', 'get_bit(%c, 0)' ] },
	{ fam => 'varbit', big => 1, varlena => 1, decl => sub { pick($_[0], 'varbit', 'varbit', ['bit varying(100)', 100]) },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  my $n = pick_size($ctx, ($ctx->{col}{tm} && $ctx->{valid}) ? $ctx->{col}{tm} : 500000);
		  return gen_bits($r, $n) if $n <= 300;
		  return bigval('r', $n / 4, 1 + rint($r, 99999), 'x', '', 'varbit');
	  },
	  ops => [ 'length(%c)', 'bit_count(%c)', 'substring(%c from greatest(length(%c) - 7, 1))', 'position(B\'1\' in %c)' ] },
	{ fam => 'json', big => 1, varlena => 1, decl => sub { 'json' },
	  gen => sub {
		  my ($ctx) = @_;
		  return pick($ctx->{r}, '{}', '[]', 'null', '"str"', '{"a": [1, 2, {"b": null}], "k": "v"}', ' [1 , 2] ') if chance($ctx->{r}, 0.3);
		  return textval($ctx, undef, '{"a": [1, 2, {"b": null}], "k": "', '", "z": true}', 'json');
	  },
	  ops => [ '%c -> \'k\'', 'json_typeof(%c)', '%c #>> \'{a,2}\'' ] },
	{ fam => 'jsonb', big => 1, varlena => 1, decl => sub { 'jsonb' },
	  gen => sub {
		  my ($ctx) = @_;
		  return pick($ctx->{r}, '{}', '[]', 'null', '{"a": [1], "k": 1.50}', '[{"a": [1]}, 2]') if chance($ctx->{r}, 0.3);
		  return textval($ctx, undef, '{"a": [1, 2, {"b": null}], "k": "', '", "z": true}', 'jsonb');
	  },
	  ops => [ '%c -> \'k\'', '%c @> \'{"a": [1]}\'', 'jsonb_typeof(%c)', '%c ? \'z\'', '%c #>> \'{a,2,b}\'' ],
	  idx => [ 'gin', '%c @> \'{"z": true}\'' ] },
	{ fam => 'xml', big => 1, varlena => 1, decl => sub { 'xml' }, need => sub { $HAS_XML },
	  gen => sub {
		  my ($ctx) = @_;
		  return pick($ctx->{r}, '<a>b</a>', 'text content', '<?xml version="1.0"?><r x="1"/>', '') if chance($ctx->{r}, 0.3);
		  return textval($ctx, undef, '<doc><k>', '</k><z a="1"/></doc>', 'xml');
	  },
	  # (no xml_is_well_formed_document / xpath here: together with numeric
	  # output in one query they corrupt memory in PostgreSQL 15.20 itself)
	  ops => [ 'length(%c::text)', 'md5(%c::text)', 'right(%c::text, 20)' ] },
	{ fam => 'int4_arr', big => 1, varlena => 1, decl => sub { pick($_[0], 'int4[]', 'int[][]') },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, '{}', '{1,2,3}', '{NULL,1}', '{{1,2},{3,NULL}}', '[0:2]={7,8,9}', '{{{1,2}},{{3,4}}}') if chance($r, 0.4);
		  my $n = int(pick_size($ctx, 140000) / 6);
		  my $s = rint($r, 99999);
		  return '{' . int_list($n, $s, 100003, 50000, ',') . '}' if $n < 50;
		  return { sql => "coalesce((SELECT array_agg((i * 7919 + $s) % 100003 - 50000 ORDER BY i) FROM generate_series(1, $n) i), '{}')",
			  raw => sub { '{' . int_list($n, $s, 100003, 50000, ',') . '}' } };
	  },
	  ops => [ 'array_length(%c, 1)', 'array_ndims(%c)', 'cardinality(%c)', '%c[1]', '%c[array_upper(%c, 1)]',
		  '%c @> \'{1}\'', 'array_lower(%c, 1)', '%c[1:2]' ],
	  idx => [ 'gin', '%c && \'{1,2,3,7}\'' ] },
	{ fam => 'text_arr', big => 1, varlena => 1, decl => sub { 'text[]' },
	  gen => sub {
		  my ($ctx) = @_;
		  return pick($ctx->{r}, '{}', '{"a b","c,d",NULL,"\\"q\\""}', '{{a,b},{c,NULL}}', '{NULL}', '{""}') if chance($ctx->{r}, 0.35);
		  return textval($ctx, undef, '{"x y",NULL,"', '",z}', 'text[]');
	  },
	  ops => [ 'array_length(%c, 1)', 'hd_d(%c[3])', '%c @> \'{z}\'', 'array_to_string(%c, \',\', \'*\')', 'array_dims(%c)' ] },
	{ fam => 'numeric_arr', varlena => 1, decl => sub { 'numeric[]' },
	  gen => sub { pick($_[0]{r}, '{1.5,NaN,NULL}', '{{1,2},{3,4}}', '{{{1}}}', '{}', '{-0.001,1e10}', '{' . num_digits($_[0]{r}, 40) . '}') },
	  ops => [ '%c[1] + 1', 'array_dims(%c)', '%c @> \'{1.5}\'', '%c[1][1]' ] },
	{ fam => 'tsvector', big => 1, varlena => 1, decl => sub { 'tsvector' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, 'a fat cat', "'a':1A 'b':2B,3", '', 'z:1 y:2 a:3') if chance($r, 0.4);
		  my $n = pick_size($ctx, 200000);
		  my $s = 1 + rint($r, 99999);
		  return { sql => "regexp_replace(hd_rand($n, $s), '(.{8})', '\\1 ', 'g')::tsvector",
			  raw => sub { my $b = blob('r', $n, $s); $b =~ s/(.{8})/$1 /g; $b } };
	  },
	  ops => [ 'length(%c)', '%c @@ \'a & b\'::tsquery', 'md5(strip(%c)::text)', 'cardinality(tsvector_to_array(%c))' ],
	  idx => [ 'gin', '%c @@ \'a | cat\'::tsquery' ] },
	{ fam => 'tsquery', varlena => 1, plain => 1, decl => sub { 'tsquery' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, 'a & b', '!(a | b) & c:*', 'a <-> b', "'x' & 'y':*B", 'a') if chance($r, 0.5);
		  my $n = pick($r, 10, 50, $ctx->{valid} ? () : (300, 450, 600));
		  return join ' & ', map { "w$_" } 1 .. $n;
	  },
	  ops => [ '%c @> \'a\'::tsquery', 'numnode(%c)', 'querytree(%c)', '%c::text', '\'a b c\'::tsvector @@ %c' ] },
	{ fam => 'int2vector', varlena => 1, plain => 1, decl => sub { 'int2vector' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, '1 2 3', '', '0', '-32768 32767') if chance($r, 0.5);
		  return int_list(pick($r, 60, 63, 64, 1000, $ctx->{valid} ? () : (4000, 4060, 4100)), rint($r, 999), 65536, 32768, ' ');
	  },
	  ops => [ '%c::text', '%c = \'1 2 3\'::int2vector', '%c[0]', 'array_length(%c::int2[], 1)' ] },
	{ fam => 'oidvector', varlena => 1, plain => 1, decl => sub { 'oidvector' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, '1 2 3', '', '4294967295', '23 25') if chance($r, 0.5);
		  return int_list(pick($r, 31, 32, 500, $ctx->{valid} ? () : (2000, 2020, 2100)), rint($r, 999), 4000000, 0, ' ');
	  },
	  ops => [ '%c::text', '%c[0]', '%c = \'1 2 3\'::oidvector' ] },
	{ fam => 'oid', decl => sub { 'oid' }, gen => sub { pick($_[0]{r}, '0', '4294967295', rint($_[0]{r}, 100000)) },
	  ops => [ '%c::int8 + 1' ] },
	{ fam => 'pg_lsn', decl => sub { 'pg_lsn' }, gen => sub { sprintf('%X/%X', rint($_[0]{r}, 1000), rnd($_[0]{r})) },
	  ops => [ '%c - \'0/0\'::pg_lsn', '%c > \'1/0\'' ] },
	{ fam => 'point', decl => sub { 'point' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '(1,2)', '(-1.5e300,3)', '(0,0)', '(' . rint($r, 100) . ',' . rint($r, 100) . ')') },
	  ops => [ '(%c)[0]', '%c <-> point(0,0)', '%c ~= point(1,2)' ], idx => [ 'gist', '%c <@ box \'(0,0),(50,50)\'' ] },
	{ fam => 'box', decl => sub { 'box' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '(1,2),(3,4)', '(0,0),(0,0)', '(' . rint($r, 100) . ',1),(5,' . rint($r, 100) . ')') },
	  ops => [ 'area(%c)', 'center(%c)', '%c ~= box \'(1,2),(3,4)\'' ], idx => [ 'gist', '%c && box \'(0,0),(10,10)\'' ] },
	{ fam => 'polygon', big => 1, varlena => 1, decl => sub { 'polygon' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, '((0,0),(1,1),(1,0))', '((1,2))', '((0,0),(4,0),(4,4),(0,4))') if chance($r, 0.4);
		  my $n = int(pick_size($ctx, 70000) / 16) + 1;
		  my $s = rint($r, 999);
		  return { sql => "('(' || " . points_sql($n, $s) . " || ')')::polygon", raw => sub { '(' . points_raw($n, $s) . ')' } };
	  },
	  ops => [ 'npoints(%c)', '@@ %c', 'area(path(%c))', '%c ~= polygon \'((0,0),(1,1),(1,0))\'' ] },
	{ fam => 'path', big => 1, varlena => 1, decl => sub { 'path' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, '[(0,0),(1,1)]', '((0,0),(1,1),(2,0))', '[(1,2)]') if chance($r, 0.4);
		  my $n = int(pick_size($ctx, 70000) / 16) + 1;
		  my $s = rint($r, 999);
		  return { sql => "('[' || " . points_sql($n, $s) . " || ']')::path", raw => sub { '[' . points_raw($n, $s) . ']' } };
	  },
	  ops => [ 'npoints(%c)', 'isclosed(%c)', 'length(%c)', 'area(%c)' ] },
	{ fam => 'circle', decl => sub { 'circle' },
	  gen => sub { my $r = $_[0]{r}; pick($r, '<(1,2),3>', '<(0,0),0>', '<(' . rint($r, 50) . ',2),' . rint($r, 9) . '>') },
	  ops => [ 'area(%c)', 'center(%c)', 'radius(%c)', '%c ~= circle \'<(1,2),3>\'' ] },
	{ fam => 'line', decl => sub { 'line' }, gen => sub { pick($_[0]{r}, '{1,-1,0}', '{0,1,5}', '{2,3,' . rint($_[0]{r}, 9) . '}') },
	  ops => [ '%c = line \'{1,-1,0}\'', '%c ?|| line \'{2,-2,7}\'' ] },
	{ fam => 'lseg', decl => sub { 'lseg' }, gen => sub { pick($_[0]{r}, '[(0,0),(1,1)]', '[(0,0),(5,0)]', '[(1,2),(1,' . rint($_[0]{r}, 9) . ')]') },
	  ops => [ 'length(%c)', '@@ %c', '?- %c' ] },
	{ fam => 'int4range', varlena => 1, decl => sub { 'int4range' },
	  gen => sub { my $r = $_[0]{r}; my $a = rint($r, 100); pick($r, 'empty', '(,5]', '[3,)', "[$a," . ($a + rint($r, 50) + 1) . ')') },
	  ops => [ 'lower(%c)', 'upper(%c)', 'isempty(%c)', '%c @> 5', '%c && \'[1,10)\'::int4range' ],
	  idx => [ 'gist', '%c && \'[0,40)\'::int4range' ] },
	{ fam => 'numrange', varlena => 1, decl => sub { 'numrange' },
	  gen => sub { pick($_[0]{r}, '[1.5,2.5]', 'empty', '(,0.001)', '[-1e20,1e20)') },
	  ops => [ 'lower(%c)', '%c @> 1.5', '%c && \'[0,1]\'::numrange' ] },
	{ fam => 'tstzrange', varlena => 1, decl => sub { 'tstzrange' },
	  gen => sub { pick($_[0]{r}, '["2020-01-01 00:00+00","2021-01-01 00:00+00")', 'empty', '[2020-06-01 12:00+02,)') },
	  ops => [ 'lower(%c)', '%c @> \'2020-06-01 00:00+00\'::timestamptz' ] },
	{ fam => 'int4multirange', big => 1, varlena => 1, decl => sub { 'int4multirange' },
	  gen => sub {
		  my ($ctx) = @_;
		  my $r = $ctx->{r};
		  return pick($r, '{}', '{[1,3),[5,7)}', '{empty}', '{(,2],[10,)}') if chance($r, 0.5);
		  my $n = int(pick_size($ctx, 70000) / 9) + 1;
		  return { sql => "(SELECT '{' || string_agg('[' || 3 * i || ',' || 3 * i + 1 || ')', ',' ORDER BY i) || '}' FROM generate_series(1, $n) i)::int4multirange",
			  raw => sub { '{' . join(',', map { '[' . 3 * $_ . ',' . (3 * $_ + 1) . ')' } 1 .. $n) . '}' } };
	  },
	  ops => [ 'range_merge(%c)', '%c @> 6', '%c && \'{[1,10)}\'::int4multirange', 'upper(%c)' ] },
	{ fam => 'nummultirange', varlena => 1, decl => sub { 'nummultirange' },
	  gen => sub { pick($_[0]{r}, '{}', '{[1.5,2.5],[3,4)}', '{(,0)}') }, ops => [ '%c @> 1.5', 'lower(%c)' ] },
	{ fam => 'composite', big => 1, varlena => 1, decl => sub { 'hd_rec' },
	  gen => sub {
		  my ($ctx) = @_;
		  return pick($ctx->{r}, '(,,,)', '(1,"a b",2.5,"{1,2}")', '(-7,"",NaN,{})') if chance($ctx->{r}, 0.3);
		  return textval($ctx, undef, '(42,"', '",3.14,"{1,NULL,3}")', 'hd_rec');
	  },
	  ops => [ '(%c).a', 'length((%c).b)', 'right((%c).b, 10)', '(%c).c + 1', '(%c).d[1]' ] },
	{ fam => 'dom_text', big => 1, varlena => 1, decl => sub { 'hd_dtext' }, gen => sub { textval($_[0], $_[0]{valid} ? 900000 : undef) },
	  ops => [ 'length(%c)', 'right(%c, 12)', 'md5(%c)' ] },
	{ fam => 'dom_int', decl => sub { 'hd_dint' }, gen => sub { pick($_[0]{r}, '0', '5', '-999', $_[0]{valid} ? () : ('-5000'), '2147483647') },
	  ops => [ '%c::int8 + 1' ], idx => [ 'btree', '%c IS NOT NULL' ] },
	{ fam => 'enum', decl => sub { 'hd_mood' }, gen => sub { pick($_[0]{r}, 'sad', 'meh', 'ok', 'happy') },
	  ops => [ '%c::text', '%c > \'ok\'' ], idx => [ 'btree', '%c IS NOT NULL' ] },
);
my %FAM = map { $_->{fam} => $_ } @FAMILIES;

############################################################################
# the server

my $node = PostgreSQL::Test::Cluster->new('rowfmt');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'helios'
# keys are ordinary btree indexes
helios.btree_routing = off
autovacuum = off
restart_after_crash = on
log_min_messages = warning
max_wal_size = 2GB
});
$node->start;
$node->safe_psql('postgres', <<'SQL');
CREATE EXTENSION helios;
CREATE FUNCTION hd_rand(n int, s int) RETURNS text IMMUTABLE STRICT LANGUAGE sql AS
$$ SELECT left(string_agg(md5(s || ':' || i), '' ORDER BY i), n) FROM generate_series(0, n / 32) i $$;
CREATE FUNCTION hd_comp(n int, s int) RETURNS text IMMUTABLE STRICT LANGUAGE sql AS
$$ SELECT left(repeat('helios-' || s || '-abcdefghij|', n / length('helios-' || s || '-abcdefghij|') + 1), n) $$;
-- a value's text: itself when short, else length, md5 and both ends
CREATE FUNCTION hd_esc(t text) RETURNS text IMMUTABLE LANGUAGE sql AS
$$ SELECT replace(replace(replace(t, E'\\', E'\\\\'), E'\n', E'\\n'), '|', E'\\p') $$;
CREATE FUNCTION hd_d(t text) RETURNS text IMMUTABLE LANGUAGE sql AS
$$ SELECT CASE WHEN t IS NULL THEN '~null~'
	WHEN octet_length(t) <= 200 THEN hd_esc(t)
	ELSE octet_length(t) || '#' || md5(t) || '#' || hd_esc(left(t, 24)) || '...' || hd_esc(right(t, 24)) END $$;
-- a volatile default: ADD COLUMN rewrites the table
CREATE FUNCTION hd_vol(v anyelement) RETURNS anyelement VOLATILE LANGUAGE plpgsql AS
$$ BEGIN RETURN v; END $$;
CREATE TYPE hd_rec AS (a int, b text, c numeric, d int[]);
CREATE DOMAIN hd_dtext AS text CHECK (VALUE <> 'forbidden' AND length(VALUE) < 1000000);
CREATE DOMAIN hd_dint AS int CHECK (VALUE > -1000);
CREATE TYPE hd_mood AS ENUM ('sad', 'ok', 'happy');
SQL
$node->safe_psql('postgres', q{ALTER TYPE hd_mood ADD VALUE 'meh' BEFORE 'ok'});
$HAS_XML = $node->psql('postgres', q{SELECT '<a/>'::xml}) == 0;
$HAS_LZ4 = $node->psql('postgres', q{SET default_toast_compression = lz4}) == 0;
note("server has xml: " . ($HAS_XML ? 'yes' : 'no') . ", lz4: " . ($HAS_LZ4 ? 'yes' : 'no'));
@FAMILIES = grep { !$_->{need} || $_->{need}->() } @FAMILIES;
my @STORAGES = qw(plain main external extended);
my @COMPRESSIONS = ('pglz', $HAS_LZ4 ? ('lz4') : ());

############################################################################
# tables and their steps
#
# A table is { name, cols => [ col ], steps => [ step ] }; a column is
# { name, fam, type, tm, notnull, storage, compression, key }; a step is
# { kind, sql (with %T for the table), pre (run once, not per twin) }.
# The model of the columns follows the ALTER TABLE steps.

my $COPYDIR = $node->basedir . '/copy';
mkdir $COPYDIR;

sub new_col
{
	my ($r, $fam, $idx) = @_;
	my ($type, $tm) = $fam->{decl}->($r);
	($type, $tm) = @$type if ref $type;
	my $c = { name => "c${idx}_$fam->{fam}", fam => $fam->{fam}, type => $type, tm => $tm,
		notnull => chance($r, 0.15) };
	if ($fam->{varlena} && !$fam->{plain})
	{
		$c->{storage} = pick($r, @STORAGES) if chance($r, 0.45);
		$c->{compression} = pick($r, @COMPRESSIONS) if chance($r, 0.35);
	}
	return $c;
}

sub live_cols { my ($t) = @_; return grep { !$_->{dropped} } @{ $t->{cols} }; }

# one row: id, then a value for every live column (or a subset)
sub gen_row
{
	my ($t, $r, $id, $cols, $valid) = @_;
	my %row = (id => $id);
	# most rows are valid; some may break a limit or a constraint (the
	# 'bad insert' steps always try to)
	$valid //= !chance($r, 0.03);
	my $ctx = { r => $r, bigleft => chance($r, 0.5) ? 1 : 2, valid => $valid };
	for my $c (@$cols)
	{
		next if $c->{name} eq 'id';
		if ($c->{name} eq 'k') { $row{k} = rint($r, 12) < 1 ? undef : rint($r, 1000); next; }
		if (chance($r, $c->{notnull} ? ($valid ? 0 : 0.1) : 0.12)) { $row{ $c->{name} } = undef; next; }
		$ctx->{col} = $c;
		$ctx->{forced} = undef;
		# the table's focus column goes through every length in turn
		if (defined $t->{focus} && $t->{focus} eq $c->{name})
		{
			$ctx->{forced} = $SIZES[ $t->{focus_i}++ % @SIZES ];
		}
		$row{ $c->{name} } = $FAM{ $c->{fam} }{gen}->($ctx);
	}
	return \%row;
}

sub insert_sql
{
	my ($cols, $rows, $returning) = @_;
	my $names = join ', ', map { $_->{name} } @$cols;
	my $vals = join ",\n  ", map { my $row = $_; '(' . join(', ', map { sql_of($row->{ $_->{name} }) } @$cols) . ')' } @$rows;
	my $sql = "INSERT INTO %T ($names) VALUES\n  $vals";
	return $sql unless $returning;
	return "WITH r AS ($sql\n  RETURNING *) SELECT " . digest_list(live_cols_of($cols), 'r') . " FROM r ORDER BY id";
}

sub live_cols_of { my ($cols) = @_; return [ grep { !$_->{dropped} } @$cols ]; }

# the digest of a table's columns: the text of each column and of the row
sub digest_list
{
	my ($cols, $alias) = @_;
	return join ', ', 'id', "md5($alias\::text)", map { "hd_d($_->{name}::text)" } grep { $_->{name} ne 'id' } @$cols;
}

sub ops_list
{
	my ($cols) = @_;
	my @e = ('id');
	my @labels = ('id');
	for my $c (@$cols)
	{
		next if $c->{name} eq 'id' || $c->{name} eq 'k';
		for my $op (@{ $FAM{ $c->{fam} }{ops} })
		{
			(my $e = $op) =~ s/%c/$c->{name}/g;
			push @e, "hd_d(($e)::text)";
			push @labels, $e;
		}
	}
	return (join(', ', @e), \@labels);
}

sub copy_step
{
	my ($t, $r, $rows, $cols) = @_;
	my $names = join ', ', map { $_->{name} } @$cols;
	my $data = join '', map { my $row = $_; join("\t", map { copy_of($row->{ $_->{name} }) } @$cols) . "\n" } @$rows;
	if (chance($r, 0.5))
	{
		return { kind => 'copy from stdin', sql => "COPY %T ($names) FROM STDIN;\n$data\\.", rows => scalar @$rows };
	}
	my $file = "$COPYDIR/$t->{name}_" . ($t->{nfile}++) . '.txt';
	open my $fh, '>:raw', $file or die "$file: $!";
	print $fh $data;
	close $fh;
	return { kind => 'copy from file', sql => "COPY %T ($names) FROM '$file'", rows => scalar @$rows };
}

# the next id for new rows
sub next_id { my ($t, $n) = @_; my $id = $t->{next_id}; $t->{next_id} += $n; return $id; }

# a random table and its steps
sub gen_table
{
	my ($tab_i, $fams, $r, $force_all) = @_;
	$MB_LEFT = 2;
	my $t = { name => "t$tab_i", cols => [], steps => [], next_id => 1, nfile => 0, focus_i => rint($r, 14) };
	my @cols = map { new_col($r, $_, $_->{_i}) } @$fams;
	if ($force_all)
	{
		# every storage mode and compression method, whatever the seed
		my @v = grep { $FAM{ $_->{fam} }{varlena} && !$FAM{ $_->{fam} }{plain} } @cols;
		my @modes = (@STORAGES, 'extended');
		for my $k (0 .. $#modes)
		{
			last if $k > $#v;
			$v[$k]{storage} = $modes[$k];
			$v[$k]{compression} = $COMPRESSIONS[ $k % @COMPRESSIONS ];
		}
	}
	push @cols, { name => 'k', fam => 'int4', type => 'int4', key => 1 } if chance($r, 0.8);
	@cols = shuffle($r, @cols);
	# id somewhere (often last: it then lives after the long values)
	my $pos = chance($r, 0.4) ? scalar @cols : rint($r, @cols + 1);
	splice @cols, $pos, 0, { name => 'id', fam => 'int4', type => 'int4', key => 1, notnull => 1 };
	$t->{cols} = \@cols;
	my ($focus) = grep { my $f = $FAM{ $_->{fam} }; $f->{big} && !$_->{key} && ($_->{storage} // '') ne 'plain' } @cols;
	$t->{focus} = $focus->{name} if $focus;

	my @ddl = ("CREATE TABLE %T (" . join(', ', map { "$_->{name} $_->{type}" . ($_->{notnull} ? ' NOT NULL' : '') } @cols) . ")");
	push @ddl, "ALTER TABLE %T ADD PRIMARY KEY (id)";
	push @ddl, "CREATE INDEX %T_k ON %T (k)" if grep { $_->{name} eq 'k' } @cols;
	for my $c (@cols)
	{
		push @ddl, "ALTER TABLE %T ALTER COLUMN $c->{name} SET STORAGE $c->{storage}" if $c->{storage};
		push @ddl, "ALTER TABLE %T ALTER COLUMN $c->{name} SET COMPRESSION $c->{compression}" if $c->{compression};
		my $ix = $FAM{ $c->{fam} }{idx};
		if ($ix && !$c->{key} && chance($r, 0.35))
		{
			my $expr = $ix->[0] eq 'md5' ? "(md5($c->{name}))" : "($c->{name})";
			my $using = $ix->[0] eq 'md5' ? 'btree' : $ix->[0];
			push @ddl, "CREATE INDEX %T_$c->{name} ON %T USING $using $expr";
			($c->{pred} = $ix->[1]) =~ s/%c/$c->{name}/g;
		}
	}
	push @{ $t->{steps} }, { kind => 'create', sql => $_, cols => [ map { +{%$_} } @cols ] } for @ddl;

	my $nsteps = 12 + rint($r, 8);
	my @kinds = (('insert') x 3, ('insert many') x 3, ('copy') x 3, 'insert select', ('update') x 3,
		('update key') x 2, 'update grow', 'delete', 'add column', 'drop column', 'set storage',
		'vacuum', 'bad insert');
	# start with data: one multi-row insert and one COPY
	my @plan = ('insert many', 'copy', map { pick($r, @kinds) } 1 .. $nsteps);
	for my $kind (@plan)
	{
		my $st = gen_step($t, $r, $kind);
		$st->{cols} = [ map { +{%$_} } live_cols($t) ];
		push @{ $t->{steps} }, $st;
	}
	return $t;
}

sub data_cols { my ($t) = @_; return [ live_cols($t) ]; }

sub some_cols
{
	my ($t, $r, $n) = @_;
	my @c = grep { !$_->{key} } live_cols($t);
	@c = shuffle($r, @c);
	return @c[ 0 .. ($n > @c ? $#c : $n - 1) ];
}

sub gen_step
{
	my ($t, $r, $kind) = @_;
	my $cols = data_cols($t);
	if ($kind eq 'insert')
	{
		my $row = gen_row($t, $r, next_id($t, 1), $cols);
		return { kind => 'insert returning', sql => insert_sql($cols, [$row], 1) };
	}
	if ($kind eq 'insert many')
	{
		my $n = 2 + rint($r, 7);
		my $id = next_id($t, $n);
		my @rows = map { gen_row($t, $r, $id + $_, $cols) } 0 .. $n - 1;
		return { kind => 'insert many', sql => insert_sql($cols, \@rows, chance($r, 0.5)) };
	}
	if ($kind eq 'copy')
	{
		my $n = 1 + rint($r, 5);
		my $id = next_id($t, $n);
		my @rows = map { gen_row($t, $r, $id + $_, $cols) } 0 .. $n - 1;
		return copy_step($t, $r, \@rows, $cols);
	}
	if ($kind eq 'insert select')
	{
		my $base = next_id($t, 100000);
		my $m = 2 + rint($r, 3);
		my @names = map { $_->{name} } @$cols;
		my $sel = join ', ', map { $_ eq 'id' ? "id + $base" : $_ } @names;
		return { kind => 'insert select', sql => "INSERT INTO %T (" . join(', ', @names) . ") SELECT $sel FROM %T WHERE id % $m = " . rint($r, $m) };
	}
	if ($kind eq 'update' || $kind eq 'update grow')
	{
		my @set;
		for my $c (some_cols($t, $r, $kind eq 'update grow' ? 1 : 1 + rint($r, 3)))
		{
			my $v;
			if ($kind eq 'update grow')
			{
				my $ctx = { r => $r, col => $c, bigleft => 1, valid => 1, forced => pick($r, 8200, 65000, 66000, 200000) };
				$ctx->{forced} = $MAXLEN if $ctx->{forced} > $MAXLEN;
				$v = sql_of($FAM{ $c->{fam} }{gen}->($ctx));
			}
			elsif (chance($r, 0.15)) { $v = 'NULL'; }
			elsif (chance($r, 0.3) && $c->{fam} =~ /^(text|dom_text|varchar)$/) { $v = "$c->{name} || '-upd'"; }
			else
			{
				$v = sql_of($FAM{ $c->{fam} }{gen}->({ r => $r, col => $c, bigleft => 1, valid => !chance($r, 0.1) }));
			}
			push @set, "$c->{name} = $v";
		}
		return { kind => 'skip' } unless @set;
		my $m = 1 + rint($r, 3);
		my $sql = "UPDATE %T SET " . join(', ', @set) . " WHERE id % $m = " . rint($r, $m);
		return { kind => "$kind (in-chain)", sql => "WITH r AS ($sql RETURNING *) SELECT " . digest_list($cols, 'r') . " FROM r ORDER BY id" };
	}
	if ($kind eq 'update key')
	{
		my $m = 2 + rint($r, 3);
		my $has_k = grep { $_->{name} eq 'k' } @$cols;
		my $set = ($has_k && chance($r, 0.7)) ? 'k = coalesce(k, 0) + 1000' : 'id = id + ' . next_id($t, 200000);
		my $sql = "UPDATE %T SET $set WHERE id % $m = " . rint($r, $m);
		return { kind => 'update indexed key', sql => "WITH r AS ($sql RETURNING *) SELECT " . digest_list($cols, 'r') . " FROM r ORDER BY id" };
	}
	if ($kind eq 'delete')
	{
		my $m = 3 + rint($r, 4);
		return { kind => 'delete', sql => "WITH r AS (DELETE FROM %T WHERE id % $m = " . rint($r, $m) . " RETURNING *) SELECT " . digest_list($cols, 'r') . " FROM r ORDER BY id" };
	}
	if ($kind eq 'add column')
	{
		my $fam = pick($r, @FAMILIES);
		my $c = new_col($r, $fam, 100 + scalar @{ $t->{cols} });
		delete $c->{storage};
		delete $c->{compression};
		my $how = pick($r, 'plain', 'default', 'volatile');
		my $def = '';
		if ($how ne 'plain')
		{
			# a constant default is stored in pg_attribute (no TOAST): keep
			# it short; a volatile one rewrites the table and may be long.
			# DEFAULT takes no subquery: written as a literal
			my $ctx = { r => $r, col => $c, bigleft => 1, valid => 1 };
			$ctx->{forced} = pick($r, 0, 1, 127, 1000) if $how eq 'default';
			$ctx->{forced} = pick($r, 0, 127, 2100, 8200, 66000) if $how eq 'volatile';
			my $v = $fam->{gen}->($ctx);
			$v = $v->{raw}->() if ref $v;
			$def = ' DEFAULT ' . ($how eq 'volatile' ? "hd_vol(" . sql_of($v) . "::$c->{type})" : sql_of($v) . "::$c->{type}");
		}
		$c->{notnull} = 0 if $how eq 'plain';
		push @{ $t->{cols} }, $c;
		return { kind => "add column ($how)", sql => "ALTER TABLE %T ADD COLUMN $c->{name} $c->{type}" . ($c->{notnull} ? ' NOT NULL' : '') . $def };
	}
	if ($kind eq 'drop column')
	{
		my ($c) = some_cols($t, $r, 1);
		return { kind => 'skip' } unless $c && $c->{name} ne ($t->{focus} // '') && (grep { !$_->{key} } live_cols($t)) > 1;
		$c->{dropped} = 1;
		return { kind => 'drop column', sql => "ALTER TABLE %T DROP COLUMN $c->{name}" };
	}
	if ($kind eq 'set storage')
	{
		my ($c) = grep { $FAM{ $_->{fam} }{varlena} && !$FAM{ $_->{fam} }{plain} } some_cols($t, $r, 100);
		return { kind => 'skip' } unless $c;
		if (chance($r, 0.6)) { $c->{storage} = pick($r, @STORAGES); return { kind => 'set storage', sql => "ALTER TABLE %T ALTER COLUMN $c->{name} SET STORAGE $c->{storage}" }; }
		$c->{compression} = pick($r, @COMPRESSIONS);
		return { kind => 'set compression', sql => "ALTER TABLE %T ALTER COLUMN $c->{name} SET COMPRESSION $c->{compression}" };
	}
	if ($kind eq 'vacuum')
	{
		my $v = pick($r, 'VACUUM %T', 'VACUUM FULL %T', 'CLUSTER %T USING %T_pkey', 'VACUUM (FREEZE, ANALYZE) %T');
		return { kind => 'vacuum', sql => $v };
	}
	if ($kind eq 'bad insert')
	{
		# an error both twins must report the same way
		my $row = gen_row($t, $r, 1, $cols, 0);    # id 1 exists, or is a duplicate soon
		my ($nn) = grep { $_->{notnull} && $_->{name} ne 'id' } @$cols;
		$row->{ $nn->{name} } = undef if $nn && chance($r, 0.5);
		my $sql = insert_sql($cols, [$row], 0);
		return { kind => 'insert failing', sql => "$sql ON CONFLICT (id) DO UPDATE SET id = excluded.id + 0" } if chance($r, 0.3);
		return { kind => 'insert duplicate or invalid', sql => $sql };
	}
	die "unknown step kind $kind";
}

# the tables whose schema and statements are fixed: the row format's
# known-hard cases, whatever the seed
sub fixed_tables
{
	my @t;
	my $bt = 'CREATE TABLE %T (id int PRIMARY KEY, big text, tail text)';
	push @t, { name => 'e1', cols => [ { name => 'id', fam => 'int4', key => 1 }, { name => 'big', fam => 'text' }, { name => 'tail', fam => 'text' } ],
		steps => [ { kind => 'create', sql => $bt },
			{ kind => 'insert select', sql => q{INSERT INTO %T SELECT n, repeat('abcdefghij', n), 'tail-ok' FROM (VALUES (6500),(6560),(20000)) v(n)} },
			{ kind => 'insert returning', sql => q{WITH r AS (INSERT INTO %T VALUES (1, hd_rand(65536, 1), 'tail-1'), (2, hd_rand(66000, 2), 'tail-2'), (3, hd_comp(2000000, 3), 'tail-3') RETURNING *) SELECT id, md5(big), tail FROM r} },
			{ kind => 'update (in-chain)', sql => q{UPDATE %T SET tail = tail || '+' WHERE id % 2 = 0} },
			{ kind => 'update grow', sql => q{UPDATE %T SET big = big || hd_comp(70000, 9) WHERE id < 10} } ] };
	push @t, { name => 'e2', cols => [ { name => 'id', fam => 'int4', key => 1 }, { name => 'v', fam => 'int2vector' }, { name => 'q', fam => 'tsquery' }, { name => 'o', fam => 'oidvector' } ],
		steps => [ { kind => 'create', sql => 'CREATE TABLE %T (id int PRIMARY KEY, v int2vector, q tsquery, o oidvector)' },
			{ kind => 'insert', sql => q{INSERT INTO %T VALUES (1, '1 2 3', 'a & b', '1 2 3'), (2, '', 'x:* | !y', ''), (3, NULL, NULL, '4294967295 0')} } ] };
	push @t, { name => 'e3', cols => [ { name => 'id', fam => 'int4', key => 1 }, { name => 'v', fam => 'text' } ],
		steps => [ { kind => 'create', sql => 'CREATE TABLE %T (id int PRIMARY KEY, v text)' },
			{ kind => 'set storage', sql => 'ALTER TABLE %T ALTER COLUMN v SET STORAGE plain' },
			# helios's largest row is 8,152 bytes (heap: 8,160) and its rows
			# carry a slot per column: (int, text) fits up to 8,116 text bytes
			# in helios, 8,128 in heap.  Between the two, helios refuses the
			# row by design (docs/architecture.md, sql/13_row_format.sql);
			# these lengths fit both or neither
			map { { kind => "insert plain $_", sql => "INSERT INTO %T VALUES ($_, repeat('x', $_))" } } (8100, 8116, 8129) ] };
	push @t, { name => 'e4', cols => [ { name => 'id', fam => 'int4', key => 1 }, { name => 'a', fam => 'text' }, { name => 'b', fam => 'text' } ],
		steps => [ { kind => 'create', sql => 'CREATE TABLE %T (id int PRIMARY KEY, a text, b text)' },
			{ kind => 'insert', sql => q{INSERT INTO %T VALUES (1, repeat('1234567890', 30000) || '-', 'a')} },
			{ kind => 'copy from stdin', sql => "COPY %T FROM STDIN;\n2\t" . ('0123456789' x 7000) . "\tb\n\\." } ] };
	return @t;
}

############################################################################
# running a table: one psql session runs every step on both twins, then
# the checks; blocks of output are delimited by @@B lines

sub twin_name { my ($t, $side) = @_; return $side eq 'h' ? "helios_$t->{name}" : "heap_$t->{name}"; }

sub for_twin
{
	my ($sql, $t, $side) = @_;
	my $n = twin_name($t, $side);
	$sql =~ s/%T/$n/g;
	$sql .= ';' unless $sql =~ /\\\.\z/;
	return $sql;
}

sub block
{
	my ($tag, $sql, $setup) = @_;
	return "\\echo '\@\@B $tag'\n" . ($setup // '') . "$sql\n\\echo '\@\@E' :SQLSTATE :ROW_COUNT\n"
	  . "\\if :ERROR\n\\echo '\@\@M' :LAST_ERROR_MESSAGE\n\\endif\n" . ($setup ? "RESET ALL;\n" : '');
}

# the checks after a step, against the table's columns at that point
sub checks
{
	my ($t, $cols, $i, $final) = @_;
	my @out;
	my $dl = digest_list($cols, 't');
	my ($ol) = ops_list($cols);
	my $noseq = "SET enable_seqscan = off; SET enable_bitmapscan = off;\n";
	my @q = ([ 'content', "SELECT $dl FROM %T t ORDER BY id" ],
		[ 'ops', "SELECT $ol FROM %T t ORDER BY id" ],
		[ 'pkey-index', "SELECT $dl FROM %T t ORDER BY id", $noseq ]);
	if ($final)
	{
		push @q, [ 'ops-pkey-index', "SELECT $ol FROM %T t ORDER BY id", $noseq ];
		for my $c (grep { $_->{pred} || $_->{name} eq 'k' } @$cols)
		{
			my $pred = $c->{pred} // 'k >= 0';
			push @q, [ "index-$c->{name}", "SELECT id, hd_d($c->{name}::text) FROM %T t WHERE $pred ORDER BY id",
				"SET enable_seqscan = off;\n" ];
		}
	}
	for my $q (@q)
	{
		for my $side ('h', 'p')
		{
			push @out, block("$i $q->[0] $side", for_twin($q->[1], $t, $side), $q->[2]);
		}
	}
	return join '', @out;
}

# the script of steps $from .. end, with the column model at each step
sub script
{
	my ($t, $from) = @_;
	my $s = "\\set VERBOSITY default\nSET extra_float_digits = 0;\n";
	for my $i ($from .. $#{ $t->{steps} })
	{
		my $st = $t->{steps}[$i];
		next if $st->{kind} eq 'skip';
		$s .= "$st->{pre};\n" if $st->{pre};
		for my $side ('h', 'p')
		{
			my $sql = for_twin($st->{sql}, $t, $side);
			$sql =~ s/^(CREATE TABLE [^;]*\))(;?)$/$1 USING @{[ $side eq 'h' ? 'helios' : 'heap' ]}$2/s
			  if $st->{kind} eq 'create';
			$s .= block("$i stmt $side", $sql);
		}
		next if $st->{kind} eq 'create' && $i < $#{ $t->{steps} } && $t->{steps}[ $i + 1 ]{kind} eq 'create';
		$s .= checks($t, $st->{cols}, $i, $i == $#{ $t->{steps} });
	}
	return $s;
}

# table name masking in messages: helios_t3 / heap_t3 -> T
sub norm_block
{
	my ($b, $t) = @_;
	$b =~ s/\b(?:helios|heap)_\Q$t->{name}\E/T/g;
	# a program limit (row too big, index row too large) carries sizes
	# that depend on the row format; its SQLSTATE must still be the same
	$b =~ s/^(\@\@M ).*$/$1(program limit)/m if $b =~ /^\@\@E 54000/m;
	return $b;
}

my (%coverage, %stats);
my @failures;    # [ table, step, what ]

sub context
{
	my ($t, $i) = @_;
	my $s = "schema and statements so far of table $t->{name} (%T is helios_$t->{name} / heap_$t->{name}; "
	  . "replay: HELIOS_DIFF_SEED=$SEED HELIOS_DIFF_ONLY=$t->{name}):\n";
	for my $j (0 .. $i)
	{
		my $st = $t->{steps}[$j];
		next if $st->{kind} eq 'skip';
		my $sql = $st->{sql};
		$sql .= ';' unless $sql =~ /\\\.\z/;
		$sql = substr($sql, 0, 1500) . "... [" . length($sql) . " bytes]" if length($sql) > 1600;
		$s .= sprintf("  step %d (%s)%s: %s\n", $j, $st->{kind}, $j == $i ? ' <== this step' : '', $sql);
	}
	return $s;
}

# the first difference of two blocks, by row and column
sub first_diff
{
	my ($hb, $pb, $labels) = @_;
	my @h = split /\n/, $hb;
	my @p = split /\n/, $pb;
	for my $l (0 .. ($#h > $#p ? $#h : $#p))
	{
		my $a = $h[$l] // '<no line>';
		my $b = $p[$l] // '<no line>';
		next if $a eq $b;
		my $s = "line $l differs\n";
		my @ac = split /\|/, $a, -1;
		my @bc = split /\|/, $b, -1;
		if ($labels && @ac == @bc && @ac > 1)
		{
			for my $k (0 .. $#ac)
			{
				next if $ac[$k] eq $bc[$k];
				$s .= sprintf("  row id=%s, column %s:\n    helios: %s\n    heap:   %s\n", $ac[0], $labels->[$k] // $k,
					substr($ac[$k], 0, 300), substr($bc[$k], 0, 300));
			}
			return $s;
		}
		return $s . "  helios: " . substr($a, 0, 600) . "\n  heap:   " . substr($b, 0, 600) . "\n";
	}
	return "no line differs\n";
}

# after a backend crash: wait until the postmaster has reinitialized and
# accepts connections again
sub wait_restarted
{
	my ($off) = @_;
	my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
	my $seen_crash;
	while (time < $deadline)
	{
		my $log = substr(slurp_file($node->logfile), $off);
		if ($log =~ /(terminated by signal|was terminated by exception|terminating any other active server processes)/g)
		{
			$seen_crash = 1;
			last if $log =~ /database system is ready to accept connections/g;
		}
		# psql lost its connection without a crash of the server
		last if !$seen_crash && time > $deadline - $PostgreSQL::Test::Utils::timeout_default + 5;
		Time::HiRes::usleep(100_000);
	}
	wait_accepting($node);
}

sub run_table
{
	my ($t) = @_;
	my $start = time;
	# the column model at each step
	my @cols = @{ $t->{cols} };
	my $failed_ctx = 0;
	my $from = 0;
	my $crashes = 0;
	while ($from <= $#{ $t->{steps} })
	{
		my $file = "$COPYDIR/$t->{name}_from$from.sql";
		my $log_off = -s $node->logfile;
		open my $fh, '>:raw', $file or die;
		print $fh script($t, $from);
		close $fh;
		my ($out, $err) = ('', '');
		my $h = IPC::Run::start([ 'psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=0',
			  '-d', $node->connstr('postgres'), '-f', $file ],
			'<', \undef, '>', \$out, '2>', \$err,
			IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
		eval { $h->finish; };
		if ($@)
		{
			$h->kill_kill;
			ok(0, "$t->{name}: psql finished in time") or diag("$@\n" . substr($err, -2000));
		}
		my %blk;
		my @order;
		my $cur;
		for my $line (split /\n/, $out, -1)
		{
			if ($line =~ /^\@\@B (\d+ \S+ [hp])$/) { $cur = $1; push @order, $cur; $blk{$cur} = ''; next; }
			$blk{$cur} .= "$line\n" if defined $cur;
		}
		my $last_step = $from - 1;
		my $crashed;
		for my $i ($from .. $#{ $t->{steps} })
		{
			my $st = $t->{steps}[$i];
			next if $st->{kind} eq 'skip';
			my $label = "$t->{name} step $i ($st->{kind})";
			my @phases = ('stmt', map { s/^\d+ //r } grep { /^$i / && !/^$i stmt/ } map { s/ [hp]$//r } @order);
			my %seen;
			@phases = grep { !$seen{$_}++ } @phases;
			for my $ph (@phases)
			{
				my ($hb, $pb) = ($blk{"$i $ph h"}, $blk{"$i $ph p"});
				for my $side ([ 'helios', $hb ], [ 'heap', $pb ])
				{
					next if !defined $side->[1] && $side->[0] eq 'heap' && $crashed;
					if (!defined $side->[1] || $side->[1] !~ /^\@\@E /m)
					{
						$crashed = "$i $ph $side->[0]";
						last;
					}
				}
				if ($crashed)
				{
					ok(0, "$label: $ph on $crashed ends without the server crashing")
					  or diag("psql stderr:\n" . substr($err, -3000) . "\n" . context($t, $i));
					push @failures, [ $t->{name}, $i, "crash in $ph" ];
					last;
				}
				$stats{checks}++;
				my $labels;
				$labels = (ops_list($st->{cols}))[1] if $ph =~ /^ops/;
				$labels = [ 'id', 'whole row', map { $_->{name} } grep { $_->{name} ne 'id' } @{ $st->{cols} } ]
				  if $ph =~ /content|pkey-index$/;
				my ($hn, $pn) = (norm_block($hb, $t), norm_block($pb, $t));
				s/\n+\z/\n/ for $hn, $pn;
				my $what = $ph eq 'stmt' ? 'outcome, rows affected and rows returned' : "$ph check";
				if (!is($hn, $pn, "$label: $what: helios equals heap"))
				{
					diag(first_diff($hn, $pn, $labels));
					diag(context($t, $i)) unless $failed_ctx++;
					push @failures, [ $t->{name}, $i, $ph ];
				}
				if ($ph eq 'content')
				{
					# what the heap twin holds: non-NULL values by type family
					my @names = map { $_->{name} } grep { $_->{name} ne 'id' } @{ $st->{cols} };
					my %col = map { $_->{name} => $_ } @{ $st->{cols} };
					for my $line (split /\n/, $pb)
					{
						next if $line =~ /^\@\@/;
						my ($id, $md5, @v) = split /\|/, $line, -1;
						next unless @v == @names;
						for my $k (0 .. $#v)
						{
							next if $v[$k] eq '~null~';
							my $c = $col{ $names[$k] };
							$coverage{fam}{ $c->{fam} }++;
							$coverage{storage}{ $c->{storage} // 'default' }++;
							$coverage{compression}{ $c->{compression} // 'default' }++;
							my ($len) = $v[$k] =~ /^(\d+)#[0-9a-f]{32}#/;
							$coverage{longest} = $len if $len && $len > ($coverage{longest} // 0);
						}
					}
				}
				if ($ph eq 'stmt')
				{
					my ($state) = $pb =~ /^\@\@E (\S+)/m;
					$stats{ $state eq '00000' ? 'stmt_ok' : 'stmt_error' }++;
					$stats{"error $state"}++ if $state ne '00000';
					$stats{rows_in} += $1 if $state eq '00000' && $st->{kind} =~ /insert|copy/ && $pb =~ /^\@\@E 00000 (\d+)/m;
				}
				elsif ($pb !~ /^\@\@E 00000/m)
				{
					# a check that fails on heap would compare nothing
					ok(0, "$label: $ph check runs on heap") or diag($pb);
				}
			}
			$last_step = $i;
			last if $crashed;
		}
		last unless $crashed;
		# a crash: wait for the restart; go on with the next step if the
		# twins are still alike (crash in a helios statement, which then did
		# not commit, or in a read-only check)
		$crashes++;
		wait_restarted($log_off);
		my ($ci, $cph, $cside) = split / /, $crashed;
		if ($crashes >= 3 || ($cph eq 'stmt' && $cside eq 'heap') || $t->{steps}[$ci]{kind} eq 'create')
		{
			ok(0, "$t->{name}: remaining steps skipped after $crashes crash(es)");
			last;
		}
		# the statement of a crashed step ran on neither twin (or on both)
		if ($cph eq 'stmt')
		{
			$t->{steps}[$ci]{kind} = 'skip';
		}
		$from = $ci + 1;
		# the next step needs the checks of the crashed one's columns: fine,
		# each step carries its own column model
	}
	note(sprintf("%s: %d steps in %.1f s", $t->{name}, scalar @{ $t->{steps} }, time - $start));
}


############################################################################
# the plan: every type family appears in some table; the widest table uses
# every storage mode and compression method

my $plan_r = rng_new($SEED);
my @counts = (1, map { pick($plan_r, 2, 3, 4, 6, 8, 12, 16, 24, 30) } 2 .. $NTABLES - 1);
push @counts, 38 if $NTABLES > 1;
{
	my $tot = 0;
	$tot += $_ for @counts;
	$counts[-1] += @FAMILIES - $tot if $tot < @FAMILIES;
}
my @fam_of = map { [] } @counts;
{
	my @deal = shuffle($plan_r, @FAMILIES);
	my $ti = 0;
	while (@deal)
	{
		my $slot = $ti++ % @counts;
		push @{ $fam_of[$slot] }, shift @deal if @{ $fam_of[$slot] } < $counts[$slot];
	}
	for my $slot (0 .. $#counts)
	{
		push @{ $fam_of[$slot] }, pick($plan_r, @FAMILIES) while @{ $fam_of[$slot] } < $counts[$slot];
	}
}
my @tables;
for my $ti (0 .. $#counts)
{
	my $i = 1;
	my @fams = map { +{ %$_, _i => $i++ } } @{ $fam_of[$ti] };
	push @tables, gen_table($ti, \@fams, rng_new($SEED * 1000 + $ti + 1), $ti == $#counts);
}
for my $t (fixed_tables())
{
	$_->{type} //= $_->{fam} for @{ $t->{cols} };
	$_->{cols} = $t->{cols} for @{ $t->{steps} };
	push @tables, $t;
}
note(sprintf("generated %d tables in %.1f s", scalar @tables, time - $t0));

for my $t (@tables)
{
	next if %ONLY && !$ONLY{ $t->{name} };
	note("$t->{name}: " . join(', ', map { "$_->{name} $_->{type}" . ($_->{storage} ? " $_->{storage}" : '')
		  . ($_->{compression} ? " $_->{compression}" : '') } @{ $t->{steps}[0]{cols} }));
	run_table($t);
}

############################################################################
# the run must have tested something: rows of every type family, long
# values, each storage mode

my $rows = 0;
for my $t (@tables)
{
	next if %ONLY && !$ONLY{ $t->{name} };
	$rows += $node->safe_psql('postgres', 'SELECT count(*) FROM ' . twin_name($t, 'p'));
}
note("rows in the heap twins at the end: $rows; statements and checks: " . join(', ', map { "$_ $stats{$_}" } sort keys %stats));
note("non-NULL values checked by storage mode: " . join(', ', map { "$_ $coverage{storage}{$_}" } sort keys %{ $coverage{storage} }));
note("non-NULL values checked by compression: " . join(', ', map { "$_ $coverage{compression}{$_}" } sort keys %{ $coverage{compression} }));
if (!%ONLY)
{
	cmp_ok($rows, '>=', 60, 'the heap twins hold at least 60 rows at the end');
	cmp_ok($stats{rows_in} // 0, '>=', 150, 'at least 150 rows were inserted or copied into the heap twins');
	cmp_ok($stats{stmt_ok} // 0, '>=', 3 * ($stats{stmt_error} // 0), 'most statements succeed on heap');
	my @missing = grep { !$coverage{fam}{ $_->{fam} } } @FAMILIES;
	is(join(' ', map { $_->{fam} } @missing), '', 'values of every type family were compared');
	my @ms = grep { !$coverage{storage}{$_} } @STORAGES, 'default';
	is(join(' ', @ms), '', 'values of every storage mode were compared');
	my @mc = grep { !$coverage{compression}{$_} } @COMPRESSIONS;
	is(join(' ', @mc), '', 'values of every compression method were compared');
	cmp_ok($coverage{longest} // 0, '>=', $MAXLEN > 200000 ? 1_000_000 : 60000, 'values of several MB were compared');
}

# no crash, no assertion failure, no corruption reported
my $log = slurp_file($node->logfile);
my @bad = ($log =~ /^.*(?:PANIC|TRAP:|terminated by signal|was terminated|invalid memory alloc|unexpected chunk|corrupt).*$/mg);
is(scalar(@bad), 0, 'server log shows no crash or corruption')
  or diag(join("\n", @bad[ 0 .. ($#bad < 20 ? $#bad : 19) ]));

if (@failures)
{
	my %by;
	push @{ $by{ $_->[0] } }, "step $_->[1] $_->[2]" for @failures;
	diag("failures (seed $SEED): " . join('; ', map { "$_: " . join(', ', @{ $by{$_} }[ 0 .. ($#{ $by{$_} } < 5 ? $#{ $by{$_} } : 5) ]) } sort keys %by));
}
note(sprintf("total %.1f s", time - $t0));
$node->stop('fast');
done_testing();
