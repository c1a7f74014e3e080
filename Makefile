# dlr-webhook. `make` builds build/dlr-webhook and build/dlrctl.
# make portable builds build/portable/dlr-webhook (fully static: SQLite and MySQL/MariaDB, any x86-64 Linux).
# make test | run | bench-free checks: see README.md.

# No built-in rules: they would try to make the included .d files from objects.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

CXX      ?= g++
PREFIX   ?= /usr/local
BUILD    ?= build
PKGS     := fcgi sqlite3 RapidJSON libcrypto
# libcrypto: headers only; common/base/crypto loads the library on first use (dlopen), so a
# responder whose webhooks check a bearer secret never maps it.
LIBPKGS  := fcgi sqlite3

# The server backends, both built by default; WITH_POSTGRES=0 or WITH_MYSQL=0
# leaves one out (a config naming it is then refused at startup).
WITH_POSTGRES ?= 1
WITH_MYSQL    ?= 1
LEFT_OUT :=
PLUGINS :=
ifeq ($(WITH_POSTGRES),1)
  LIBPKGS  += libpq
  CPPFLAGS += -DDLR_WITH_POSTGRES=1
  PLUGINS  += postgres
else
  LEFT_OUT += $(wildcard common/store/postgres/*.cc)
endif
ifeq ($(WITH_MYSQL),1)
  LIBPKGS  += libmariadb
  CPPFLAGS += -DDLR_WITH_MYSQL=1
  PLUGINS  += mysql
else
  LEFT_OUT += $(wildcard common/store/mysql/*.cc)
endif
# libcurl: dlrctl send-test only (linked into dlrctl alone, below).
PKGS += $(filter-out fcgi sqlite3 libcrypto,$(LIBPKGS)) libcurl

CXXFLAGS ?= -O2 -g
CXXFLAGS += -pthread -std=c++17 -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion
CPPFLAGS += -I. -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(LIBPKGS) 2>/dev/null) -pthread -ldl
# The responder links neither libpq nor libmariadb: it loads the server backend it needs from a
# plugin (dlr-webhook-postgres.so, dlr-webhook-mysql.so; see common/store/factory/server_backends.h), so a
# responder on SQLite does not carry their libraries (about 5 MiB of RSS a process).
RESP_LDLIBS := $(shell pkg-config --libs fcgi sqlite3 2>/dev/null) -pthread -ldl
PLUGIN_SOS   = $(PLUGINS:%=$(BUILD)/dlr-webhook-%.so)
PLUGIN_LIBS_postgres := $(shell pkg-config --libs libpq 2>/dev/null)
PLUGIN_LIBS_mysql    := $(shell pkg-config --libs libmariadb 2>/dev/null)

# The C++ runtime linked into the programs: a CGI request is a process start, and resolving
# libstdc++'s symbols at every start costs more than the rest of the request's CPU time.
# (Not the unit tests: they load Boost's shared library, built against the shared libstdc++.)
PROG_LDFLAGS ?= -static-libstdc++ -static-libgcc

# SANITIZE=1: everything (responder, dlrctl, unit tests, fuzz replays) built into build-asan/
# with AddressSanitizer and UndefinedBehaviorSanitizer; any finding aborts.
SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
  BUILD    := build-asan
  PROG_LDFLAGS :=
  CXXFLAGS += $(SANITIZERS)
  LDFLAGS  += $(SANITIZERS)
endif

# libfcgi before the fix for CVE-2025-23016 (an integer overflow in ReadParams, reachable by
# anything that can connect to the FastCGI socket) must not be built against: upstream 2.4.5,
# Debian bookworm 2.4.2-2+deb12u1. pkg-config's version cannot tell Debian's revisions apart, so
# the Debian package is asked. ALLOW_VULNERABLE_LIBFCGI=1 turns the error into a warning.
LIBFCGI_MIN     := 2.4.2-2+deb12u1
LIBFCGI_VERSION := $(shell dpkg-query -W -f='$${Version}' libfcgi-dev 2>/dev/null)

COMMON_SRCS := $(filter-out $(LEFT_OUT),$(sort $(shell find common -name '*.cc')))
COMMON_OBJS := $(COMMON_SRCS:%.cc=$(BUILD)/%.o)
# The responder's part of common/: everything but the server backends and their factory.
SERVER_SRCS := $(wildcard common/store/postgres/*.cc common/store/mysql/*.cc) common/store/factory/server_backends.cc
CORE_OBJS   := $(filter-out $(SERVER_SRCS:%.cc=$(BUILD)/%.o),$(COMMON_OBJS))
# The responder's runtime and CGI mode: no libfcgi, unit tested (linked into build/unit_tests).
APP_SRCS    := fcgi_app/runtime.cc fcgi_app/cgi_mode.cc
APP_OBJS    := $(APP_SRCS:%.cc=$(BUILD)/%.o)
RESP_OBJS   := $(BUILD)/fcgi_app/main.o $(BUILD)/fcgi_app/backend_plugins.o $(APP_OBJS)
# The conformance suite is a binary of its own, run against each backend by
# tests/integration/servers_test.sh.
CONFORMANCE := tests/store/store_conformance_test.cc
TEST_SRCS   := $(filter-out $(CONFORMANCE),$(sort $(shell find tests -name '*.cc' -not -path 'tests/fuzz/*')))
TEST_OBJS   := $(TEST_SRCS:%.cc=$(BUILD)/%.o)

# The self-contained responder for hosts where nothing can be installed (shared hosting, plain
# CGI): a static-pie executable, every library linked in (glibc, libstdc++, libfcgi, SQLite,
# MariaDB's client with OpenSSL and zlib), so it needs no shared library and no glibc symbol
# version and runs on any x86-64 Linux from kernel 3.2. It speaks SQLite and MySQL/MariaDB
# (not PostgreSQL). Name lookups keep to the sources built into the static glibc and no shared
# library is ever loaded (fcgi_app/portable_nss.cc), so MariaDB's client carries
# mysql_native_password alone (DLR_MYSQL_NO_PLUGINS); "localhost" finds the host's MySQL socket
# (DLR_MYSQL_FIND_SOCKET). See README.md, "Shared hosting".
# Its own objects, never sanitized, so that `SANITIZE=1 make test` still checks a shippable file.
PORTABLE_DIR   ?= build/portable
PORTABLE       := $(PORTABLE_DIR)/dlr-webhook
PORTABLE_FLAGS := -O2 -std=c++17 -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
                  -fPIE -ffunction-sections -fdata-sections -pthread
PORTABLE_DEFS  := -DDLR_CRYPTO_LINKED=1 -DDLR_WITH_MYSQL=1 -DDLR_MYSQL_NO_PLUGINS=1 -DDLR_MYSQL_FIND_SOCKET=1 \
                  $(shell pkg-config --cflags libmariadb 2>/dev/null)
# Every backend but PostgreSQL (whatever WITH_MYSQL says), and the name lookups.
PORTABLE_SRCS  := fcgi_app/main.cc fcgi_app/portable_nss.cc $(APP_SRCS) \
                  $(filter-out $(wildcard common/store/postgres/*.cc),$(sort $(shell find common -name '*.cc')))
PORTABLE_OBJS  := $(patsubst %.cc,$(PORTABLE_DIR)/obj/%.o,$(PORTABLE_SRCS))
# The static libraries, in link order (libmariadb.a needs OpenSSL and zlib: pkg-config --static;
# libcrypto is also the responder's own, common/base/crypto).
PORTABLE_LIBS  := -lfcgi -lsqlite3 -lmariadb -lssl -lcrypto -lz -lm -pthread

# Fuzzing (make fuzz): libFuzzer targets built with clang into build-fuzz/. Their saved corpus
# and every crash ever found are replayed by `make test` with replay_main.cc (no libFuzzer).
FUZZ_TARGETS  := payload query auth config signature nested
FUZZ_CXX      ?= clang++
FUZZ_BUILD    := build-fuzz
FUZZ_SECONDS  ?= 30
FUZZ_CXXFLAGS := -O1 -g -std=c++17 -Wall -Wextra -Werror $(SANITIZERS) \
                 -fsanitize-ignorelist=tests/fuzz/ubsan-ignorelist.txt
FUZZ_COMMON_OBJS := $(COMMON_SRCS:%.cc=$(FUZZ_BUILD)/%.o)
FUZZERS       := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
REPLAYS       := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

all: $(BUILD)/dlr-webhook $(BUILD)/dlrctl $(PLUGIN_SOS)

$(BUILD)/%.o: %.cc | $(BUILD)/.pkgs-ok-$(WITH_POSTGRES)$(WITH_MYSQL)
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@


# A missing library is named before the compiler fails on its header.
$(BUILD)/.pkgs-ok-$(WITH_POSTGRES)$(WITH_MYSQL):
	@mkdir -p $(dir $@)
	@for p in $(PKGS); do pkg-config --exists $$p || { \
	  echo "pkg-config: $$p not found: run scripts/deps.sh --install (or leave a server backend out: WITH_POSTGRES=0, WITH_MYSQL=0)" >&2; exit 1; }; done
	@touch $@

# The backends' factories follow the WITH_ switches.
BACKENDS := postgres=$(WITH_POSTGRES) mysql=$(WITH_MYSQL)
$(BUILD)/backends.flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BACKENDS)' | cmp -s - $@ || echo '$(BACKENDS)' > $@
$(BUILD)/common/store/factory/server_backends.o $(BUILD)/fcgi_app/backend_plugins.o: $(BUILD)/backends.flags

# The responder loads its backend plugins from one directory fixed here: PLUGIN_DIR (where
# `make install` puts them), or, for a program run from this build directory (the tests), the
# build directory itself.
PLUGIN_DIR ?= $(PREFIX)/lib/dlr-webhook
PLUGIN_DIRS := $(PLUGIN_DIR) $(abspath $(BUILD))
$(BUILD)/plugin_dir.flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PLUGIN_DIRS)' | cmp -s - $@ || echo '$(PLUGIN_DIRS)' > $@
$(BUILD)/fcgi_app/backend_plugins.o: $(BUILD)/plugin_dir.flags
$(BUILD)/fcgi_app/backend_plugins.o: CXXFLAGS += -DDLR_PLUGIN_DIR='"$(PLUGIN_DIR)"' \
    -DDLR_BUILD_DIR='"$(abspath $(BUILD))"'

$(BUILD)/libdlrcommon.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libdlrcore.a: $(CORE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# All of the core (a plugin may use any of it), its dlr:: symbols exported to the plugins.
$(BUILD)/dlr-webhook: $(RESP_OBJS) $(BUILD)/libdlrcore.a fcgi_app/plugin_exports.list | check-libfcgi
	$(CXX) $(LDFLAGS) $(PROG_LDFLAGS) -Wl,--dynamic-list=fcgi_app/plugin_exports.list $(RESP_OBJS) \
	  -Wl,--whole-archive $(BUILD)/libdlrcore.a -Wl,--no-whole-archive $(RESP_LDLIBS) -o $@

# A server backend plugin: the backend, compiled as position-independent code, and its client
# library; the C++ runtime linked in and kept private, as in the programs.
$(BUILD)/pic/%.o: %.cc | $(BUILD)/.pkgs-ok-$(WITH_POSTGRES)$(WITH_MYSQL)
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -fPIC -c $< -o $@

$(BUILD)/pic/fcgi_app/plugin_entry_%.o: fcgi_app/plugin_entry.cc | $(BUILD)/.pkgs-ok-$(WITH_POSTGRES)$(WITH_MYSQL)
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -fPIC -DDLR_PLUGIN_$(shell echo $* | tr a-z A-Z)=1 -c $< -o $@

# Each plugin is its backend's folder, common/store/NAME/.
PLUGIN_OBJS = $(patsubst %.cc,$(BUILD)/pic/%.o,$(wildcard common/store/$(1)/*.cc)) \
              $(BUILD)/pic/fcgi_app/plugin_entry_$(1).o
define PLUGIN_RULE
$(BUILD)/dlr-webhook-$(1).so: $(call PLUGIN_OBJS,$(1))
	$$(CXX) -shared $$(LDFLAGS) $$(PROG_LDFLAGS) -Wl,--exclude-libs,ALL $$^ \
	  $$(PLUGIN_LIBS_$(1)) -pthread -o $$@
.SECONDARY: $(call PLUGIN_OBJS,$(1))
endef
$(foreach p,$(PLUGINS),$(eval $(call PLUGIN_RULE,$(p))))

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

# dlrctl alone links libcurl (send-test); the responder does not.
CTL_OBJS := $(BUILD)/fcgi_app/dlrctl.o $(BUILD)/fcgi_app/http_client.o
$(BUILD)/dlrctl: $(CTL_OBJS) $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $(PROG_LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs libcurl 2>/dev/null) -o $@

# The static link keeps libfcgi's code whatever the host upgrades later: the libfcgi.a it would
# take is checked for CVE-2025-23016 before anything is compiled, and an unknown version is
# refused too (scripts/check_libfcgi_static.sh; ALLOW_VULNERABLE_LIBFCGI=1 makes it a warning).
check-libfcgi-static:
	@CXX="$(CXX)" LIBFCGI_MIN="$(LIBFCGI_MIN)" ALLOW_VULNERABLE_LIBFCGI="$(ALLOW_VULNERABLE_LIBFCGI)" \
	  bash scripts/check_libfcgi_static.sh

$(PORTABLE_DIR)/obj/%.o: %.cc | check-libfcgi-static
	@mkdir -p $(dir $@)
	$(CXX) $(filter-out -DDLR_WITH_%,$(CPPFLAGS)) $(PORTABLE_DEFS) $(PORTABLE_FLAGS) -c $< -o $@

# dlopen is wrapped: it always fails (portable_nss.cc). The linker still warns that getaddrinfo,
# getpwuid, getservbyname and libfcgi's gethostbyname "require at runtime the shared libraries
# from the glibc version used for linking": true of NSS modules, which portable_nss.cc rules out.
$(PORTABLE): $(PORTABLE_OBJS) | check-libfcgi-static
	$(CXX) -static-pie -Wl,--gc-sections -Wl,-O1 -Wl,--wrap=dlopen,--wrap=dlerror -s $^ \
	  $(PORTABLE_LIBS) -o $@

portable: $(PORTABLE)

$(BUILD)/unit_tests: $(TEST_OBJS) $(APP_OBJS) $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

$(BUILD)/store_conformance: $(BUILD)/tests/store/store_conformance_test.o $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

$(BUILD)/store_load: $(BUILD)/bench/store_load.o $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

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

# `make test` first installs what the build and the tests need (scripts/deps.sh --install: as root;
# otherwise it prints the one command to run and stops, as `make run` does), then builds and runs
# the tests in a sub-make, which reads the Makefile again with the libraries now present. The
# builds use every core unless -j was given (make test -j2).
TEST_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))
test:
	bash scripts/deps.sh --install </dev/null
	$(MAKE) --no-print-directory $(TEST_JOBS) test-run

# Unit tests, the fuzz replays, then the integration tests against a real nginx, spawn-fcgi,
# Apache and lighttpd, the portable binary, and real PostgreSQL and MariaDB servers the tests start.
test-run: all portable $(BUILD)/unit_tests $(BUILD)/store_conformance $(REPLAYS)
	$(BUILD)/unit_tests --report_level=short
	bash tests/tools/check_libfcgi_static_test.sh
	$(MAKE) --no-print-directory replay
	@if [ -n "$(SANITIZER_LOG_DIR)" ]; then rm -rf "$(SANITIZER_LOG_DIR)" && mkdir -p "$(SANITIZER_LOG_DIR)"; fi
	$(IT_ENV) BUILD=$(BUILD) PORTABLE_BIN=$(PORTABLE) bash tests/integration/run_all.sh

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

# A short benchmark (about a minute) that fails when storing costs far more responder CPU per
# request than the handshake does, in the same run (bench/guard.sh); CI runs it.
bench-guard: all
	bash bench/guard.sh

# Instructions per request (handshake, stored DLR, the bare libfcgi responder) under valgrind's
# callgrind: steady under load, unlike req/s (bench/callgrind.sh; about 15 s).
bench-callgrind: all
	BUILD=$(BUILD) bash bench/callgrind.sh $(CALLGRIND_ARGS)

# The database servers' CPU time per stored DLR, by group size, on SQLite, PostgreSQL and MariaDB
# started for the run, without a web server in front (bench/store_load.sh; about 2 minutes).
bench-store: all $(BUILD)/store_load
	BUILD=$(BUILD) bash bench/store_load.sh $(STORE_LOAD_ARGS)

# Installs what is missing, builds, and serves the receiver behind nginx.
run:
	bash scripts/run.sh

# The benchmark in every layout (one and several SQLite processes, Apache mod_fcgid, PostgreSQL,
# MariaDB, CGI) against the bare FastCGI responder and its anchors, with the goals as met or
# missed (about 6 minutes; installs what it needs; see bench/run.sh -h).
# Settings and a choice of cases: make bench BENCH_ARGS="--cases bdhi -d 30".
bench: all
	bash bench/run.sh $(BENCH_ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/dlr-webhook $(BUILD)/dlrctl $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PLUGIN_DIR)
	$(if $(PLUGIN_SOS),install -m 0644 $(PLUGIN_SOS) $(DESTDIR)$(PLUGIN_DIR)/)

# The Debian package build/deb/dlr-webhook_VERSION_amd64.deb, built with debhelper from a copy
# of the tree in build/deb/src, and lintian-clean (scripts/make_deb.sh). DEB_VERSION: a newer
# version than debian/changelog's, for an upgrade.
deb:
	bash scripts/make_deb.sh $(DEB_VERSION)

# The include rules of common/'s layers (README, "Architecture"), and a test that each rule is caught.
check-layers:
	bash scripts/check_layers.sh
	bash tests/tools/check_layers_test.sh

style-check:
	clang-format --dry-run --Werror $(sort $(shell find common fcgi_app tests -name '*.h' -o -name '*.cc'))

clean:
	rm -rf build build-asan build-fuzz build-nobackends build-asan-nobackends

.PHONY: all portable unit test test-run deb replay soak run bench bench-guard bench-callgrind bench-store install style-check check-layers clean check-libfcgi check-libfcgi-static fuzzers \
        fuzz fuzz-merge FORCE

-include $(COMMON_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(RESP_OBJS:.o=.d) $(shell find $(BUILD)/pic/common -name '*.d' 2>/dev/null) \
         $(BUILD)/pic/fcgi_app/*.d $(CTL_OBJS:.o=.d) \
         $(BUILD)/tests/store/store_conformance_test.d
-include $(PORTABLE_OBJS:.o=.d)
-include $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.d) $(BUILD)/tests/fuzz/replay_main.d
-include $(FUZZ_COMMON_OBJS:.o=.d)
