#!/usr/bin/env bash
# scripts/check_layers.sh: clean on this tree, and each rule caught when a copy of common/ breaks it.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CHECK="$ROOT/scripts/check_layers.sh"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$1"; }
not_ok() { FAIL=$((FAIL + 1)); printf 'not ok - %s: %s\n' "$1" "$2"; }
T=$(mktemp -d "${TMPDIR:-/tmp}/dlr-layers.XXXXXX")
trap 'rm -rf "$T"' EXIT

if out=$(bash "$CHECK" "$ROOT" 2>&1); then
  ok "this tree passes ($out)"
else
  not_ok "this tree passes" "$out"
fi

# plant DESC FILE LINE EXPECTED: a fresh copy of common/ with LINE appended to FILE must fail,
# naming EXPECTED.
plant() {
  local desc=$1 file=$2 line=$3 expected=$4
  rm -rf "$T/tree" && mkdir -p "$T/tree" && cp -r "$ROOT/common" "$T/tree/"
  mkdir -p "$(dirname "$T/tree/$file")"
  printf '%s\n' "$line" >>"$T/tree/$file"
  local out rc
  out=$(bash "$CHECK" "$T/tree" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && grep -qF -- "$expected" <<<"$out"; then
    ok "$desc"
  else
    not_ok "$desc" "exit $rc, wanted a line with '$expected', got: $out"
  fi
}

plant "common/ including libfcgi is refused" common/http/cgi_env.cc '#include <fcgiapp.h>' \
  "includes libfcgi (fcgiapp.h)"
plant "a backend including the handler is refused" common/store/sqlite/sqlite_store.cc \
  '#include "common/webhook/handler.h"' "common/store/sqlite includes common/webhook/handler.h"
plant "a backend including the status page is refused" common/store/postgres/postgres_store.cc \
  '#include "common/ops/status_page.h"' "common/store/postgres includes common/ops/status_page.h"
plant "the webhook layer naming a concrete backend is refused" common/webhook/handler.cc \
  '#include "common/store/sqlite/sqlite_store.h"' "the webhook layer includes common/store/sqlite/sqlite_store.h"
plant "the webhook layer naming the factory is refused" common/webhook/config.cc \
  '#include "common/store/factory/open_store.h"' "the webhook layer includes common/store/factory/open_store.h"
plant "the handler reaching the operator's reads is refused" common/webhook/handler.cc \
  '#include "common/store/reader.h"' "the request path includes common/store/reader.h"
plant "the group commit reaching the SQL primitives is refused" common/store/group_commit.cc \
  '#include "common/store/database.h"' "the request path includes common/store/database.h"
plant "one backend including another is refused" common/store/mysql/mysql_store.cc \
  '#include "common/store/postgres/postgres_store.h"' "common/store/mysql includes common/store/postgres/postgres_store.h"
plant "an upward include is refused" common/base/log.cc '#include "common/http/http.h"' \
  "common/base includes common/http/http.h"
plant "two folders including each other are named" common/base/log.cc '#include "common/http/http.h"' \
  "common/base and common/http include each other"
plant "two modules including each other are named" common/ops/status_page.cc \
  '#include "common/ops/operator_routes.h"' "common/ops/operator_routes and common/ops/status_page include each other"
plant "a folder outside the layers is refused" common/extra/thing.h '#include <string>' \
  "folder common/extra is not a layer"

printf '%d passed, %d failed\n' "$PASS" "$FAIL"
[ "$FAIL" -eq 0 ]
