# dlr-webhook. `make` builds build/dlr-webhook and build/dlrctl.
# make test | run | bench-free checks: see README.md.

CXX      ?= g++
PREFIX   ?= /usr/local
BUILD    ?= build
PKGS     := fcgi sqlite3 RapidJSON

CXXFLAGS ?= -O2 -g
CXXFLAGS += -pthread -std=c++17 -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion
CPPFLAGS += -I. -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs fcgi sqlite3 2>/dev/null) -pthread

# The C++ runtime linked into the programs: a CGI request is a process start, and resolving
# libstdc++'s symbols at every start costs more than the rest of the request's CPU time.
# (Not the unit tests: they load Boost's shared library, built against the shared libstdc++.)
PROG_LDFLAGS ?= -static-libstdc++ -static-libgcc

ifeq ($(SANITIZE),1)
  BUILD    := build-asan
  PROG_LDFLAGS :=
  CXXFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
  LDFLAGS  += -fsanitize=address,undefined
endif

COMMON_SRCS := $(wildcard common/*.cc)
COMMON_OBJS := $(COMMON_SRCS:%.cc=$(BUILD)/%.o)
TEST_SRCS   := $(wildcard tests/*.cc)
TEST_OBJS   := $(TEST_SRCS:%.cc=$(BUILD)/%.o)

all: $(BUILD)/dlr-webhook $(BUILD)/dlrctl

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libdlrcommon.a: $(COMMON_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/dlr-webhook: $(BUILD)/fcgi_app/main.o $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $(PROG_LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/dlrctl: $(BUILD)/fcgi_app/dlrctl.o $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $(PROG_LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/unit_tests: $(TEST_OBJS) $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

# Unit tests, then the integration tests against a real nginx and spawn-fcgi.
test: all $(BUILD)/unit_tests
	$(BUILD)/unit_tests --report_level=short
	BUILD=$(BUILD) bash tests/integration/run_all.sh

# Installs what is missing, builds, and serves the receiver behind nginx.
run:
	bash scripts/run.sh

# The benchmark against its anchors (installs wrk, php-fpm, webhook; see bench/run.sh).
# Settings: make bench BENCH_ARGS="-c 64 -d 30".
bench: all
	bash bench/run.sh $(BENCH_ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/dlr-webhook $(BUILD)/dlrctl $(DESTDIR)$(PREFIX)/bin/

style-check:
	clang-format --dry-run --Werror common/*.h common/*.cc fcgi_app/*.cc tests/*.cc tests/*.h

clean:
	rm -rf build build-asan

.PHONY: all unit test run bench install style-check clean

-include $(COMMON_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/fcgi_app/main.d $(BUILD)/fcgi_app/dlrctl.d
