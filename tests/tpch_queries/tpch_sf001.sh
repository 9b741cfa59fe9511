#!/usr/bin/env bash
# tpch_sf001.sh: TPC-H at SF0.01 on NP ranks, through both load paths.
#
# usage: tpch_sf001.sh [--tables "T1 T2 ..."] NP SHOAL SHOAL_DBGEN MPIEXEC [MPIEXEC_FLAGS...]
#
#  1. shoal-dbgen -s 0.01 writes the eight .tbl files (byte-identical to dbgen: checked by
#     tests/tpch); their line counts must match dbgen-rows-sf0.01.txt, and awk computes each
#     table's checksum row (COUNT, SUMs, MIN/MAX of numeric and date columns) from them.
#  2. CALL tpch_generate(0.01) into a fresh --data: each table's COUNT(*) must equal
#     dbgen-rows-sf0.01.txt and its checksum row the awk one; Q1 and Q6 must match the answers
#     (compare-results).
#  3. A second shoal process on the same --data finds the tables and answers Q6 byte for byte
#     as the first did; starting with another rank count fails with a message naming the
#     rank counts, and leaves the data usable.
#  4. The .tbl files COPY'd into tables made by tpch-ddl.sql give the same counts, checksums
#     and Q1/Q6 answers.
# --tables limits the count and checksum checks to those tables (default: all eight).
# Every mpirun runs under `timeout`; the temp dir goes away on exit. Exit 0 = pass.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ALL_TABLES="region nation supplier customer part partsupp orders lineitem"
TABLES=$ALL_TABLES
if [ "${1:-}" = --tables ]; then
  TABLES=$2
  shift 2
fi
if [ $# -lt 4 ]; then
  sed -n '2,20p' "$0" >&2
  exit 2
fi
NP=$1
SHOAL=$(readlink -f "$2")
DBGEN=$(readlink -f "$3")
shift 3
LAUNCH=("$@")
MPI_TIMEOUT=120

for t in $TABLES; do
  case " $ALL_TABLES " in *" $t "*) ;; *) echo "unknown table $t" >&2; exit 2 ;; esac
