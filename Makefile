# dlr-webhook. `make` builds build/dlr-webhook and build/dlrctl.
# make test | run | bench-free checks: see README.md.

CXX      ?= g++
PREFIX   ?= /usr/local
BUILD    ?= build
PKGS     := fcgi sqlite3 RapidJSON

CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion
CPPFLAGS += -I. -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs fcgi sqlite3 2>/dev/null)

# SANITIZE=1: everything (responder, dlrctl, unit tests, fuzz replays) built into build-asan/
# with AddressSanitizer and UndefinedBehaviorSanitizer; any finding aborts.
SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
  BUILD    := build-asan
  CXXFLAGS += $(SANITIZERS)
  LDFLAGS  += $(SANITIZERS)
endif

# libfcgi before the fix for CVE-2025-23016 (an integer overflow in ReadParams, reachable by
# anything that can connect to the FastCGI socket) must not be built against: upstream 2.4.5,
# Debian bookworm 2.4.2-2+deb12u1. pkg-config's version cannot tell Debian's revisions apart, so
# the Debian package is asked. ALLOW_VULNERABLE_LIBFCGI=1 turns the error into a warning.
LIBFCGI_MIN     := 2.4.2-2+deb12u1
LIBFCGI_VERSION := $(shell dpkg-query -W -f='$${Version}' libfcgi-dev 2>/dev/null)

COMMON_SRCS := $(wildcard common/*.cc)
COMMON_OBJS := $(COMMON_SRCS:%.cc=$(BUILD)/%.o)
TEST_SRCS   := $(wildcard tests/*.cc)
TEST_OBJS   := $(TEST_SRCS:%.cc=$(BUILD)/%.o)

# Fuzzing (make fuzz): libFuzzer targets built with clang into build-fuzz/. Their saved corpus
# and every crash ever found are replayed by `make test` with replay_main.cc (no libFuzzer).
FUZZ_TARGETS  := payload query auth config
FUZZ_CXX      ?= clang++
FUZZ_BUILD    := build-fuzz
FUZZ_SECONDS  ?= 30
FUZZ_CXXFLAGS := -O1 -g -std=c++17 -Wall -Wextra -Werror $(SANITIZERS) \
                 -fsanitize-ignorelist=tests/fuzz/ubsan-ignorelist.txt
FUZZ_COMMON_OBJS := $(COMMON_SRCS:%.cc=$(FUZZ_BUILD)/%.o)
FUZZERS       := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
REPLAYS       := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

all: $(BUILD)/dlr-webhook $(BUILD)/dlrctl

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libdlrcommon.a: $(COMMON_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/dlr-webhook: $(BUILD)/fcgi_app/main.o $(BUILD)/libdlrcommon.a | check-libfcgi
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

check-libfcgi:
	@if [ -z "$(LIBFCGI_VERSION)" ]; then \
	  echo "warning: cannot tell libfcgi's version (no Debian package libfcgi-dev): it must carry the fix for CVE-2025-23016 (upstream 2.4.5, Debian $(LIBFCGI_MIN))" >&2; \
	elif dpkg --compare-versions "$(LIBFCGI_VERSION)" ge "$(LIBFCGI_MIN)"; then :; \
	elif [ "$(ALLOW_VULNERABLE_LIBFCGI)" = 1 ]; then \
	  echo "warning: libfcgi-dev $(LIBFCGI_VERSION) is older than $(LIBFCGI_MIN) and open to CVE-2025-23016" >&2; \
	else \
	  echo "error: libfcgi-dev $(LIBFCGI_VERSION) is older than $(LIBFCGI_MIN) and open to CVE-2025-23016 (a crafted FastCGI record overflows ReadParams): upgrade libfcgi-dev and libfcgi0ldbl (apt-get install --only-upgrade libfcgi-dev libfcgi0ldbl), or build with ALLOW_VULNERABLE_LIBFCGI=1 if the FastCGI socket is reachable by the web server alone and you accept the risk" >&2; \
	  exit 1; \
	fi

$(BUILD)/dlrctl: $(BUILD)/fcgi_app/dlrctl.o $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/unit_tests: $(TEST_OBJS) $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay_main.o $(BUILD)/libdlrcommon.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Every saved fuzz input and every past crash, through the project's own build.
replay: $(REPLAYS)
	@for t in $(FUZZ_TARGETS); do \
	  $(BUILD)/fuzz/replay_$$t tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t || exit 1; \
	done

# Under SANITIZE=1 the integration run checks leaks too (LeakSanitizer runs when a process exits:
# the responders leave normally on SIGTERM), and every report, from whichever process, is written
# to $(BUILD)/sanitizer-logs/, which run_all.sh turns into failures.
ifeq ($(SANITIZE),1)
  SANITIZER_LOG_DIR := $(abspath $(BUILD))/sanitizer-logs
  IT_ENV := SANITIZER_LOG_DIR=$(SANITIZER_LOG_DIR) \
    ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1:log_path=$(SANITIZER_LOG_DIR)/asan \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SANITIZER_LOG_DIR)/ubsan
endif

# Unit tests, the fuzz replays, then the integration tests against a real nginx and spawn-fcgi.
test: all $(BUILD)/unit_tests $(REPLAYS)
	$(BUILD)/unit_tests --report_level=short
	$(MAKE) --no-print-directory replay
	@if [ -n "$(SANITIZER_LOG_DIR)" ]; then rm -rf "$(SANITIZER_LOG_DIR)" && mkdir -p "$(SANITIZER_LOG_DIR)"; fi
	$(IT_ENV) BUILD=$(BUILD) bash tests/integration/run_all.sh

$(FUZZ_BUILD)/common/%.o: common/%.cc
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/libdlrcommon.a: $(FUZZ_COMMON_OBJS)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.cc tests/fuzz/fuzz_check.h $(FUZZ_BUILD)/libdlrcommon.a
	$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer $< $(FUZZ_BUILD)/libdlrcommon.a $(LDLIBS) -o $@

.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.o)

fuzzers: $(FUZZERS)

# Each target for FUZZ_SECONDS from its saved corpus; new inputs go to build-fuzz/corpus/,
# crashes to tests/fuzz/regressions/TARGET/ (replayed by `make test` from then on).
fuzz: $(FUZZERS)
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Folds what `make fuzz` found into the saved corpus, keeping only inputs that add coverage.
fuzz-merge: $(FUZZERS)
	bash tests/fuzz/run.sh --merge $(FUZZ_TARGETS)

# Minutes of wrk load with the responders' RSS sampled (SOAK_SECONDS, default 180); not in CI.
soak: all
	BUILD=$(BUILD) bash tests/soak/soak.sh

# Installs what is missing, builds, and serves the receiver behind nginx.
run:
	bash scripts/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/dlr-webhook $(BUILD)/dlrctl $(DESTDIR)$(PREFIX)/bin/

style-check:
	clang-format --dry-run --Werror common/*.h common/*.cc fcgi_app/*.cc tests/*.cc $(wildcard tests/*.h) tests/fuzz/*.cc tests/fuzz/*.h

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all unit test replay soak run install style-check clean check-libfcgi fuzzers fuzz fuzz-merge

-include $(COMMON_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/fcgi_app/main.d $(BUILD)/fcgi_app/dlrctl.d
-include $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.d) $(BUILD)/tests/fuzz/replay_main.d
-include $(FUZZ_COMMON_OBJS:.o=.d)
