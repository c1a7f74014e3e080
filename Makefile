# dlr-webhook. `make` builds build/dlr-webhook and build/dlrctl.
# make portable builds build/portable/dlr-webhook (libfcgi, SQLite and the C++ runtime linked in).
# make test | run | bench-free checks: see README.md.

CXX      ?= g++
PREFIX   ?= /usr/local
BUILD    ?= build
PKGS     := fcgi sqlite3 RapidJSON
LIBPKGS  := fcgi sqlite3

# The server backends, both built by default; WITH_POSTGRES=0 or WITH_MYSQL=0
# leaves one out (a config naming it is then refused at startup).
WITH_POSTGRES ?= 1
WITH_MYSQL    ?= 1
LEFT_OUT :=
ifeq ($(WITH_POSTGRES),1)
  LIBPKGS  += libpq
  CPPFLAGS += -DDLR_WITH_POSTGRES=1
else
  LEFT_OUT += common/postgres_store.cc
endif
ifeq ($(WITH_MYSQL),1)
  LIBPKGS  += libmariadb
  CPPFLAGS += -DDLR_WITH_MYSQL=1
else
  LEFT_OUT += common/mysql_store.cc
endif
# libcurl: dlrctl send-test only (linked into dlrctl alone, below).
PKGS += $(filter-out fcgi sqlite3,$(LIBPKGS)) libcurl

CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion
CPPFLAGS += -I. -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(LIBPKGS) 2>/dev/null)

ifeq ($(SANITIZE),1)
  BUILD    := build-asan
  CXXFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
  LDFLAGS  += -fsanitize=address,undefined
endif

COMMON_SRCS := $(filter-out $(LEFT_OUT),$(wildcard common/*.cc))
COMMON_OBJS := $(COMMON_SRCS:%.cc=$(BUILD)/%.o)
# The conformance suite is a binary of its own, run against each backend by
# tests/integration/servers_test.sh.
CONFORMANCE := tests/store_conformance_test.cc
TEST_SRCS   := $(filter-out $(CONFORMANCE),$(wildcard tests/*.cc))
TEST_OBJS   := $(TEST_SRCS:%.cc=$(BUILD)/%.o)

# The self-contained responder for hosts where nothing can be installed (shared hosting, plain
# CGI): libfcgi, SQLite, libstdc++ and libgcc linked statically, glibc (libc, libm) dynamic.
# Its own objects, never sanitized, so that `SANITIZE=1 make test` still checks a shippable file.
PORTABLE_DIR   ?= build/portable
PORTABLE       := $(PORTABLE_DIR)/dlr-webhook
PORTABLE_FLAGS := -O2 -std=c++17 -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
                  -ffunction-sections -fdata-sections
PORTABLE_OBJS  := $(patsubst %.cc,$(PORTABLE_DIR)/obj/%.o,fcgi_app/main.cc $(COMMON_SRCS))

all: $(BUILD)/dlr-webhook $(BUILD)/dlrctl

$(BUILD)/%.o: %.cc | $(BUILD)/.pkgs-ok-$(WITH_POSTGRES)$(WITH_MYSQL)
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@


# A missing library is named before the compiler fails on its header.
$(BUILD)/.pkgs-ok-$(WITH_POSTGRES)$(WITH_MYSQL):
	@mkdir -p $(dir $@)
	@for p in $(PKGS); do pkg-config --exists $$p || { \
	  echo "pkg-config: $$p not found: run scripts/deps.sh --install (or leave a server backend out: WITH_POSTGRES=0, WITH_MYSQL=0)" >&2; exit 1; }; done
	@touch $@

# store.o (the factory) follows the WITH_ switches.
BACKENDS := postgres=$(WITH_POSTGRES) mysql=$(WITH_MYSQL)
$(BUILD)/backends.flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BACKENDS)' | cmp -s - $@ || echo '$(BACKENDS)' > $@
$(BUILD)/common/store.o: $(BUILD)/backends.flags

$(BUILD)/libdlrcommon.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/dlr-webhook: $(BUILD)/fcgi_app/main.o $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# dlrctl alone links libcurl (send-test); the responder does not.
CTL_OBJS := $(BUILD)/fcgi_app/dlrctl.o $(BUILD)/fcgi_app/http_client.o
$(BUILD)/dlrctl: $(CTL_OBJS) $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs libcurl 2>/dev/null) -o $@

$(PORTABLE_DIR)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(PORTABLE_FLAGS) -c $< -o $@

$(PORTABLE): $(PORTABLE_OBJS)
	$(CXX) -static-libstdc++ -static-libgcc -Wl,--gc-sections -Wl,-O1 -s $^ \
	  -Wl,-Bstatic -lfcgi -lsqlite3 -Wl,-Bdynamic -lm -o $@

portable: $(PORTABLE)

$(BUILD)/unit_tests: $(TEST_OBJS) $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

$(BUILD)/store_conformance: $(BUILD)/tests/store_conformance_test.o $(BUILD)/libdlrcommon.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -lboost_unit_test_framework -o $@

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

# Unit tests, then the integration tests against a real nginx, spawn-fcgi and Apache, the
# portable binary, and real PostgreSQL and MariaDB servers the tests start.
test: all portable $(BUILD)/unit_tests $(BUILD)/store_conformance
	$(BUILD)/unit_tests --report_level=short
	BUILD=$(BUILD) PORTABLE_BIN=$(PORTABLE) bash tests/integration/run_all.sh

# Installs what is missing, builds, and serves the receiver behind nginx.
run:
	bash scripts/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/dlr-webhook $(BUILD)/dlrctl $(DESTDIR)$(PREFIX)/bin/

style-check:
	clang-format --dry-run --Werror $(wildcard common/*.h common/*.cc fcgi_app/*.h fcgi_app/*.cc tests/*.cc tests/*.h)

clean:
	rm -rf build build-asan build-nobackends build-asan-nobackends

.PHONY: all portable unit test run install style-check clean FORCE

-include $(COMMON_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/fcgi_app/main.d $(CTL_OBJS:.o=.d) \
         $(BUILD)/tests/store_conformance_test.d
-include $(PORTABLE_OBJS:.o=.d)
