#!/usr/bin/env bash
# explain.sh: EXPLAIN shows the data movement of joins over the tables as CALL tpch_generate
# distributes them, and EXPLAIN ANALYZE measures it.
#
# usage: explain.sh SHOAL MPIEXEC [MPIEXEC_FLAGS...]
#
# On 2 ranks with TPC-H SF0.01 generated: EXPLAIN of Q3, Q5 and Q9 names the movement of each
# join (in Q3 and Q5 lineitem and orders, whose DISTKEYs are l_orderkey and o_orderkey, join
# where they are: DS_DIST_NONE; the ALL tables: DS_DIST_ALL_NONE; customer is broadcast in Q3:
# DS_BCAST_INNER; Q9 moves the filtered part rows), and EXPLAIN ANALYZE
# of a join on the co-located keys reports 0 bytes moved between ranks by exchanges, while a
# join that is not co-located (customer to orders on the customer key) moves some; Q13's
# redistributed orders carry no column that only its filter read (column pruning).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
SHOAL=$(readlink -f "$1")
shift
LAUNCH=("$@")
T=$(mktemp -d "${TMPDIR:-/tmp}/shoal-explain.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() {
  echo "FAIL [explain]: $*" >&2
  exit 1
}
shoal() { timeout 120 "${LAUNCH[@]}" -np 2 "$SHOAL" --data "$T/data" "$@" </dev/null; }

shoal -c "CALL tpch_generate(0.01);" >gen.out 2>&1 || fail "tpch_generate failed: $(cat gen.out)"
for q in 3 5 9; do
  { echo "EXPLAIN"; cat "$HERE/queries/$q.sql"; } >"e$q.sql"
  shoal -f "e$q.sql" >"e$q.out" 2>&1 || fail "EXPLAIN of Q$q failed: $(cat "e$q.out")"
  grep -q "Gather to the leader (DS_RETURN)" "e$q.out" || { cat "e$q.out" >&2; fail "Q$q: no gather step"; }
done
for q in 3 5; do
  grep -q "Hash Join DS_DIST_NONE" "e$q.out" || { cat "e$q.out" >&2; fail "Q$q: no co-located (DS_DIST_NONE) join of lineitem and orders"; }
done
grep -qE "DS_BCAST_INNER|DS_DIST_INNER|DS_DIST_OUTER|DS_DIST_BOTH" e9.out || { cat e9.out >&2; fail "Q9: no data movement shown"; }
grep -q "DS_BCAST_INNER" e3.out || { cat e3.out >&2; fail "Q3: customer is not broadcast"; }
grep -q "DS_DIST_ALL_NONE" e5.out || { cat e5.out >&2; fail "Q5: no join with an ALL table"; }
grep -q "DS_DIST_ALL_NONE" e9.out || { cat e9.out >&2; fail "Q9: no join with an ALL table"; }

shoal -c "EXPLAIN ANALYZE SELECT COUNT(*) FROM lineitem JOIN orders ON l_orderkey = o_orderkey;" >a1.out 2>&1 ||
  fail "EXPLAIN ANALYZE failed: $(cat a1.out)"
grep -q "Hash Join DS_DIST_NONE" a1.out || { cat a1.out >&2; fail "the co-located join is not DS_DIST_NONE"; }
grep -q "Result: 1 rows in .* ms; 0 bytes moved between ranks by exchanges" a1.out ||
  { cat a1.out >&2; fail "the co-located join moved rows between ranks"; }
shoal -c "EXPLAIN ANALYZE SELECT COUNT(*) FROM orders JOIN customer ON o_custkey = c_custkey WHERE c_mktsegment = 'BUILDING';" >a2.out 2>&1 ||
  fail "EXPLAIN ANALYZE failed: $(cat a2.out)"
moved=$(sed -n 's/.*; \([0-9]*\) bytes moved between ranks by exchanges.*/\1/p' a2.out)
[ -n "$moved" ] && [ "$moved" -gt 0 ] || { cat a2.out >&2; fail "the join that is not co-located moved no bytes"; }
grep -q "actual: rows=" a2.out || { cat a2.out >&2; fail "EXPLAIN ANALYZE shows no actual rows per step"; }
# Column pruning: Q13 redistributes the orders that pass its o_comment filter; o_comment itself
# (~49 bytes) must stay behind: the step moves o_orderkey and o_custkey only (~12 bytes a row).
{ printf 'EXPLAIN ANALYZE '; cat "$HERE/queries/13.sql"; } >a13.sql
shoal -f a13.sql >a13.out 2>&1 || fail "EXPLAIN ANALYZE of Q13 failed: $(cat a13.out)"
step0=$(grep -A1 "Redistribute by hash (DS_DIST_INNER) step=0" a13.out | sed -n 's/.*actual: rows=\([0-9]*\) .*bytes moved=\([0-9]*\) .*/\1 \2/p')
[ -n "$step0" ] || { cat a13.out >&2; fail "Q13: no redistributed step 0 with actual figures"; }
read -r rows13 bytes13 <<<"$step0"
# about half of the rows stay on their rank; what moves must average under 20 bytes a row
[ "$rows13" -gt 0 ] && [ $((bytes13 * 2 / rows13)) -lt 20 ] ||
  { cat a13.out >&2; fail "Q13: step 0 moved $bytes13 bytes for $rows13 rows: unread columns travel"; }
echo "[explain] co-located join: 0 bytes moved; customer-orders join: $moved bytes; Q13's orders step: $bytes13 bytes for $rows13 rows; PASS"
