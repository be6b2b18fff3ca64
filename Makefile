# SPDX-License-Identifier: MIT
# The one Makefile of the Tasklet runtime: non-recursive, builds into build/.
#
#   make            build/tasklet, build/libtasklet.a (after `make deps`)
#   make demo       trader + two containers on loopback running examples/
#   make check      every test (CUnit unit suites + integration with real processes)
#   make bench      the bench/ suites
#   make SAN=1 ...  AddressSanitizer + UndefinedBehaviorSanitizer build
#   make TSAN=1 ... ThreadSanitizer build (data races between the runtime's threads)
#   make STATIC=1   statically linked build/tasklet (for machines without our libraries)
#   make V=1        show the commands

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

BUILD   := build
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
else
LDLIBS      += -ljemalloc
endif
LDLIBS      += -lpthread -lm -ldl
ifeq ($(STATIC),1)
LDFLAGS     += -static
endif

CFLAGS  ?=
ALL_CFLAGS := $(CFLAGS_BASE) $(CFLAGS)

# Library sources: every module of vm/, cxp/, trader/, runtime/ except the
# command-line front end (runtime/main.c and runtime/cmd_*.c).
LIB_SRCS  := $(sort $(wildcard vm/*.c cxp/*.c trader/*.c runtime/*.c))
CMD_SRCS  := $(sort runtime/main.c $(wildcard runtime/cmd_*.c))
LIB_SRCS  := $(filter-out $(CMD_SRCS),$(LIB_SRCS))
TEST_SRCS := tests/main.c $(sort $(wildcard tests/unit/*.c tests/integration/*.c))
# runtime/container/ is not in libtasklet.a (yet): the runner links its queues in.
TEST_SRCS += runtime/container/dq.c

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CMD_OBJS  := $(CMD_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/obj/%.o)
DEPFILES  := $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(TEST_OBJS:.o=.d)

TASKLET   := $(BUILD)/tasklet
LIBTL     := $(BUILD)/libtasklet.a
PUBHDR    := $(BUILD)/include/tasklet.h
EXAMPLES  := $(BUILD)/examples/client
TESTBIN   := $(BUILD)/tests/runner
FLAGSTAMP := $(BUILD)/cflags.stamp
BENCHES   := $(BUILD)/bench/cxp_bench $(BUILD)/bench/e2e_bench $(BUILD)/bench/queue_bench

.PHONY: all deps demo check bench clean FORCE

all: $(TASKLET) $(LIBTL) $(PUBHDR) $(EXAMPLES) $(BENCHES)

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

$(TASKLET): $(CMD_OBJS) $(LIBTL)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJS) $(LIBTL) $(LDLIBS)

# The public header for applications written in C (tl_* API).
$(PUBHDR): runtime/tasklet.h
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
# ALL_CFLAGS) because a bench may time internal interfaces such as cxp/cxp.h.
$(BUILD)/bench/%: bench/%.c $(LIBTL) $(FLAGSTAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTL) $(LDLIBS)

$(TESTBIN): $(TEST_OBJS) $(LIBTL)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJS) $(LIBTL) $(TEST_LDLIBS) $(LDLIBS)

demo: $(TASKLET)
	$(Q)sh scripts/demo.sh $(TASKLET)

# One CUnit runner holds every suite (unit and integration); it closes with
# CUnit's run summary and exits non-zero on any failure.
check: all $(TESTBIN)
	$(Q)TASKLET_BIN=$(abspath $(TASKLET)) TASKLET_BUILD=$(abspath $(BUILD)) TASKLET_SRC=$(CURDIR) $(TESTBIN)

bench: $(TASKLET) $(BENCHES)
	$(Q)sh bench/run.sh $(TASKLET) $(BUILD)

clean:
	rm -rf $(BUILD)

FORCE:

-include $(DEPFILES)
