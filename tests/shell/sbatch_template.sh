#!/usr/bin/env bash
# sbatch_template: hpc/shoal.sbatch parses (bash -n; shellcheck where installed), carries the
# #SBATCH lines it promises, and runs end to end outside Slurm with a stand-in srun on PATH
# (one command per node for the data directory; the ranks under the real mpirun): the data
# directory is made first, SHOAL_SQL runs with -f, SHOAL_LAUNCHER=mpirun works, the default data
# directory follows $SLURM_TMPDIR, SHOAL_CLEAN_DATA removes it, shoal's exit status comes back,
# and bad settings fail clearly. (A real Slurm is not needed, and not used.)
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

SBATCH=$REPO_ROOT/hpc/shoal.sbatch
[ -r "$SBATCH" ] || fail "$SBATCH is missing"
bash -n "$SBATCH" || fail "hpc/shoal.sbatch has a syntax error"
if command -v shellcheck >/dev/null; then
  shellcheck -S warning "$SBATCH" || fail "shellcheck warns about hpc/shoal.sbatch"
fi
for directive in "--nodes=" "--ntasks-per-node=" "--time=" "--output=shoal-%j.out" "--job-name="; do
  grep -q -- "^#SBATCH $directive" "$SBATCH" || fail "hpc/shoal.sbatch has no \"#SBATCH $directive\" line"
done
note "syntax and #SBATCH lines: ok"

