#!/usr/bin/env bash
# make check-layers: the include rules of common/ (README, "Architecture").
#
#   scripts/check_layers.sh [ROOT]     (ROOT: the source tree, default: this checkout)
#
# The layers, lowest first; a file may include its own folder and the folders below it:
#   base  <  http  <  store  <  store/server  <  store/sqlite, store/postgres, store/mysql
#         <  store/factory  <  webhook  <  ops  <  ctl
# (store/server: what the two server backends share)
# and besides:
#   - nothing in common/ includes libfcgi (common/ is the pure core; fcgi_app/ adapts it);
#   - the backends (store/sqlite, store/postgres, store/mysql) include none of one another;
#   - the webhook layer names no concrete backend and no factory: only the store interface, and
#     of it only the request path's side (the webhook layer and the group commit include
#     neither store/database.h nor store/reader.h, the operator's side);
#   - no two folders include each other, and no two modules (X.h/X.cc) include each other.
# Prints each violation as FILE: rule, and exits 1 when there is one.
set -uo pipefail
ROOT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$ROOT" || exit 2

declare -A RANK=(
  [base]=0 [http]=1 [store]=2 [store/server]=3
  [store/sqlite]=4 [store/postgres]=4 [store/mysql]=4
  [store/factory]=5 [webhook]=6 [ops]=7 [ctl]=8
)
fail=0
violation() {
  echo "$1: $2"
  fail=1
}

# The folder of a path under common/ ("common/store/sqlite/x.h" -> "store/sqlite"), in $folder.
folder_of() {
  folder=${1#common/}
  folder=${folder%/*}
}

declare -A EDGES=()  # "from|to" of folders
declare -A MODULE_EDGES=()
mapfile -t files < <(find common -name '*.h' -o -name '*.cc' | sort)
[ ${#files[@]} -gt 0 ] || {
  echo "check-layers: no sources under $ROOT/common" >&2
  exit 2
}
for f in "${files[@]}"; do
  folder_of "$f"
  from=$folder
  [ -n "${RANK[$from]+x}" ] ||
    violation "$f" "folder common/$from is not a layer (scripts/check_layers.sh lists them)"
done
include_re='^([^:]+):[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"]'
while IFS= read -r line; do
  [[ $line =~ $include_re ]] || continue
  f=${BASH_REMATCH[1]}
  inc=${BASH_REMATCH[2]}
  folder_of "$f"
  from=$folder
  [ -n "${RANK[$from]+x}" ] || continue
  case "$inc" in
    fcgiapp.h | fcgio.h | fcgi_stdio.h | fcgi_config.h | fcgios.h | fastcgi.h)
      violation "$f" "includes libfcgi ($inc): common/ knows nothing of FastCGI"
      continue
      ;;
    common/*) ;;
    *) continue ;;
  esac
  folder_of "$inc"
  to=$folder
  if [ -z "${RANK[$to]+x}" ]; then
    violation "$f" "includes $inc, outside every layer"
    continue
  fi
  [ "$from" = "$to" ] || EDGES["$from|$to"]=1
  fm=${f%.*}
  tm=${inc%.*}
  [ "$fm" = "$tm" ] || MODULE_EDGES["$fm|$tm"]=1
  if [[ $inc == common/store/database.h || $inc == common/store/reader.h ]] &&
    [[ $from == webhook || $f == common/store/group_commit.* ]]; then
    violation "$f" "the request path includes $inc: it writes through StoreWriter (store.h) only"
  fi
  if [ "$from" = webhook ] && [[ $to == store/* ]]; then
    violation "$f" "the webhook layer includes $inc: it may use the store interface only, never a backend or the factory"
  elif [ "$from" != "$to" ] && [ "${RANK[$to]}" -ge "${RANK[$from]}" ]; then
    violation "$f" "common/$from includes $inc: a layer may include only the layers below it"
  fi
done < <(grep -HE '^[[:space:]]*#[[:space:]]*include' "${files[@]}")

for e in "${!EDGES[@]}"; do
  a=${e%|*} b=${e#*|}
  if [[ $a < $b ]] && [ -n "${EDGES["$b|$a"]+x}" ]; then
    violation "common/$a" "common/$a and common/$b include each other"
  fi
done
for e in "${!MODULE_EDGES[@]}"; do
  a=${e%|*} b=${e#*|}
  if [[ $a < $b ]] && [ -n "${MODULE_EDGES["$b|$a"]+x}" ]; then
    violation "$a" "$a and $b include each other"
  fi
done

if [ $fail = 0 ]; then
  echo "check-layers: ${#files[@]} files in common/, every include points down"
fi
exit $fail
