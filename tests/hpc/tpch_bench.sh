#!/usr/bin/env bash
# tpch_bench: hpc/tpch-bench end to end at SF0.01 on 2 ranks, in about a minute:
#  1. --load generate --repeat 1: stdout is exactly "load N ms", q1..q22 "qK N ms", "total N ms"
#     (total = the sum), every run checked and correct in runs.csv, results/qK.csv, summary.csv,
#     report.md (with SF, ranks, commit, machine) and, when gnuplot is here, chart.svg;
#  2. --load copy:DIR (shoal-dbgen's .tbl files) --repeat 2: the same, two runs per query;
#  3. a wrong expected answer (--answers) and a failing query (--query-dir): exit 1, both named;
#  4. bad arguments and a missing COPY directory: exit 2 with the usage or the reason.
# usage: tpch_bench.sh SHOAL SHOAL_DBGEN MPIEXEC
set -euo pipefail

if [ $# -ne 3 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHOAL=$(readlink -f "$1")
DBGEN=$(readlink -f "$2")
SHOAL_BUILD_DIR=$(dirname "$SHOAL")
MPIRUN=$3
export SHOAL_BUILD_DIR MPIRUN
unset MPIRUN_ARGS SLURM_JOB_ID SLURM_NTASKS
T=$(mktemp -d "${TMPDIR:-/tmp}/shoal-tpch-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
# the driver's own limit (its cluster) and timeout's (the driver) are both under ctest's
BENCH=(timeout 200 "$ROOT/hpc/tpch-bench" --no-build --no-install --timeout 180)

fail() {
  echo "FAIL [tpch_bench]: $*" >&2
  exit 1
}
note() { echo "[tpch_bench] $*"; }
show() { echo "--- stdout:"; cat "$1.out"; echo "--- stderr:"; tail -40 "$1.err"; echo "---"; }

# bench NAME ARGS...: runs the driver with --out $T/NAME; its exit status in RC
bench() {
  local name=$1
  shift
  RC=0
  "${BENCH[@]}" --out "$T/$name" "$@" >"$T/$name.out" 2>"$T/$name.err" || RC=$?
}

# check_success NAME REPEAT: the stdout format and every file of a good run
check_success() {
  local name=$1 repeat=$2 out=$T/$1
  [ "$RC" -eq 0 ] || { show "$out"; fail "$name: exit $RC"; }
  [ "$(wc -l <"$out.out")" -eq 24 ] || { show "$out"; fail "$name: stdout has $(wc -l <"$out.out") lines, expected 24"; }
  grep -qE '^load [0-9]+\.[0-9] ms$' <(sed -n 1p "$out.out") || { show "$out"; fail "$name: line 1 is not \"load N ms\""; }
  local q
  for q in $(seq 1 22); do
    [[ $(sed -n "$((q + 1))p" "$out.out") =~ ^q$q\ [0-9]+\.[0-9]\ ms$ ]] || { show "$out"; fail "$name: line $((q + 1)) is not \"q$q N ms\""; }
    [ -s "$out/results/q$q.csv" ] || fail "$name: no results/q$q.csv"
  done
  grep -qE '^total [0-9]+\.[0-9] ms$' <(sed -n 24p "$out.out") || { show "$out"; fail "$name: line 24 is not \"total N ms\""; }
  awk '/^q/ { s += $2 } /^total/ { t = $2 } END { d = s - t; if (d < 0) d = -d; exit !(d < 0.1 * 23) }' "$out.out" ||
    { show "$out"; fail "$name: total is not the sum of the query lines"; }
  [ "$(head -1 "$out/runs.csv")" = "query,run,ms,rows,bytes_moved,blocks_skipped,peak_rss_bytes_max,correct,blocks_read,rows_scanned" ] ||
    fail "$name: runs.csv header is $(head -1 "$out/runs.csv")"
  [ "$(tail -n +2 "$out/runs.csv" | wc -l)" -eq $((22 * repeat)) ] || fail "$name: runs.csv does not have $((22 * repeat)) runs"
  # every run: a time, rows, figures, checked and correct; q1 scans rows and reports a peak
  awk -F, 'NR > 1 && !($3 ~ /^[0-9]+\.[0-9]+$/ && $4 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/ && $6 ~ /^[0-9]+$/ && $7 > 0 && $8 == "yes") { bad++; print }
           END { exit bad > 0 }' "$out/runs.csv" || { cat "$out/runs.csv"; fail "$name: a run in runs.csv is not correct or lacks a figure"; }
  grep -qE '^q1,1,[0-9.]+,4,' "$out/runs.csv" || fail "$name: q1 did not return 4 rows"
  [ "$(tail -n +2 "$out/summary.csv" | wc -l)" -eq 22 ] || fail "$name: summary.csv does not have 22 queries"
  local line
  for line in '^| scale factor | 0.01 |$' '^| ranks | 2 |$' '^| commit | [0-9a-f]\{40\}' '^| cpu | ' '^| memory | ' '^| q22 | '; do
    grep -q "$line" "$out/report.md" || fail "$name: report.md has no line matching $line"
  done
  if command -v gnuplot >/dev/null; then
    grep -q '<svg' "$out/chart.svg" 2>/dev/null || fail "$name: gnuplot is here but there is no chart.svg"
    grep -q '(chart.svg)' "$out/report.md" || fail "$name: report.md does not show the chart"
  fi
  grep -qF "[q22 run $repeat/$repeat]" "$out.err" || { show "$out"; fail "$name: no progress line on stderr"; }
}

# ---- 1. generated in place
bench gen --sf 0.01 --ranks 2 --repeat 1
check_success gen 1
grep -q '^| load | generate |$' "$T/gen/report.md" || fail "gen: the report does not name the load"
note "generate, 22 queries x1: ok ($(sed -n 24p "$T/gen.out"))"

# ---- 2. COPY of shoal-dbgen's files, two runs per query
mkdir "$T/tbl"
"$DBGEN" -s 0.01 -o "$T/tbl" >/dev/null
bench copy --sf 0.01 --ranks 2 --repeat 2 --load "copy:$T/tbl"
check_success copy 2
grep -qE '^q22,2,' "$T/copy/runs.csv" || fail "copy: no second run of q22"
note "copy, 22 queries x2: ok ($(sed -n 24p "$T/copy.out"))"

# ---- 3. a wrong result and a failing query: exit 1, each named
cp -r "$ROOT/tests/tpch_queries/answers/sf0.01" "$T/answers"
sed -i '2s/^A,F,[0-9.]*,/A,F,1,/' "$T/answers/1.csv"
cp -r "$ROOT/tests/tpch_queries/queries" "$T/queries"
sed -i 's/^\(\s*\)lineitem$/\1no_such_table/' "$T/queries/6.sql"
grep -q no_such_table "$T/queries/6.sql" || fail "could not break query 6"
bench bad --sf 0.01 --ranks 2 --repeat 1 --queries 1,6,14 --answers "$T/answers" --query-dir "$T/queries"
[ "$RC" -eq 1 ] || { show "$T/bad"; fail "a wrong result and a failing query: exit $RC, expected 1"; }
grep -q '^tpch-bench: q1: wrong result .*sum_qty' "$T/bad.err" || { show "$T/bad"; fail "the wrong q1 is not named on stderr"; }
grep -q '^tpch-bench: q6 failed .*no_such_table' "$T/bad.err" || { show "$T/bad"; fail "the failing q6 is not named on stderr"; }
[ "$(sed -n 3p "$T/bad.out")" = "q6 failed" ] || { show "$T/bad"; fail "stdout does not say q6 failed"; }
grep -qE '^q14 [0-9.]+ ms$' "$T/bad.out" || { show "$T/bad"; fail "q14 did not run after the failing q6"; }
for line in '^q1,1,.*,no,' '^q6,1,.*,error,' '^q14,1,.*,yes,'; do
  grep -q "$line" "$T/bad/runs.csv" || { cat "$T/bad/runs.csv"; fail "runs.csv has no line matching $line"; }
done
note "a wrong result and a failing query: exit 1, both named, the next query still ran"

# ---- 4. bad arguments: exit 2
for args in "--sf 0.01 --ranks 0" "--sf 0.01 --ranks 2 --queries 0-3" "--sf abc --ranks 2" "--ranks 2" \
  "--sf 0.01 --ranks 2 --no-such-option" "--sf 0.01 --ranks 2 --load copy:$T/no-such-dir" \
  "--sf 0.01 --ranks 2 --load copy:$T/answers" "--sf 0.01 --ranks 2 --load elsewhere"; do
  RC=0
  # shellcheck disable=SC2086 # split on purpose
  "$ROOT/hpc/tpch-bench" --no-build --out "$T/args" $args >"$T/args.out" 2>"$T/args.err" || RC=$?
  [ "$RC" -eq 2 ] || { show "$T/args"; fail "\"$args\": exit $RC, expected 2"; }
  [ ! -s "$T/args.out" ] || { show "$T/args"; fail "\"$args\": something on stdout"; }
  grep -q '^tpch-bench: ' "$T/args.err" || { show "$T/args"; fail "\"$args\": no message"; }
done
grep -q "no-such-dir does not exist" <("$ROOT/hpc/tpch-bench" --no-build --sf 0.01 --ranks 2 --load "copy:$T/no-such-dir" 2>&1) ||
  fail "a missing COPY directory is not named"
grep -q "^usage: hpc/tpch-bench" "$T/args.err" || fail "no usage after a bad argument"
note "bad arguments: exit 2 with a message"
note "PASS"
