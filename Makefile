# logview: build, run, test. `make demo` and `make test` work on a fresh Debian machine with Swift.
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: all build release demo test test-unit test-e2e deps clean bench

all: build

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

demo: build
	.build/debug/logview --demo

# The binary is built first: the end-to-end tests run it.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-unit: deps
	$(SWIFT) test --filter 'LogviewCoreTests|LogviewSourcesTests'

# Benchmarks (release build, generated corpus cached in /tmp/logview-bench): `make bench SIZE=1GB`.
SIZE ?= 1GB
RUNS ?= 3
bench:
	Benchmarks/run --size $(SIZE) --runs $(RUNS)

clean:
	rm -rf .build
