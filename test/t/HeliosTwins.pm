# Helpers shared by the TAP tests that run every change on a helios table
# and on its heap twin, by those that replay WAL on a standby, and by those
# that crash a server.
package HeliosTwins;

use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

our @EXPORT = qw(twin_check_sql both_sql check_replay_logs run_sql wait_accepting);

# SQL creating twin_check(what, h, p): raises a non-retryable error (which
# aborts the pgbench client) when the two halves of a statement did not
# return the same rows; returns how many rows they returned.
sub twin_check_sql
{
	return q{
CREATE FUNCTION twin_check(what text, h text[], p text[]) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
	IF h IS DISTINCT FROM p THEN
		RAISE EXCEPTION 'twin mismatch in %: helios % heap %', what, h, p;
	END IF;
	RETURN coalesce(cardinality(h), 0);
END $$;
};
}

# One statement that runs $hsql on the helios twin and $psql on the heap
# twin and compares what the two halves returned (rows sorted by text).
sub both_sql
{
	my ($what, $hsql, $psql) = @_;
	return "WITH h AS ($hsql), p AS ($psql) SELECT twin_check('$what', "
	  . "(SELECT array_agg(h::text ORDER BY h::text) FROM h), "
	  . "(SELECT array_agg(p::text ORDER BY p::text) FROM p));\n";
}

# wal_consistency_checking reports a redo difference as "inconsistent page
# found"; no node may have logged one, nor crashed.
sub check_replay_logs
{
	foreach my $node (@_)
	{
		my $log = slurp_file($node->logfile);
		unlike($log, qr/inconsistent page found/,
			$node->name . ': no inconsistent page during replay');
		unlike($log, qr/PANIC|TRAP:|terminated by signal/,
			$node->name . ': no crash');
	}
}

# run SQL on a node; a failure is a test failure, not the end of the test
sub run_sql
{
	my ($node, $label, $sql) = @_;
	my $timed_out;
	my ($ret, $out, $err) = $node->psql('postgres', $sql, on_error_stop => 1,
		timeout => $PostgreSQL::Test::Utils::timeout_default, timed_out => \$timed_out);
	ok(!$timed_out && defined($ret) && $ret == 0, "$label: runs without error")
	  or diag($timed_out ? 'timed out' : $err);
}

# Wait until the node accepts connections again (pg_isready exit 0).
sub wait_accepting
{
	my ($node) = @_;
	for (1 .. 10 * $PostgreSQL::Test::Utils::timeout_default)
	{
		return if system('pg_isready', '-q', '-h', $node->host,
			'-p', $node->port) == 0;
		usleep(100_000);
	}
	die "server did not accept connections again";
}

1;
