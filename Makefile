# SPDX-License-Identifier: MIT
# The one Makefile of the Tasklet runtime: non-recursive, builds into build/.
#
#   make            build/tasklet, build/libtasklet.a (after `make deps`)
#   make demo       trader + two containers on loopback running examples/
#   make check      every test (CUnit unit suites + integration with real processes)
#   make check-jslite  the JSLite conformance suite: tests/jslite/ under node and tasklet exec
#   make bench      the bench/ suites
#   make eval       the Tasklet paper's evaluation (Table I, Figures 3-6) into build/eval/
#   make fuzz       every libFuzzer target in tests/fuzz/ for FUZZ_SECONDS (30) each: CXP's
#                   decoders, the JSLite compiler (fuzz_compile), the chunk loader (fuzz_load),
#                   the TLS handshake (fuzz_tls)
#   make fuzz-smoke the same for FUZZ_SMOKE_SECONDS (3) each (for `make check`)
#   make fuzz-diff  random JSLite programs under node and tasklet exec for FUZZ_DIFF_SECONDS (60),
#                   outputs compared; a difference is minimised into build/fuzz-diff/ and fails
#                   (FUZZ_DIFF_SEED repeats a run; tests/fuzzdiff/fuzzdiff.js)
#   make SAN=1 ...  AddressSanitizer + UndefinedBehaviorSanitizer build
#   make TSAN=1 ... ThreadSanitizer build (data races between the runtime's threads)
#   make STATIC=1   statically linked build/tasklet (for machines without our libraries)
#   make install    binary, library, header, man pages, systemd units (PREFIX, DESTDIR)
#   make bpf-cost   the cost of the USDT probes, unattached and attached (root; bpf/README.md)
#   make V=1        show the commands

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

BUILD   ?= build
CC      ?= gcc
ifeq ($(CC),cc)
CC      := gcc
endif
V       ?= 0
SAN     ?= 0
TSAN    ?= 0
STATIC  ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Warning flags, listed explicitly (-Werror: warnings are errors).
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wno-unused-parameter

CFLAGS_BASE := -std=gnu11 -O2 -g -fno-strict-aliasing -D_GNU_SOURCE -I. $(WARNINGS)
LDLIBS      := -luring
TEST_LDLIBS := -lcunit

ifeq ($(SAN),1)
# jemalloc and ASan both want to own malloc: sanitized builds use libc malloc.
CFLAGS_BASE += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-DTL_NO_JEMALLOC
LDFLAGS     += -fsanitize=address,undefined
else ifeq ($(TSAN),1)
CFLAGS_BASE += -fsanitize=thread -fno-omit-frame-pointer -DTL_NO_JEMALLOC
LDFLAGS     += -fsanitize=thread
else ifeq ($(STATIC),1)
LDLIBS      += -ljemalloc
else
# jemalloc linked in (Debian's libjemalloc_pic.a): the shared libjemalloc
# drags in libstdc++ (for its C++ operators), about 1 MB of a tasklet
# process's resident memory that nothing here uses (bench/README.md, VM).
LDLIBS      += -Wl,-Bstatic -ljemalloc_pic -Wl,-Bdynamic
endif
LDLIBS      += -lmbedtls -lmbedx509 -lmbedcrypto -lpthread -lm -ldl
ifeq ($(STATIC),1)
LDFLAGS     += -static
endif

CFLAGS  ?=
ALL_CFLAGS := $(CFLAGS_BASE) $(CFLAGS)

