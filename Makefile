# gapmap — `make site` builds the generator and the default map; `make test`
# runs every test. Both install missing Debian packages first (tools/deps.sh).

CC      ?= cc
PKGS    := libcmark yaml-0.1 lua5.4 libpng freetype2 libmicrohttpd libxxhash
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    := -std=c17 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes
CFLAGS  ?= -O2 -g
DEFS    := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Igenerator
ALL_CFLAGS := $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LIBS    := $(PKG_LIBS) -lm -lpthread

# generator/<part>/<module>.c: the parts follow the data flow (see README).
SRC     := $(sort $(wildcard generator/*.c generator/*/*.c))
LIB_SRC := $(filter-out generator/main.c,$(SRC))
HDR     := $(wildcard generator/*/*.h)
# tests/unit/<part>/test_<module>.c mirrors generator/<part>/.
UNIT    := $(sort $(wildcard tests/unit/*/test_*.c))

OBJ      := $(SRC:generator/%.c=build/obj/%.o)
TOBJ     := $(SRC:generator/%.c=build/tobj/%.o)
TLIB_OBJ := $(LIB_SRC:generator/%.c=build/tobj/%.o)
UNIT_BIN := $(foreach u,$(UNIT),build/test/$(basename $(notdir $(u))))
# Test binaries are named by file alone, so two parts may not share a test name.
UNIT_DUP := $(shell printf '%s\n' $(UNIT_BIN) | sort | uniq -d)
ifneq ($(strip $(UNIT_DUP)),)
$(error unit tests share a name across parts: $(UNIT_DUP); rename one)
endif

.PHONY: all deps test-deps site test unit e2e browser bench fuzz install clean format valgrind

all: build/gapmap

deps:
	@sh tools/deps.sh build

test-deps: deps
	@sh tools/deps.sh test

build/gapmap: $(OBJ)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(OBJ) $(LIBS)

build/obj/%.o: generator/%.c $(HDR)
	@echo "  CC      $<"
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/tobj/%.o: generator/%.c $(HDR)
	@echo "  CC asan $<"
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<

build/test/gapmap: $(TOBJ) | build/test
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $(TOBJ) $(LIBS)

# A unit test's source is found by name in whichever part it tests.
.SECONDEXPANSION:
build/test/test_%: $$(wildcard tests/unit/*/test_%.c) $(TLIB_OBJ) $(wildcard tests/unit/*.h) | build/test
	@echo "  CC test $<"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -Itests/unit -o $@ $< $(TLIB_OBJ) $(LIBS)

build/test:
	@mkdir -p $@

site: deps
	@$(MAKE) --no-print-directory build/gapmap
	./build/gapmap build -C content -o _site

test: test-deps
	@$(MAKE) --no-print-directory build/gapmap build/test/gapmap $(UNIT_BIN)
	@sh tests/run.sh

# Subsets, for quicker loops while working on one part.
unit: deps
	@$(MAKE) --no-print-directory build/gapmap build/test/gapmap $(UNIT_BIN)
	@GAPMAP_ONLY=unit sh tests/run.sh
e2e: deps
	@$(MAKE) --no-print-directory build/gapmap build/test/gapmap $(UNIT_BIN)
	@GAPMAP_ONLY=e2e sh tests/run.sh
browser: test-deps
	@$(MAKE) --no-print-directory build/gapmap build/test/gapmap $(UNIT_BIN)
	@GAPMAP_ONLY=browser sh tests/run.sh

# valgrind's memcheck cannot run sanitized binaries: build/vg/ holds a
# plain -O1 -g build of the generator and the unit tests for it.
VG_OBJ     := $(SRC:generator/%.c=build/vgobj/%.o)
VGLIB_OBJ  := $(LIB_SRC:generator/%.c=build/vgobj/%.o)

build/vgobj/%.o: generator/%.c $(HDR)
	@echo "  CC vg   $<"
	@mkdir -p $(dir $@)
	@$(CC) $(WARN) $(DEFS) $(PKG_CFLAGS) -O1 -g -c -o $@ $<

build/vg/gapmap: $(VG_OBJ) | build/vg
	@echo "  LD vg   $@"
	@$(CC) -O1 -g -o $@ $(VG_OBJ) $(LIBS)

build/vg/test_%: $$(wildcard tests/unit/*/test_%.c) $(VGLIB_OBJ) $(wildcard tests/unit/*.h) | build/vg
	@echo "  CC vg   $<"
	@$(CC) $(WARN) $(DEFS) $(PKG_CFLAGS) -O1 -g -Itests/unit -o $@ $< $(VGLIB_OBJ) $(LIBS)

build/vg:
	@mkdir -p $@

valgrind: deps
	@$(MAKE) --no-print-directory build/vg/gapmap $(UNIT_BIN:build/test/%=build/vg/%)
	@sh tests/valgrind.sh

bench: deps
	@sh tools/deps.sh bench
	@$(MAKE) --no-print-directory build/gapmap
	@sh tests/bench/run.sh

fuzz: deps
	@sh tests/fuzz/run.sh

install: build/gapmap
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gapmap
	install -m 755 build/gapmap $(DESTDIR)$(PREFIX)/bin/gapmap
	cp -R templates themes $(DESTDIR)$(PREFIX)/share/gapmap/

PREFIX ?= /usr/local

format:
	clang-format -i generator/*.c generator/*/*.[ch] tests/unit/*/*.c

clean:
	rm -rf build _site tests/out
