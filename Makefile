# logview: build, run, test. `make demo` and `make test` work on a fresh Debian machine with Swift.
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: all build release man install demo test test-unit test-e2e deps clean

all: build

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# The man page, by swift-argument-parser's generate-manual plugin (works offline once the
# dependencies are checked out). It reads the debug build's option descriptions: the same options.
man: build
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --configuration debug \
		--date 2026-01-30 --output-directory .build/man || rm -f .build/man/logview.1

# A release binary with the Swift runtime linked in: it needs only libc, ncursesw, libtinfo,
# libstdc++ and libsystemd on the target machine. `make install PREFIX=/usr/local [DESTDIR=...]`.
install: release man
	scripts/install-logview .build/release/logview .build/man/logview.1 "$(DESTDIR)$(PREFIX)"

demo: build
	.build/debug/logview --demo

# The binary is built first: the end-to-end tests run it.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-unit: deps
	$(SWIFT) test --filter 'LogviewCoreTests|LogviewSourcesTests'

clean:
	rm -rf .build
