#!/usr/bin/env bash
# launcher: hpc/shoal-run. The mpirun flags it picks (--allow-run-as-root only as root,
# --oversubscribe --bind-to none only when N exceeds nproc, $MPIRUN_ARGS passed on, -np N,
# default 4), shoal's arguments passed through (-c, --csv, after --), shoal's exit status kept,
# and clear failures for a missing build, a bad -n, a missing mpirun.
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

SHOAL_RUN=$REPO_ROOT/hpc/shoal-run
[ -x "$SHOAL_RUN" ] || fail "$SHOAL_RUN is missing or not executable"
export SHOAL_BUILD_DIR MPIRUN
SHOAL_BUILD_DIR=$(dirname "$SHOAL_BIN")
MPIRUN=$MPIEXEC
unset MPIRUN_ARGS
CORES=$(nproc)
ROOT=false
[ "$(id -u)" -ne 0 ] || ROOT=true

# launcher NAME ARGS...: runs hpc/shoal-run ARGS under timeout; $RC, $TMP/NAME.out, .err
launcher() {
  local name=$1
  shift
  RC=0
  SHOAL_DATA=$TMP/data-$name timeout "$MPI_TIMEOUT" "$SHOAL_RUN" "$@" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err" || RC=$?
  [ "$RC" -ne 124 ] || fail "$name: hpc/shoal-run did not finish within ${MPI_TIMEOUT}s"
}
has_word() { grep -qE -- "(^| )$2( |$)" "$TMP/$1.out"; }

# ---- the command line it builds (--dry-run)
launcher dry_default --dry-run
[ "$RC" -eq 0 ] || { show dry_default; fail "--dry-run exited $RC"; }
has_word dry_default "-np 4" || { show dry_default; fail "the default is not -np 4"; }
has_word dry_default "$(printf '%q' "$SHOAL_BIN")" || { show dry_default; fail "the command does not run $SHOAL_BIN"; }
if $ROOT; then
  has_word dry_default --allow-run-as-root || { show dry_default; fail "as root, --allow-run-as-root is missing"; }
else
  ! has_word dry_default --allow-run-as-root || { show dry_default; fail "not root, yet --allow-run-as-root"; }
fi

launcher dry_fit --dry-run -n "$CORES" -c '\ranks'
has_word dry_fit "-np $CORES" || { show dry_fit; fail "-n $CORES did not give -np $CORES"; }
! has_word dry_fit --oversubscribe || { show dry_fit; fail "-n $CORES (= nproc) should not oversubscribe"; }
! has_word dry_fit --bind-to || { show dry_fit; fail "-n $CORES (= nproc) should keep mpirun's binding"; }

launcher dry_over --dry-run -n $((CORES + 1))
has_word dry_over "--oversubscribe --bind-to none" ||
  { show dry_over; fail "-n $((CORES + 1)) (> nproc) needs --oversubscribe --bind-to none"; }

MPIRUN_ARGS="--mca pml ob1" launcher dry_extra --dry-run -n1
has_word dry_extra "--mca pml ob1" || { show dry_extra; fail "MPIRUN_ARGS was not passed on"; }
has_word dry_extra "-np 1" || { show dry_extra; fail "-n1 did not give -np 1"; }
note "mpirun flags (--dry-run): ok"

# ---- real runs: arguments through, exit status kept
launcher np3 -n 3 -c '\ranks'
[ "$RC" -eq 0 ] || { show np3; fail "hpc/shoal-run -n 3 -c '\\ranks' exited $RC"; }
check_table "$TMP/np3.out" 3
launcher csv -- --csv -c '\ranks'
[ "$RC" -eq 0 ] || { show csv; fail "hpc/shoal-run -- --csv -c '\\ranks' exited $RC"; }
[ "$(head -n1 "$TMP/csv.out")" = "rank,host,pid,resident_mb" ] && [ "$(wc -l <"$TMP/csv.out")" -eq 5 ] ||
  { show csv; fail "hpc/shoal-run -- --csv: expected the CSV header and 4 rows (default 4 ranks)"; }
launcher error -n 2 -c '\nosuchcommand'
[ "$RC" -ne 0 ] || { show error; fail "shoal's failure did not reach hpc/shoal-run's exit status"; }
grep -q 'invalid command' "$TMP/error.err" || { show error; fail "shoal's error message is missing"; }
note "runs through mpirun: ok"

# ---- clear failures
SHOAL_BUILD_DIR=$TMP/no-build launcher nobuild -c '\ranks'
[ "$RC" -ne 0 ] && grep -q "no-build/shoal not found" "$TMP/nobuild.err" ||
  { show nobuild; fail "a missing build/shoal should fail naming it"; }
for bad in 0 x -3; do
  launcher badn -n "$bad" -c '\ranks'
  [ "$RC" -ne 0 ] && grep -q -- "-n needs a positive number" "$TMP/badn.err" ||
    { show badn; fail "-n $bad should be refused"; }
done
MPIRUN=$TMP/no-mpirun launcher nompirun -c '\ranks'
[ "$RC" -ne 0 ] && grep -q "no-mpirun" "$TMP/nompirun.err" || { show nompirun; fail "a missing mpirun should fail naming it"; }
note "failures: ok"

# ---- the scripts parse, and pass shellcheck where it is installed
bash -n "$SHOAL_RUN" || fail "hpc/shoal-run has a syntax error"
if command -v shellcheck >/dev/null; then
  shellcheck -S warning "$SHOAL_RUN" || fail "shellcheck warns about hpc/shoal-run"
fi
note "PASS"
