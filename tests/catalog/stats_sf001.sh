#!/usr/bin/env bash
# stats_sf001.sh: per-column statistics after TPC-H SF0.01 loads, against the .tbl files.
#
# usage: stats_sf001.sh NP SHOAL SHOAL_DBGEN MPIEXEC [MPIEXEC_FLAGS...]
#
#  1. CALL tpch_generate(0.01) on NP ranks; \stats --csv must give, for every column of the
#     eight tables, the table's row count, 0 NULLs, a distinct estimate within 3% (or 2) of
#     the exact count awk finds in dbgen's file (l_orderkey within 5% of 15000, n_nationkey
#     exactly 25), and for numeric and date columns the exact min and max; string min/max
#     are dbgen's (cut to 32 bytes, a cut max ending in "...").
#  2. The same through COPY into tpch-ddl.sql's tables, lineitem and orders in two COPYs
#     each: the second load's rows merge into the first's statistics (same checks).
#  3. A restarted cluster prints the same statistics (they persist in the catalog), and the
#     system view pg_stats holds them too.
# Exit 0 = pass.
set -euo pipefail

if [ $# -lt 4 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
NP=$1
SHOAL=$(readlink -f "$2")
DBGEN=$(readlink -f "$3")
shift 3
LAUNCH=("$@")
TABLES="region nation supplier customer part partsupp orders lineitem"

T=$(mktemp -d "${TMPDIR:-/tmp}/shoal-stats-sf001.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
FAILURES=0
fail() {
  echo "FAIL [np=$NP]: $*" >&2
  FAILURES=$((FAILURES + 1))
}

shoal() {
  local data=$1
  shift
  timeout 120 "${LAUNCH[@]}" -np "$NP" "$SHOAL" --data "$data" "$@" </dev/null
}

mkdir tbl
"$DBGEN" -s 0.01 -o tbl >/dev/null

# expected.csv: table,field,rows,distinct,min,max per column (min/max numeric for fields that
# parse as numbers in every row, text otherwise; text compared bytewise, as C sorts).
for t in $TABLES; do
  LC_ALL=C awk -F'|' -v table="$t" '
    { rows++
      for (i = 1; i < NF; i++) {
        v = $i
        if (!((i, v) in seen)) { seen[i, v] = 1; distinct[i]++ }
        isnum = (v ~ /^-?[0-9]+(\.[0-9]+)?$/)
        if (NR == 1) { numeric[i] = isnum; mn[i] = v; mx[i] = v; nf = NF - 1; continue }
        if (!isnum) numeric[i] = 0
        if (numeric[i]) { if (v + 0 < mn[i] + 0) mn[i] = v; if (v + 0 > mx[i] + 0) mx[i] = v }
        else { if (v < mn[i]) mn[i] = v; if (v > mx[i]) mx[i] = v }
      }
    }
    END { for (i = 1; i <= nf; i++) printf "%s|%d|%d|%d|%s|%s|%d\n", table, i, rows, distinct[i], mn[i], mx[i], numeric[i] }
  ' "tbl/$t.tbl"
done >expected.txt

# awk: csv(line, f) splits one RFC 4180 line into f[1..n]
CSV_AWK='
    function csv(line, f,    n, i, c, q, cur) {
      n = 0; cur = ""; q = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ } else q = 0 } else cur = cur c }
        else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = cur; cur = "" }
        else cur = cur c
      }
      f[++n] = cur
      return n
    }
'

