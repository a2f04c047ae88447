# Helpers shared by the TAP tests that run every change on a helios table
# and on its heap twin, and by those that replay WAL on a standby.
package HeliosTwins;

use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(twin_check_sql both_sql check_replay_logs);

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

1;