# Sources, by room:
#   libtasklet.a  the application library (runtime/app/) and what it stands on:
#                 vm/ (chunks, compiler, VM), cxp/ (frames, codecs, event loop)
#   NODE          the daemons: trader/, runtime/container/, and the embedded
#                 default (runtime/cli/embedded.c) that starts them in-process
#   CMD           the `tasklet` command line (runtime/cli/main.c, cmd_*.c)
LIB_SRCS  := $(sort $(wildcard vm/*.c cxp/*.c runtime/app/*.c))
NODE_SRCS := $(sort $(wildcard trader/*.c runtime/container/*.c)) runtime/cli/embedded.c
CMD_SRCS  := $(sort runtime/cli/main.c $(wildcard runtime/cli/cmd_*.c))
TEST_SRCS := tests/main.c $(sort $(wildcard tests/unit/*.c tests/integration/*.c))

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
NODE_OBJS := $(NODE_SRCS:%.c=$(BUILD)/obj/%.o)
CMD_OBJS  := $(CMD_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/obj/%.o)
DEPFILES  := $(LIB_OBJS:.o=.d) $(NODE_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(TEST_OBJS:.o=.d)

TASKLET   := $(BUILD)/tasklet
LIBTL     := $(BUILD)/libtasklet.a
PUBHDR    := $(BUILD)/include/tasklet.h
EXAMPLES  := $(BUILD)/examples/client
TESTBIN   := $(BUILD)/tests/runner
# Fires the container's probes on command (tests/bpf_driver.c); _noprobes: -DRT_NO_PROBES.
DRIVERS   := $(BUILD)/tests/bpf_driver $(BUILD)/tests/bpf_driver_noprobes
FLAGSTAMP := $(BUILD)/cflags.stamp
BENCHES   := $(BUILD)/bench/cxp_bench $(BUILD)/bench/e2e_bench $(BUILD)/bench/container_bench \
	$(BUILD)/bench/prio_flood $(BUILD)/bench/queue_bench $(BUILD)/bench/qos_bench \
	$(BUILD)/bench/match_bench \
	$(BUILD)/bench/fetch_bench

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 30
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_DIFF_SECONDS  ?= 60
FUZZ_SRCS    := cxp/frame.c cxp/msg.c
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-strict-aliasing -D_GNU_SOURCE -DTL_NO_JEMALLOC -I. \
	$(WARNINGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wno-bitwise-instead-of-logical -Wno-bitwise-conditional-parentheses
# (clang only: the interpreter tests two type tags with one '&' on purpose.)
# The VM's targets (fuzz_compile, fuzz_load) link all of vm/, compiled once
# with the fuzzer's instrumentation; fuzz_load is seeded with the compiled
# conformance programs (tests/fuzz/mkseed.c), fuzz_compile with their source.
FUZZ_VM_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(sort $(wildcard vm/*.c)))
FUZZ_VM      := $(BUILD)/fuzz/fuzz_compile $(BUILD)/fuzz/fuzz_load
FUZZ_SEEDS   := $(BUILD)/fuzz/seeds/fuzz_load/.made $(BUILD)/fuzz/seeds/fuzz_tls/.made
# fuzz_tls: cxp/tls.c's handshake path on mbedTLS, this target playing the
# event loop; seeded with a real ClientHello and server flight that the
# target itself makes (FUZZ_TLS_MKSEED) with tls.c's own client and server.
FUZZ_TLS_SRCS := cxp/tls.c cxp/cert.c
JSL_PROGS    := $(sort $(wildcard tests/jslite/*/*.js))


# BPF (bpf/): clang compiles bpf/tasklet.bpf.c into an object `make install` can
# ship; bpftool generates its skeleton for `tasklet top` (runtime/cli/cmd_top.c).
# The programs read no kernel struct, so no vmlinux.h is needed; -idirafter
# finds <asm/errno.h> (pulled in by <bpf/usdt.bpf.h>) in the multiarch folder.
BPF_CLANG   ?= clang
BPFTOOL     ?= bpftool
BPF_ARCH    := $(subst x86_64,x86,$(subst aarch64,arm64,$(shell uname -m)))
BPF_CFLAGS  := -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -mcpu=v3 -g -O2 -Wall -Werror -I. \
	-idirafter /usr/include/$(shell $(CC) -dumpmachine)
BPF_OBJ     := $(BUILD)/bpf/tasklet.bpf.o
BPF_SKEL    := $(BUILD)/bpf/tasklet.skel.h
BPF_LDLIBS  := -lbpf -lelf -lz

.PHONY: eval all deps demo check check-jslite bench bpf-cost install fuzz fuzz-smoke fuzz-diff clean FORCE

all: $(TASKLET) $(LIBTL) $(PUBHDR) $(EXAMPLES) $(BENCHES) $(BPF_OBJ)

deps:
	$(Q)sh scripts/deps.sh

# Rebuild everything when the flags change (e.g. between `make` and `make SAN=1`).
$(FLAGSTAMP): FORCE | deps
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LDLIBS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LDLIBS)' > $@

$(BUILD)/obj/%.o: %.c $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBTL): $(LIB_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && ar rcs $@ $^

$(TASKLET): $(CMD_OBJS) $(NODE_OBJS) $(LIBTL)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJS) $(NODE_OBJS) $(LIBTL) $(BPF_LDLIBS) $(LDLIBS)

$(BPF_OBJ): bpf/tasklet.bpf.c bpf/tasklet.h | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo '  BPF     $@')
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BPF_SKEL): $(BPF_OBJ)
	@$(if $(Q),echo '  GEN     $@')
	$(Q)$(BPFTOOL) gen skeleton $< name tasklet_bpf > $@