done
[ -x "$SHOAL" ] || { echo "FAIL: $SHOAL is not executable (build first)" >&2; exit 1; }
[ -x "$DBGEN" ] || { echo "FAIL: $DBGEN is not executable (build first)" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/shoal-tpch-sf001-np$NP.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

FAILURES=0
fail() {
  echo "FAIL [np=$NP]: $*" >&2
  FAILURES=$((FAILURES + 1))
}
note() { echo "[tpch_sf001 np=$NP] $*"; }

# shoal NP DATA OUT ERR ARGS...: runs the cluster, bounded; returns its exit status
shoal() {
  local np=$1 data=$2 out=$3 err=$4
  shift 4
  local rc=0
  timeout "$MPI_TIMEOUT" "${LAUNCH[@]}" -np "$np" "$SHOAL" --data "$data" "$@" >"$out" 2>"$err" </dev/null || rc=$?
  [ "$rc" -ne 124 ] || echo "FAIL [np=$NP]: shoal $* did not finish within ${MPI_TIMEOUT}s" >&2
  return "$rc"
}

# ---- 1. the .tbl files and the expected checksums

mkdir tbl expect
"$DBGEN" -s 0.01 -o tbl >/dev/null
for t in $ALL_TABLES; do
  want=$(awk -v f="$t.tbl" '$1 == f {print $2}' "$HERE/dbgen-rows-sf0.01.txt")
  [ -n "$want" ] || { echo "FAIL: $t.tbl not listed in dbgen-rows-sf0.01.txt" >&2; exit 1; }
  got=$(wc -l <"tbl/$t.tbl")
  [ "$got" -eq "$want" ] || fail "shoal-dbgen wrote $got lines to $t.tbl, dbgen-rows-sf0.01.txt says $want"
done

# The checksum query of each table and the awk that computes the same from the .tbl file.
# spec: comma-separated AGG:FIELD:KIND with AGG count|sum|min|max, FIELD the 1-based field,
# KIND i (integer), d (decimal) or t (date, compared as text).
declare -A COLS SPEC
COLS[region]="COUNT(*), SUM(r_regionkey), MIN(r_regionkey), MAX(r_regionkey)"
SPEC[region]="count:0:i,sum:1:i,min:1:i,max:1:i"
COLS[nation]="COUNT(*), SUM(n_nationkey), SUM(n_regionkey), MIN(n_nationkey), MAX(n_nationkey)"
SPEC[nation]="count:0:i,sum:1:i,sum:3:i,min:1:i,max:1:i"
COLS[supplier]="COUNT(*), SUM(s_suppkey), SUM(s_nationkey), SUM(s_acctbal), MIN(s_acctbal), MAX(s_acctbal)"
SPEC[supplier]="count:0:i,sum:1:i,sum:4:i,sum:6:d,min:6:d,max:6:d"
COLS[customer]="COUNT(*), SUM(c_custkey), SUM(c_nationkey), SUM(c_acctbal), MIN(c_acctbal), MAX(c_acctbal)"
SPEC[customer]="count:0:i,sum:1:i,sum:4:i,sum:6:d,min:6:d,max:6:d"
COLS[part]="COUNT(*), SUM(p_partkey), SUM(p_size), SUM(p_retailprice), MIN(p_retailprice), MAX(p_retailprice)"
SPEC[part]="count:0:i,sum:1:i,sum:6:i,sum:8:d,min:8:d,max:8:d"
COLS[partsupp]="COUNT(*), SUM(ps_partkey), SUM(ps_suppkey), SUM(ps_availqty), SUM(ps_supplycost), MIN(ps_supplycost), MAX(ps_supplycost)"
SPEC[partsupp]="count:0:i,sum:1:i,sum:2:i,sum:3:i,sum:4:d,min:4:d,max:4:d"
COLS[orders]="COUNT(*), SUM(o_orderkey), SUM(o_custkey), SUM(o_totalprice), MIN(o_totalprice), MAX(o_totalprice), MIN(o_orderdate), MAX(o_orderdate)"
SPEC[orders]="count:0:i,sum:1:i,sum:2:i,sum:4:d,min:4:d,max:4:d,min:5:t,max:5:t"
COLS[lineitem]="COUNT(*), SUM(l_orderkey), SUM(l_partkey), SUM(l_quantity), SUM(l_extendedprice), SUM(l_discount), MIN(l_extendedprice), MAX(l_extendedprice), MIN(l_shipdate), MAX(l_shipdate), MAX(l_receiptdate)"
SPEC[lineitem]="count:0:i,sum:1:i,sum:2:i,sum:5:d,sum:6:d,sum:7:d,min:6:d,max:6:d,min:11:t,max:11:t,max:13:t"

for t in $TABLES; do
  awk -F'|' -v spec="${SPEC[$t]}" -v name="chk_$t" '
    BEGIN { n = split(spec, s, ","); for (i = 1; i <= n; i++) { split(s[i], p, ":"); agg[i] = p[1]; fld[i] = p[2]; kind[i] = p[3]; seen[i] = 0 } }
    {
      for (i = 1; i <= n; i++) {
        v = $(fld[i])
        if (agg[i] == "count") { acc[i]++; continue }
        if (agg[i] == "sum") { acc[i] += v; continue }
        if (kind[i] == "t") { lt = (v < acc[i]); gt = (v > acc[i]) } else { lt = (v + 0 < acc[i] + 0); gt = (v + 0 > acc[i] + 0) }
        if (!seen[i] || (agg[i] == "min" && lt) || (agg[i] == "max" && gt)) { acc[i] = v; seen[i] = 1 }
      }
    }
    END {
      line = ""; head = ""
      for (i = 1; i <= n; i++) {
        head = head (i > 1 ? "," : "") (i == 1 ? name : "c" i)
        if (kind[i] == "i") out = sprintf("%.0f", acc[i]); else if (kind[i] == "d") out = sprintf("%.2f", acc[i]); else out = acc[i]
        line = line (i > 1 ? "," : "") out
      }
      print head; print line
    }' "tbl/$t.tbl" >"expect/chk_$t.csv"
  # the COUNT must also be dbgen's
  want=$(awk -v f="$t.tbl" '$1 == f {print $2}' "$HERE/dbgen-rows-sf0.01.txt")
  got=$(sed -n 2p "expect/chk_$t.csv" | cut -d, -f1)
  [ "$got" = "$want" ] || fail "awk counted $got rows in $t.tbl, expected $want"
done

# The statements that check a loaded cluster: one checksum query per table (its first column
# is named chk_<table>, so the output splits at those headers), then Q1 and Q6.
{
  for t in $TABLES; do
    cols=${COLS[$t]}
    echo "SELECT ${cols/COUNT(\*)/COUNT(*) AS chk_$t} FROM $t;"
  done
  cat "$HERE/queries/1.sql"
  echo
  cat "$HERE/queries/6.sql"
  echo
} >checks.sql

# check_results LABEL OUT.csv: splits the output into its results and compares each.
check_results() {
  local label=$1 out=$2 dir=$T/results-$1
  mkdir -p "$dir"
  awk -v dir="$dir" '
    /^chk_[a-z]+,/ { split($0, h, ","); f = dir "/" h[1] ".csv" }
    /^l_returnflag,/ { f = dir "/q1.csv" }
    /^revenue$/ { f = dir "/q6.csv" }
    { if (f == "") { print "output before the first result: " $0 > "/dev/stderr"; exit 1 } print > f }' "$out" ||
    fail "$label: cannot split the output"
  local t
  for t in $TABLES; do
    if [ ! -f "$dir/chk_$t.csv" ]; then
      fail "$label: no checksum result for $t"
    elif ! "$HERE/compare-results" "expect/chk_$t.csv" "$dir/chk_$t.csv" --quiet; then
      fail "$label: $t: COUNT/SUM/MIN/MAX differ from the .tbl file's (expected $(tail -1 "expect/chk_$t.csv"), got $(tail -1 "$dir/chk_$t.csv"))"
    fi
  done
  local q
  for q in 1 6; do
    if [ ! -f "$dir/q$q.csv" ]; then
      fail "$label: no result for Q$q"
    elif ! "$HERE/compare-results" "$HERE/answers/sf0.01/$q.csv" "$dir/q$q.csv" --quiet; then
      fail "$label: Q$q differs from answers/sf0.01/$q.csv"
    fi
  done
}

# ---- 2. CALL tpch_generate(0.01)

t0=$SECONDS
if shoal "$NP" gen gen.out gen.err -c "CALL tpch_generate(0.01);"; then
  note "tpch_generate(0.01): $((SECONDS - t0)) s"
  if shoal "$NP" gen checks.out checks.err --csv -f checks.sql; then
    check_results generate checks.out
  else
    fail "the checks on the generated tables failed: $(cat checks.err)"
  fi
else
  fail "CALL tpch_generate(0.01) failed: $(cat gen.err)"
fi

# ---- 3. restart: the same data dir, the same Q6 answer; another rank count is refused

if shoal "$NP" gen q6a.out q6a.err --csv -f "$HERE/queries/6.sql" &&
  shoal "$NP" gen q6b.out q6b.err --csv -f "$HERE/queries/6.sql"; then
  cmp -s q6a.out q6b.out || fail "restart: Q6 answered differently by two processes on the same data ($(cat q6a.out) vs $(cat q6b.out))"
  "$HERE/compare-results" "$HERE/answers/sf0.01/6.csv" q6b.out --quiet || fail "restart: Q6 after a restart is wrong"
  if [ -f results-generate/q6.csv ]; then
    cmp -s q6b.out results-generate/q6.csv || fail "restart: Q6 after a restart differs from Q6 before it"
  fi
else
  fail "restart: Q6 on the existing data failed: $(cat q6a.err q6b.err)"
fi

OTHER_NP=$((NP + 1))
rc=0
shoal "$OTHER_NP" gen other.out other.err --csv -c "SELECT COUNT(*) FROM lineitem;" || rc=$?
if [ "$rc" -eq 0 ]; then
  fail "a $OTHER_NP-rank cluster opened data written by $NP ranks (exit 0): $(cat other.out)"
elif ! grep -q "rank" other.err; then
  fail "the refusal of $OTHER_NP ranks on $NP-rank data does not mention ranks: $(head -3 other.err)"
elif ! grep -qE "written by a $NP-rank cluster|-np $NP" other.err; then
  fail "the refusal of $OTHER_NP ranks does not say the data needs $NP ranks: $(head -3 other.err)"
fi
# ... and the data still opens with the right rank count
if shoal "$NP" gen after.out after.err --csv -c "SELECT COUNT(*) FROM lineitem;"; then
  [ "$(tail -1 after.out)" = 60175 ] || fail "after the refused start, lineitem has $(tail -1 after.out) rows"
else
  fail "after the refused start, the data no longer opens with $NP ranks: $(cat after.err)"
fi

# ---- 4. COPY the .tbl files into tables created by tpch-ddl.sql

{
  cat "$HERE/tpch-ddl.sql"
  echo
  for t in $ALL_TABLES; do echo "COPY $t FROM '$T/tbl/$t.tbl' DELIMITER '|';"; done
} >load.sql
t0=$SECONDS
if shoal "$NP" copy load.out load.err -f load.sql; then
  note "DDL + COPY of 8 tables: $((SECONDS - t0)) s"
  if shoal "$NP" copy checks2.out checks2.err --csv -f checks.sql; then
    check_results copy checks2.out
  else
    fail "the checks on the COPY'd tables failed: $(cat checks2.err)"
  fi
else
  fail "tpch-ddl.sql + COPY failed: $(cat load.err)"
fi

if [ "$FAILURES" -ne 0 ]; then
  echo "tpch_sf001 np=$NP: $FAILURES failure(s)" >&2
  exit 1
fi
note "PASS (tables checked: $TABLES)"