# ---- a stand-in for srun
mkdir "$TMP/bin"
cat >"$TMP/bin/srun" <<'EOF'
#!/usr/bin/env bash
# srun stand-in (tests only): logs its arguments; with --ntasks-per-node=1 runs the command
# once, here (one node); otherwise starts $SLURM_NTASKS ranks of it under the real mpirun.
set -euo pipefail
echo "srun $*" >>"$FAKE_SRUN_LOG"
per_node=false
while [ $# -gt 0 ] && [[ $1 == --* ]]; do
  [ "$1" != --ntasks-per-node=1 ] || per_node=true
  shift
done
if $per_node; then exec "$@"; fi
read -r -a flags <<<"$FAKE_MPIEXEC_FLAGS"
exec timeout 60 "$FAKE_MPIEXEC" "${flags[@]}" -np "$SLURM_NTASKS" "$@"
EOF
chmod +x "$TMP/bin/srun"

export PATH="$TMP/bin:$PATH" FAKE_SRUN_LOG=$TMP/srun.log FAKE_MPIEXEC=$MPIEXEC
export FAKE_MPIEXEC_FLAGS="${MPIEXEC_FLAGS[*]}"
export SLURM_JOB_ID=4242 SLURM_NTASKS=3 SLURM_JOB_NUM_NODES=1 SLURM_JOB_NODELIST
SLURM_JOB_NODELIST=$(hostname)
export SLURM_SUBMIT_DIR=$TMP SHOAL_BUILD_DIR
SHOAL_BUILD_DIR=$(dirname "$SHOAL_BIN")
unset SHOAL_SQL SHOAL_DATA SHOAL_LAUNCHER SHOAL_CLEAN_DATA SLURM_TMPDIR MPIRUN MPIRUN_ARGS SRUN_ARGS SHOAL_ARGS

# job NAME [VAR=value...]: runs the batch script as Slurm would (bash, in the submit directory)
job() {
  local name=$1
  shift
  : >"$FAKE_SRUN_LOG"
  RC=0
  env "$@" timeout "$MPI_TIMEOUT" bash "$SBATCH" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err" || RC=$?
  [ "$RC" -ne 124 ] || fail "$name: the batch script did not finish within ${MPI_TIMEOUT}s"
  cp "$FAKE_SRUN_LOG" "$TMP/$name.srun"
}

# ---- srun: a SQL file, data directory made on every node before the ranks start
printf '\\ranks\n\\ranks\n' >"$TMP/two.sql"
job srun SHOAL_SQL=two.sql SHOAL_DATA="$TMP/data"
[ "$RC" -eq 0 ] || { show srun; cat "$TMP/srun.srun"; fail "the srun job exited $RC"; }
check_table "$TMP/srun.out" 3 2
[ -d "$TMP/data" ] || fail "the data directory $TMP/data was not made"
head -n1 "$TMP/srun.srun" | grep -q -- "--ntasks-per-node=1 .*mkdir -p $TMP/data$" ||
  { cat "$TMP/srun.srun"; fail "the first srun is not the per-node mkdir of the data directory"; }
sed -n 2p "$TMP/srun.srun" | grep -q -- "^srun --mpi=pmix $SHOAL_BIN --data $TMP/data -f two.sql$" ||
  { cat "$TMP/srun.srun"; fail "the second srun is not \"srun --mpi=pmix shoal --data DIR -f FILE\""; }
note "srun launcher: ok"

# ---- mpirun inside the allocation; data directory in $SLURM_TMPDIR, removed at the end
mpirun_args=()
for f in "${MPIEXEC_FLAGS[@]}"; do [ "$f" = --allow-run-as-root ] || mpirun_args+=("$f"); done
mkdir "$TMP/slurmtmp"
job mpirun SHOAL_LAUNCHER=mpirun MPIRUN="$MPIEXEC" MPIRUN_ARGS="${mpirun_args[*]}" \
  SLURM_TMPDIR="$TMP/slurmtmp" SHOAL_CLEAN_DATA=1 SHOAL_SQL="$TMP/two.sql"
[ "$RC" -eq 0 ] || { show mpirun; fail "the mpirun job exited $RC"; }
check_table "$TMP/mpirun.out" 3 2
grep -q "data: *$TMP/slurmtmp/shoal " "$TMP/mpirun.out" || { show mpirun; fail "the data directory is not \$SLURM_TMPDIR/shoal"; }
grep -q "mkdir -p $TMP/slurmtmp/shoal$" "$TMP/mpirun.srun" || { cat "$TMP/mpirun.srun"; fail "no per-node mkdir"; }
[ ! -e "$TMP/slurmtmp/shoal" ] || fail "SHOAL_CLEAN_DATA=1 did not remove the data directory"
note "mpirun launcher, SLURM_TMPDIR, SHOAL_CLEAN_DATA: ok"

# ---- no SHOAL_SQL: the smoke test; the default data directory is under /tmp/$USER
job smoke USER=shoaltest
[ "$RC" -eq 0 ] || { show smoke; fail "the smoke-test job exited $RC"; }
check_table "$TMP/smoke.out" 3
grep -q "data: */tmp/shoaltest/shoal-4242 " "$TMP/smoke.out" || { show smoke; fail "the default data directory is not /tmp/\$USER/shoal-\$SLURM_JOB_ID"; }
rm -rf /tmp/shoaltest/shoal-4242
rmdir /tmp/shoaltest 2>/dev/null || true
note "smoke test: ok"

# ---- shoal's failure is the job's exit status; bad settings fail before anything starts
printf '\\nosuchcommand\n' >"$TMP/bad.sql"
job failing SHOAL_SQL="$TMP/bad.sql" SHOAL_DATA="$TMP/data"
[ "$RC" -ne 0 ] || { show failing; fail "a failing SQL file gave exit status 0"; }
grep -q "invalid command" "$TMP/failing.err" || { show failing; fail "shoal's error is not in the job's output"; }
job nofile SHOAL_SQL="$TMP/none.sql"
[ "$RC" -ne 0 ] && grep -q "none.sql" "$TMP/nofile.err" || { show nofile; fail "a missing SHOAL_SQL should fail naming it"; }
[ ! -s "$TMP/nofile.srun" ] || fail "a missing SHOAL_SQL should fail before any srun"
job nobuild SHOAL_BUILD_DIR="$TMP/no-build"
[ "$RC" -ne 0 ] && grep -q "no-build/shoal not found" "$TMP/nobuild.err" || { show nobuild; fail "a missing build should fail naming it"; }
job badlauncher SHOAL_LAUNCHER=pbs SHOAL_DATA="$TMP/data"
[ "$RC" -ne 0 ] && grep -q "SHOAL_LAUNCHER must be srun or mpirun" "$TMP/badlauncher.err" ||
  { show badlauncher; fail "an unknown SHOAL_LAUNCHER should be refused"; }
[ ! -s "$TMP/badlauncher.srun" ] || fail "an unknown SHOAL_LAUNCHER should fail before any srun"
note "failures: ok"
note "PASS"
