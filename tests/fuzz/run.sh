#!/usr/bin/env bash
# Runs the libFuzzer targets built by `make fuzzers` (build-fuzz/fuzz_TARGET).
#
#   tests/fuzz/run.sh SECONDS TARGET...   each target for SECONDS from its saved corpus
#                                         (tests/fuzz/corpus/TARGET); new inputs go to
#                                         build-fuzz/corpus/TARGET, crashes to
#                                         tests/fuzz/regressions/TARGET/; prints a table of
#                                         executions per target; exits 1 if any crashed
#   tests/fuzz/run.sh --merge TARGET...   folds build-fuzz/corpus/TARGET into the saved corpus,
#                                         keeping only inputs that reach new edges (hit counts
#                                         ignored, to keep the saved corpus small)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
FB=build-fuzz

if [ "${1:-}" = --merge ]; then
    shift
    for t in "$@"; do
        mkdir -p "$FB/corpus/$t"
        before=$(find "tests/fuzz/corpus/$t" -type f | wc -l)
        "$FB/fuzz_$t" -merge=1 -use_counters=0 -use_cmp=0 -max_len=8192 \
            "tests/fuzz/corpus/$t" "$FB/corpus/$t" >"$FB/merge-$t.log" 2>&1 \
            || { echo "fuzz-merge $t failed: see $FB/merge-$t.log"; exit 1; }
        echo "fuzz-merge $t: $before -> $(find "tests/fuzz/corpus/$t" -type f | wc -l) files"
    done
    exit 0
fi

seconds=${1:?usage: run.sh SECONDS TARGET...}
shift
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
rows=()
for t in "$@"; do
    mkdir -p "$FB/corpus/$t" "tests/fuzz/regressions/$t"
    log="$FB/fuzz-$t.log"
    before=$(find "tests/fuzz/regressions/$t" -type f ! -name '.*' | wc -l)
    # -max_len: the largest body worth trying (64 KiB bodies are allowed; 8 KiB keeps it fast).
    "$FB/fuzz_$t" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="tests/fuzz/regressions/$t/" \
        "$FB/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
    after=$(find "tests/fuzz/regressions/$t" -type f ! -name '.*' | wc -l)
    new=$(find "$FB/corpus/$t" -type f | wc -l)
    status=ok
    if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
        status="CRASH (exit $rc; see $log and tests/fuzz/regressions/$t/)"
        failed=1
    fi
    rows+=("$(printf '%-8s %12s %10s %6s %8s  %s' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "$new" "$status")")
done
printf '%-8s %12s %10s %6s %8s  %s\n' target executions exec/s cov new result
printf '%s\n' "${rows[@]}"
crashed=$(printf '%s\n' "${rows[@]}" | grep -c CRASH)
echo "fuzz: $(( $# - crashed )) passed, $crashed failed"
exit $failed
