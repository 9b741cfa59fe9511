#!/usr/bin/env bash
# memory_budget: a query that outgrows a rank's memory budget (SHOAL_RANK_MEMORY_MB) fails with
# SQLSTATE 53200 naming the rank and the budget, on 2 ranks, and the cluster goes on: the next
# statement in the same session answers. Without a budget (0) the same query answers; a budget
# that is not a number is reported and the default used.
# shellcheck source=tests/shell/lib.sh
source "$(dirname "$0")/lib.sh"

# Under AddressSanitizer resident memory is mostly ASan's (shadow, freed memory held in
# quarantine), so a budget in MiB measures the sanitizer: this test is for normal builds.
if ldd "$SHOAL_BIN" 2>/dev/null | grep -q libasan; then
  note "skipped: $SHOAL_BIN is an ASan build"
  exit 77
fi

run_capture gen 2 -c 'CALL tpch_generate(0.01);'
[ "$RC" -eq 0 ] || { show gen; fail "tpch_generate(0.01) exited $RC"; }

# A window over lineitem x nation (1.5M rows, ~150 MiB per rank at its peak; a rank starts at ~12 MiB).
big="SELECT max(rn) AS m FROM (SELECT row_number() OVER (PARTITION BY n_name ORDER BY l_comment) AS rn FROM lineitem, nation) x;"
small="SELECT count(*) AS n FROM lineitem;"

printf '%s\n%s\n' "$big" "$small" >session.sql
SHOAL_RANK_MEMORY_MB=64 run_shoal 2 --csv <session.sql >over.out 2>over.err || { cat over.err >&2; fail "the session failed (stdin mode goes on after errors)"; }
grep -qE 'ERROR: out of memory: rank [01] holds [0-9.]+ MiB, over its budget of 64.0 MiB \(SHOAL_RANK_MEMORY_MB\).*SQLSTATE 53200' over.err ||
  { cat over.err >&2; fail "no 53200 out-of-memory error naming the rank and the 64 MiB budget"; }
[ "$(cat over.out)" = "$(printf 'n\n60175')" ] || { cat over.out over.err >&2; fail "the statement after the failed one did not answer 60175 rows"; }
note "over budget: 53200, then the next statement answers: ok"

SHOAL_RANK_MEMORY_MB=0 run_shoal 2 --csv -c "$big" >unlimited.out 2>unlimited.err || { cat unlimited.err >&2; fail "without a budget the query failed"; }
[ "$(cat unlimited.out)" = "$(printf 'm\n60175')" ] || { cat unlimited.out unlimited.err >&2; fail "without a budget: expected max(rn) 60175"; }
note "no budget (0): the same query answers: ok"

SHOAL_RANK_MEMORY_MB=lots run_shoal 2 --csv -c "$small" >bad.out 2>bad.err || { cat bad.err >&2; fail "a bad SHOAL_RANK_MEMORY_MB made the query fail"; }
grep -q 'SHOAL_RANK_MEMORY_MB=lots is not a number of MiB; using the default' bad.err || { cat bad.err >&2; fail "a bad SHOAL_RANK_MEMORY_MB is not reported"; }
[ "$(cat bad.out)" = "$(printf 'n\n60175')" ] || { cat bad.out >&2; fail "with a bad budget value: expected 60175"; }
note "a bad budget value is reported, the default used: ok"
