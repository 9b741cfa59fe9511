#!/usr/bin/env bash
# tpch_queries.sh: the 22 TPC-H queries at SF0.01 on NP ranks against the official answers,
# under three distributions of the same data.
#
# usage: tpch_queries.sh [--sf 1] NP SHOAL SHOAL_DBGEN MPIEXEC [MPIEXEC_FLAGS...]
#
# With --sf 1 (the slow label): CALL tpch_generate(1) and the 22 queries against answers/sf1
# only (the EVEN/ALL loads are SF0.01's).
#
#  1. CALL tpch_generate(0.01) (the documented DISTKEY/SORTKEY choices): queries/1..22.sql
#     must match answers/sf0.01 (compare-results, TPC-H's rounding rules).
#  2. shoal-dbgen's files COPY'd into tables made by tpch-ddl.sql rewritten to DISTSTYLE EVEN
#     for every table, and again to DISTSTYLE ALL for every table: the same 22 answers, so no
#     result depends on where the rows live (and the planner's data movement is exercised:
#     co-located, broadcast and redistributed joins).
# All queries of one load run in one cluster; a marker query between them splits the output.
# Every mpirun runs under `timeout`; the temp dir goes away on exit. Exit 0 = pass.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SF=0.01
if [ "${1:-}" = --sf ]; then
  SF=$2
  shift 2
fi
[ -d "$HERE/answers/sf$SF" ] || { echo "no answers for SF $SF in $HERE/answers" >&2; exit 2; }
if [ $# -lt 4 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
NP=$1
SHOAL=$(readlink -f "$2")
DBGEN=$(readlink -f "$3")
shift 3
LAUNCH=("$@")
MPI_TIMEOUT=300

T=$(mktemp -d "${TMPDIR:-/tmp}/shoal-tpch-queries-np$NP.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
FAILURES=0
fail() {
  echo "FAIL [np=$NP]: $*" >&2
  FAILURES=$((FAILURES + 1))
}
note() { echo "[tpch_queries np=$NP] $*"; }

shoal() {
  local data=$1 out=$2 err=$3
  shift 3
  local rc=0
  timeout "$MPI_TIMEOUT" "${LAUNCH[@]}" -np "$NP" "$SHOAL" --data "$data" "$@" >"$out" 2>"$err" </dev/null || rc=$?
  [ "$rc" -ne 124 ] || echo "FAIL [np=$NP]: shoal $* did not finish within ${MPI_TIMEOUT}s" >&2
  return "$rc"
}

# the 22 queries, each followed by a marker row that names it
for q in $(seq 1 22); do
  cat "$HERE/queries/$q.sql"
  printf "\nSELECT 'end of q%d' AS shoal_query_marker;\n" "$q"
done >all.sql

# run_queries LABEL DATA: all 22 in one cluster, each result compared with its answer
run_queries() {
  local label=$1 data=$2 dir=$T/out-$1
  mkdir -p "$dir"
  local t0=$SECONDS
  if ! shoal "$data" "$dir/all.csv" "$dir/all.err" --csv -f all.sql; then
    fail "$label: the queries failed: $(grep -m1 ERROR "$dir/all.err" || tail -3 "$dir/all.err")"
    return
  fi
  awk -v dir="$dir" 'BEGIN { n = 1; f = dir "/q1.csv" }
    /^shoal_query_marker$/ { skip = 1; next }
    skip { skip = 0; n++; f = dir "/q" n ".csv"; next }
    { print > f }' "$dir/all.csv"
  local q ok=0
  for q in $(seq 1 22); do
    if [ ! -s "$dir/q$q.csv" ]; then
      fail "$label: no result for Q$q"
    elif ! "$HERE/compare-results" "$HERE/answers/sf$SF/$q.csv" "$dir/q$q.csv" --quiet; then
      fail "$label: Q$q differs from answers/sf$SF/$q.csv: $("$HERE/compare-results" "$HERE/answers/sf$SF/$q.csv" "$dir/q$q.csv" 2>&1 | head -3 | tr '\n' ' ')"
    else
      ok=$((ok + 1))
    fi
  done
  note "$label: $ok of 22 queries match the answers ($((SECONDS - t0)) s)"
}

# ---- 1. generated in place
if shoal gen gen.out gen.err -c "CALL tpch_generate($SF);"; then
  run_queries generate gen
else
  fail "CALL tpch_generate($SF) failed: $(cat gen.err)"
fi
if [ "$SF" != 0.01 ]; then
  [ "$FAILURES" -eq 0 ] || { echo "tpch_queries np=$NP sf=$SF: $FAILURES failure(s)" >&2; exit 1; }
  note "PASS (SF $SF)"
  exit 0
fi

# ---- 2. the same rows as EVEN and as ALL tables
mkdir tbl
"$DBGEN" -s 0.01 -o tbl >/dev/null
for style in even all; do
  STYLE=$(echo "$style" | tr a-z A-Z)
  sed -E -e "s/DISTSTYLE (ALL|KEY|EVEN)( DISTKEY\\([a-z_]+\\))?/DISTSTYLE $STYLE/" "$HERE/tpch-ddl.sql" >"ddl-$style.sql"
  grep -q "DISTSTYLE $STYLE" "ddl-$style.sql" || { fail "could not rewrite the DDL to DISTSTYLE $STYLE"; continue; }
  ! grep -qE "DISTKEY|DISTSTYLE (ALL|KEY|EVEN)" <(grep -v "DISTSTYLE $STYLE" "ddl-$style.sql" | grep -v '^--') ||
    { fail "the $STYLE DDL still names another distribution"; continue; }
  {
    cat "ddl-$style.sql"
    for t in region nation supplier customer part partsupp orders lineitem; do
      echo "COPY $t FROM '$T/tbl/$t.tbl' DELIMITER '|';"
    done
  } >"load-$style.sql"
  if shoal "$style" "load-$style.out" "load-$style.err" -f "load-$style.sql"; then
    run_queries "$style" "$style"
  else
    fail "loading the $STYLE tables failed: $(grep -m1 ERROR "load-$style.err" || tail -3 "load-$style.err")"
  fi
done

[ "$FAILURES" -eq 0 ] || { echo "tpch_queries np=$NP: $FAILURES failure(s)" >&2; exit 1; }
note "PASS"
