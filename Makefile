# helios: PGXS build.  `make test`, `make demo` and `make bench` drive the
# scripts under test/ and bench/; see README.md.

MODULE_big = helios
SRCS = $(wildcard src/*.c src/*/*.c)
OBJS = $(SRCS:.c=.o)

EXTENSION = helios
DATA = helios--1.0.sql
PGFILEDESC = "helios - storage engine for PostgreSQL"

REGRESS = $(sort $(basename $(notdir $(wildcard sql/*.sql))))

PG_CPPFLAGS = -I$(srcdir)/src -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	-Wno-sign-compare -Wno-missing-field-initializers

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
else
all install:
	@echo "PostgreSQL 15 server headers are missing: run 'make test' or 'make demo' as root, which install them"; exit 1
endif

$(OBJS): $(wildcard src/*.h src/*/*.h)

.PHONY: test demo bench bench-first bench-tpcc bench-scan bench-btree \
	test-cassert pg-suites pg-suites-routing
test:
	bash test/run_all.sh

# make test against an assert-enabled PostgreSQL 15 built once from
# Debian's source into /var/cache/helios (test/cassert.sh)
test-cassert:
	bash test/cassert.sh

# PostgreSQL's own regression and isolation suites with helios as the
# default table access method, compared with heap (docs/pg-suites.md)
pg-suites:
	bash test/pg_suites.sh

pg-suites-routing:
	bash test/pg_suites.sh --routing=on

demo:
	bash bench/demo.sh

# every benchmark, one after the other (each on its own throwaway cluster)
bench:
	@rc=0; for b in first tpcc scan btree; do \
		$(MAKE) --no-print-directory bench-$$b || rc=1; \
	done; exit $$rc

bench-first:
	bash bench/run.sh

bench-tpcc:
	bash bench/tpcc/run.sh

bench-scan:
	bash bench/scan/run.sh

bench-btree:
	bash bench/btree/run.sh