# check LABEL STATS.csv: compares \stats --csv output with expected.txt
check() {
  local label=$1 file=$2 problems
  problems=$(LC_ALL=C awk -v label="$label" "$CSV_AWK"'
    function numeq(a, b) { return (a + 0 == b + 0) }
    FNR == NR { split($0, e, "|"); key = e[1] SUBSEP e[2]; rows[key] = e[3]; dist[key] = e[4]; mn[key] = e[5]; mx[key] = e[6]; num[key] = e[7]; next }
    FNR == 1 { next }
    {
      csv($0, f)
      if (f[2] != last) { last = f[2]; col = 0 }
      col++
      key = f[2] SUBSEP col
      if (!(key in rows)) { print label ": unexpected row " $0; next }
      seen[key] = 1
      where = label ": " f[2] "." f[3]
      if (f[5] != rows[key]) print where ": rows " f[5] ", expected " rows[key]
      if (f[6] != 0) print where ": nulls " f[6] ", expected 0"
      d = f[7] + 0; x = dist[key] + 0; tol = x * 0.03; if (tol < 2) tol = 2
      if (d < x - tol || d > x + tol) print where ": distinct estimate " d ", exact " x
      if (f[3] == "l_orderkey" && (d < 15000 * 0.95 || d > 15000 * 1.05)) print where ": distinct " d " not within 5% of 15000"
      if (f[3] == "n_nationkey" && d != 25) print where ": distinct " d ", expected exactly 25"
      if (num[key]) {
        if (!numeq(f[8], mn[key]) || !numeq(f[9], mx[key])) print where ": min/max " f[8] "/" f[9] ", expected " mn[key] "/" mx[key]
      } else if (f[4] ~ /DATE/) {
        if (f[8] != mn[key] || f[9] != mx[key]) print where ": min/max " f[8] "/" f[9] ", expected " mn[key] "/" mx[key]
      } else {
        m = mn[key]; if (length(m) > 32) m = substr(m, 1, 32)
        M = mx[key]; if (length(M) > 32) M = substr(M, 1, 32) "..."
        if (f[8] != m || f[9] != M) print where ": min/max \"" f[8] "\"/\"" f[9] "\", expected \"" m "\"/\"" M "\""
      }
    }
    END { for (k in rows) if (!(k in seen)) { split(k, p, SUBSEP); print label ": no statistics row for " p[1] " field " p[2] } }
  ' expected.txt "$file")
  if [ -n "$problems" ]; then
    fail "$(printf '%s\n' "$problems" | head -20)"
  fi
}

# ---- 1. tpch_generate
shoal gen -c 'CALL tpch_generate(0.01);' >gen.out 2>gen.err || fail "tpch_generate: $(cat gen.err)"
shoal gen --csv -c '\stats' >gen.csv 2>gen.err || fail "\\stats: $(cat gen.err)"
check generate gen.csv

# ---- 2. COPY, lineitem and orders in two halves each
for t in lineitem orders; do
  n=$(wc -l <"tbl/$t.tbl")
  head -n $((n / 2)) "tbl/$t.tbl" >"tbl/$t.part1"
  tail -n +$((n / 2 + 1)) "tbl/$t.tbl" >"tbl/$t.part2"
done
{
  cat "$HERE/../tpch_queries/tpch-ddl.sql"
  for t in region nation supplier customer part partsupp; do
    echo "COPY $t FROM '$T/tbl/$t.tbl' DELIMITER '|';"
  done
  for t in orders lineitem; do
    echo "COPY $t FROM '$T/tbl/$t.part1' DELIMITER '|';"
    echo "COPY $t FROM '$T/tbl/$t.part2' DELIMITER '|';"
  done
} >copy.sql
shoal copy -f copy.sql >copy.out 2>copy.err || fail "COPY: $(cat copy.err)"
shoal copy --csv -c '\stats' >copy.csv 2>copy.err || fail "\\stats: $(cat copy.err)"
check copy copy.csv

# ---- 3. the statistics persist, and pg_stats shows them
# the_counts FILE: table,column,rows,nulls,distinct from \stats --csv
the_counts() {
  LC_ALL=C awk "$CSV_AWK"'NR > 1 { csv($0, f); print f[2] "," f[3] "," f[5] "," f[6] "," f[7] }' "$1" | LC_ALL=C sort
}
shoal copy --csv -c '\stats' >copy2.csv 2>copy2.err || fail "\\stats after restart: $(cat copy2.err)"
cmp -s copy.csv copy2.csv || fail "\\stats differs after a restart"
shoal copy --csv -c '\stats nation' >nation.csv 2>nation.err || fail "\\stats nation: $(cat nation.err)"
[ "$(wc -l <nation.csv)" -eq 5 ] || fail "\\stats nation printed $(wc -l <nation.csv) lines, expected a header and 4 columns"
shoal copy --csv -c 'SELECT tablename, attname, row_count, null_count, distinct_count FROM pg_stats;' >view.csv 2>view.err ||
  fail "pg_stats: $(cat view.err)"
LC_ALL=C sed 1d view.csv | LC_ALL=C sort >view.txt
the_counts copy.csv >counts.txt
cmp -s view.txt counts.txt || fail "pg_stats differs from \\stats: $(diff view.txt counts.txt | head -5)"
[ "$(wc -l <view.txt)" -eq 61 ] || fail "pg_stats has $(wc -l <view.txt) rows, expected the 61 TPC-H columns"
shoal copy --csv -c "SELECT n_distinct, null_frac, min_value, max_value FROM pg_catalog.pg_stats WHERE attname = 'n_nationkey';" \
  >nk.csv 2>nk.err || fail "pg_stats n_nationkey: $(cat nk.err)"
[ "$(sed -n 2p nk.csv)" = "25,0,0,24" ] || fail "pg_stats n_nationkey: $(sed -n 2p nk.csv), expected 25,0,0,24"
if shoal copy -c '\stats no_such_table' >bad.out 2>bad.err; then fail "\\stats of a missing table succeeded"; fi
grep -q 'does not exist' bad.err || fail "\\stats of a missing table: $(cat bad.err)"

if [ "$FAILURES" -gt 0 ]; then
  echo "stats_sf001 np=$NP: $FAILURES failure(s)" >&2
  exit 1
fi
echo "stats_sf001 np=$NP: ok"