# cmd_top.c includes the generated skeleton: it must exist before the first compile.
$(BUILD)/obj/runtime/cli/cmd_top.o: $(BPF_SKEL)
$(BUILD)/obj/runtime/cli/cmd_top.o: ALL_CFLAGS += -I$(BUILD)/bpf

# The public header for applications written in C (tl_* API).
$(PUBHDR): runtime/app/tasklet.h
	@mkdir -p $(@D)
	$(Q)cp $< $@

# Example applications, built as an outside program would be: only the
# public header and the library.
$(BUILD)/examples/%: examples/%.c $(PUBHDR) $(LIBTL) $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(filter-out -I.,$(ALL_CFLAGS)) -I$(BUILD)/include $(LDFLAGS) -o $@ $< $(LIBTL) $(LDLIBS)

# The queue bench times runtime/container/dq.c (not in libtasklet.a) against
# Concurrency Kit's ck_ring (Debian's libck-dev), so it has a rule of its own.
$(BUILD)/bench/queue_bench: bench/queue_bench.c runtime/container/dq.c runtime/container/dq.h \
		bench/bench_util.h $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ bench/queue_bench.c runtime/container/dq.c -lck $(LDLIBS)

# Bench programs (bench/*.c), built in `all` so they cannot rot unseen; -I. (in
# ALL_CFLAGS) because a bench may time internal interfaces such as cxp/cxp.h,
# and linked with the daemons' objects (the embedded default, the container).
$(BUILD)/bench/%: bench/%.c $(NODE_OBJS) $(LIBTL) $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(NODE_OBJS) $(LIBTL) $(LDLIBS)

# prio_flood uses the public header only (it also builds against older libraries).
$(BUILD)/bench/prio_flood: bench/prio_flood.c $(PUBHDR) $(LIBTL) $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(filter-out -I.,$(ALL_CFLAGS)) -I$(BUILD)/include $(LDFLAGS) -o $@ $< $(LIBTL) $(LDLIBS)

$(TESTBIN): $(TEST_OBJS) $(NODE_OBJS) $(LIBTL)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJS) $(NODE_OBJS) $(LIBTL) $(TEST_LDLIBS) $(LDLIBS)

$(BUILD)/tests/bpf_driver: tests/bpf_driver.c $(BUILD)/obj/runtime/container/probes.o $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/obj/runtime/container/probes.o $(LDLIBS)

$(BUILD)/tests/bpf_driver_noprobes: tests/bpf_driver.c runtime/container/probes.c $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(ALL_CFLAGS) -DRT_NO_PROBES $(LDFLAGS) -o $@ $(filter %.c,$^) $(LDLIBS)

demo: $(TASKLET)
	$(Q)sh scripts/demo.sh $(TASKLET)

# One CUnit runner holds every suite (unit and integration); it closes with
# CUnit's run summary and exits non-zero on any failure.
check: all $(TESTBIN) $(DRIVERS) $(FUZZ_TARGETS) $(FUZZ_SEEDS)
	$(Q)TASKLET_BIN=$(abspath $(TASKLET)) TASKLET_BUILD=$(abspath $(BUILD)) TASKLET_SRC=$(CURDIR) $(TESTBIN)
	@echo "fuzz-smoke: every libFuzzer target for $(FUZZ_SMOKE_SECONDS) s"
	$(call run_fuzz,$(FUZZ_SMOKE_SECONDS))
	@echo "check-jslite: tests/jslite/ under node and tasklet exec"
	$(Q)TASKLET_BIN=$(abspath $(TASKLET)) sh tests/jslite/run.sh

# Every program of tests/jslite/ under node and `tasklet exec`, stdout compared
# byte for byte (tests/jslite/README.md); fails when node is missing.
check-jslite: $(TASKLET)
	$(Q)TASKLET_BIN=$(TASKLET) sh tests/jslite/run.sh

# The paper's evaluation, compressed in time (bench/eval/README.md): tables with
# the paper's claims checked, figures as PNG and SVG under $(BUILD)/eval/.
eval: deps $(TASKLET)
	$(Q)sh bench/eval/run.sh $(TASKLET) $(BUILD)

bench: $(TASKLET) $(BENCHES)
	$(Q)sh bench/run.sh $(TASKLET) $(BUILD)

