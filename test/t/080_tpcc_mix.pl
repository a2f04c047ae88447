# The TPC-C transaction mix of the benchmark kit (bench/tpcc/) on helios
# tables, with heap tables in the same cluster as the reference: two
# concurrent clients, READ COMMITTED and then SERIALIZABLE (serialization
# failures retried), then the TPC-C consistency conditions 1-4, the
# invariants of the run's own bookkeeping, and every index checked against
# its table (amcheck with heapallindexed).  Not timed: a correctness test of
# the table access method under the workload the benchmarks measure.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;

my $kit = "$FindBin::RealBin/../../bench/tpcc";
-d $kit or plan skip_all => "TPC-C kit not found at $kit";

my $node = PostgreSQL::Test::Cluster->new('tpcc');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'helios'
max_pred_locks_per_transaction = 256
autovacuum_naptime = '1s'
});
$node->start;

my @mix = map { "$kit/pgbench/$_" }
  ('new_order.sql@45', 'payment.sql@43', 'delivery.sql@4',
	'order_status.sql@4', 'stock_level.sql@4');

for my $am ('heap', 'helios')
{
	my $db = "tpcc_$am";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	my $conn = $node->connstr($db);
	$node->safe_psql($db, 'CREATE EXTENSION helios; CREATE EXTENSION amcheck');
	$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', "am=$am",
		'-f', "$kit/schema.sql", '-f', "$kit/procs.sql", $conn ], "$am: schema");
	for my $w (0, 1)
	{
		$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', "w=$w",
			'-v', 'w_is_item=' . ($w == 0 ? 1 : 0), '-f', "$kit/load.sql", $conn ],
			"$am: load " . ($w == 0 ? 'items' : "warehouse $w"));
	}
	$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$kit/keys.sql", $conn ],
		"$am: keys");
	is($node->safe_psql($db, "SELECT count(*) FROM pg_class c JOIN pg_am a ON a.oid = c.relam
		WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND a.amname = '$am'"),
		'9', "$am: the nine tables use $am");

	my $orders0 = $node->safe_psql($db, 'SELECT sum(d_next_o_id) FROM district');
	my $hist0 = $node->safe_psql($db, 'SELECT count(*) FROM history');
	for my $iso ('read\ committed', 'serializable')
	{
		local $ENV{PGOPTIONS} = "-c default_transaction_isolation=$iso";
		$node->command_like([ 'pgbench', '-n', '-M', 'prepared', '-c', '2', '-j', '2',
			'-T', '12', '--max-tries=1000', '-D', 'warehouses=1',
			(map { ('-f', $_) } @mix), $conn ],
			qr/number of failed transactions: 0 /, "$am, $iso: the mix runs, no transaction fails");
	}

	is($node->safe_psql($db, "\\i $kit/check.sql"), '',
		"$am: TPC-C consistency conditions 1-4 hold");
	# bookkeeping the mix keeps: each committed new order took one order id
	# and wrote its order and (if undelivered) new-order row; every payment
	# wrote one history row and moved the same amount into w_ytd and the
	# customer's ytd payments
	is($node->safe_psql($db, "SELECT (SELECT sum(d_next_o_id) FROM district) - $orders0
		= (SELECT count(*) FROM orders WHERE o_id > 3000)"), 't',
		"$am: one order row per order id taken");
	is($node->safe_psql($db, "SELECT (SELECT sum(w_ytd) - 300000 FROM warehouse)
		= (SELECT sum(h_amount) FROM history) - $hist0 * 10
		AND (SELECT sum(c_ytd_payment) FROM customer) = (SELECT sum(h_amount) FROM history)"), 't',
		"$am: payments add up in warehouse, customers and history");
	is($node->safe_psql($db, "SELECT count(*) FROM orders o WHERE (o_carrier_id IS NULL)
		<> EXISTS (SELECT 1 FROM new_order WHERE no_w_id = o_w_id AND no_d_id = o_d_id AND no_o_id = o_id)"),
		'0', "$am: an order is undelivered exactly when it has a new-order row");
	# helios tables get helios_btree keys (helios.btree_routing), heap
	# tables btree: each is checked by its own verifier
	is($node->safe_psql($db, "SELECT count(*) FROM (
		SELECT CASE a.amname WHEN 'btree' THEN bt_index_check(i.indexrelid, true)
			ELSE helios.helios_btree_verify(i.indexrelid, true) END
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_am a ON a.oid = c.relam
		WHERE c.relnamespace = 'public'::regnamespace) s"), '10',
		"$am: the ten indexes pass their verifier with heapallindexed");
	is($node->safe_psql($db, "SELECT count(*) FROM pg_class c JOIN pg_am a ON a.oid = c.relam
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'i'
		AND a.amname = CASE '$am' WHEN 'helios' THEN 'helios_btree' ELSE 'btree' END"), '10',
		"$am: the ten indexes use " . ($am eq 'helios' ? 'helios_btree' : 'btree'));
}

$node->stop;
done_testing();
