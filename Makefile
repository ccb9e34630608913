# logview: build, run, test. `make demo` and `make test` work on a fresh Debian machine with Swift.
SWIFT ?= swift
PREFIX ?= /usr/local
# SwiftPM's scratch directory; another one lets a build run while `swift test` holds .build.
BUILD_DIR ?= .build

.PHONY: all build release install demo test test-unit test-e2e deps clean bench

all: build

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(BUILD_DIR)

# A release binary with the Swift runtime linked in: it needs only libc, ncursesw, libtinfo,
# libstdc++, libsystemd and zlib on the target machine, plus its man page (from the argument parser's
# --experimental-dump-help) and bash, zsh and fish completions.
# `make install PREFIX=/usr/local [DESTDIR=...] [BUILD_DIR=...]`.
install: release
	scripts/install-logview $(BUILD_DIR)/release/logview "$(DESTDIR)$(PREFIX)"

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
bench: deps
	Benchmarks/run --size $(SIZE) --runs $(RUNS)

clean:
	rm -rf .build