# Install (DESTDIR for packaging): the binary, the application library and
# its header, the man pages, the systemd units (man tasklet-container(8)),
# and the BPF object when it was built.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
MANPAGES   := $(sort $(wildcard man/*.[1-8]))
UNITS      := $(sort $(wildcard dist/systemd/*.service))

install: $(TASKLET) $(LIBTL) $(PUBHDR)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 $(TASKLET) $(DESTDIR)$(BINDIR)/tasklet
	install -m 644 $(LIBTL) $(DESTDIR)$(LIBDIR)/libtasklet.a
	install -m 644 $(PUBHDR) $(DESTDIR)$(INCLUDEDIR)/tasklet.h
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	for u in $(UNITS); do \
		sed 's|@BINDIR@|$(BINDIR)|g' $$u > $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done
	$(if $(BPF_OBJ),install -d $(DESTDIR)$(LIBDIR)/tasklet && install -m 644 $(BPF_OBJ) $(DESTDIR)$(LIBDIR)/tasklet/)

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang straight from the
# sources they exercise (the library is built with $(CC) and no coverage).
# The corpus grows under build/fuzz/corpus/; a crash leaves its input as
# build/fuzz/crash-* and fails the target: make it a regression test.
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_SRCS) cxp/cxp.h
	@mkdir -p $(@D)
	@$(if $(Q),echo '  FUZZCC  $@')
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) -lmbedcrypto

$(BUILD)/fuzz/fuzz_tls: tests/fuzz/fuzz_tls.c $(FUZZ_SRCS) $(FUZZ_TLS_SRCS) cxp/cxp.h cxp/cxp_int.h
	@mkdir -p $(@D)
	@$(if $(Q),echo '  FUZZCC  $@')
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(FUZZ_TLS_SRCS) \
		-lmbedtls -lmbedx509 -lmbedcrypto -lpthread

$(BUILD)/fuzz/seeds/fuzz_tls/.made: $(BUILD)/fuzz/fuzz_tls
	@rm -rf $(@D) && mkdir -p $(@D)
	$(Q)FUZZ_TLS_MKSEED=$(@D) $(BUILD)/fuzz/fuzz_tls >/dev/null
	@touch $@

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo '  FUZZCC  $@')
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_VM): $(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_chunks.h $(FUZZ_VM_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  FUZZLD  $@')
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_VM_OBJS) -lmbedcrypto -lpthread -lm

$(BUILD)/fuzz/mkseed: tests/fuzz/mkseed.c tests/fuzz/fuzz_chunks.h $(LIBTL) $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTL) $(LDLIBS)

$(BUILD)/fuzz/seeds/fuzz_load/.made: $(BUILD)/fuzz/mkseed $(JSL_PROGS)
	@rm -rf $(@D) && mkdir -p $(@D)
	$(Q)$(BUILD)/fuzz/mkseed $(@D) $(JSL_PROGS) >/dev/null
	@touch $@

define run_fuzz
	$(Q)for t in $(FUZZ_TARGETS); do \
		n=$$(basename $$t); mkdir -p $(BUILD)/fuzz/corpus/$$n; \
		case $$n in fuzz_compile) s=tests/jslite ;; fuzz_load) s=$(BUILD)/fuzz/seeds/fuzz_load ;; \
		fuzz_tls) s="$(BUILD)/fuzz/seeds/fuzz_tls tests/fuzz/regress/fuzz_tls" ;; \
		*) s= ;; esac; \
		echo "  FUZZ    $$n ($(1) s)"; \
		$$t -max_total_time=$(1) -max_len=65536 -timeout=25 -print_final_stats=0 \
			-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus/$$n $$s \
			> $(BUILD)/fuzz/$$n.log 2>&1 || \
			{ tail -n 40 $(BUILD)/fuzz/$$n.log; echo "fuzz: $$n failed; see $(BUILD)/fuzz/$$n.log"; exit 1; }; \
		tail -n 1 $(BUILD)/fuzz/$$n.log; \
	done
endef

fuzz: $(FUZZ_TARGETS) $(FUZZ_SEEDS)
	$(call run_fuzz,$(FUZZ_SECONDS))

fuzz-smoke: $(FUZZ_TARGETS) $(FUZZ_SEEDS)
	$(call run_fuzz,$(FUZZ_SMOKE_SECONDS))

# The differential fuzzer (tests/fuzzdiff/fuzzdiff.js, run by node): needs node, as check-jslite.
fuzz-diff: $(TASKLET)
	$(Q)FUZZ_DIFF_SECONDS=$(FUZZ_DIFF_SECONDS) TASKLET_BIN=$(TASKLET) \
		node tests/fuzzdiff/fuzzdiff.js --out $(BUILD)/fuzz-diff

bpf-cost: $(TASKLET) $(DRIVERS)
	$(Q)sh bpf/cost.sh $(TASKLET) $(BUILD)/tests

clean:
	rm -rf $(BUILD)

FORCE:

-include $(DEPFILES) $(FUZZ_VM_OBJS:.o=.d)
