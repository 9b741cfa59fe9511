#!/usr/bin/env bash
# error_propagation: an error raised on any rank (\raise R msg, R = 0..3 on 4 ranks) reaches the
# leader as "ERROR: msg (rank R, SQLSTATE P0001)" on stderr, in order, and the session stays
# usable: a \ranks after each error and at the end still answers from all 4 ranks (stdin mode,
# exit status 0).
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

{
  for r in 0 1 2 3; do
    printf '\\raise %d message from rank %d\n\\ranks\n' "$r" "$r"
  done
} >"$TMP/session.txt"

RC=0
run_shoal 4 <"$TMP/session.txt" >"$TMP/run.out" 2>"$TMP/run.err" || RC=$?
[ "$RC" -ne 124 ] || fail "the session did not finish within ${MPI_TIMEOUT}s"
[ "$RC" -eq 0 ] || { show run; fail "the stdin session exited $RC, expected 0"; }

expected=""
for r in 0 1 2 3; do
  expected+="ERROR: message from rank $r (rank $r, SQLSTATE P0001)"$'\n'
done
got=$(grep '^ERROR' "$TMP/run.err" || true)$'\n'
[ "$got" = "$expected" ] || { show run; fail "the errors on stderr are not the four expected ones, in order"; }
check_table "$TMP/run.out" 4 4
note "4 errors reported with their ranks, 4 tables after them"
note "PASS"
