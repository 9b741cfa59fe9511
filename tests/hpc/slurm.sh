#!/usr/bin/env bash
# slurm: a real single-node Slurm on this machine (Debian's slurm-wlm and munge, started here in
# a temp dir on free high ports, as root), then hpc/shoal.sbatch submitted with sbatch on 4 tasks:
# CALL tpch_generate(0.01), TPC-H Q1 (--csv, checked against the official answer) and \ranks,
# once with SHOAL_LAUNCHER=mpirun and once with srun --mpi=pmix (skipped, with the reason, when
# srun has no pmix plugin); then hpc/tpch-bench.sbatch (when hpc/tpch-bench is there). Every
# daemon it starts is stopped by pid at exit, also on failure; every wait has a deadline.
#   usage: tests/hpc/slurm.sh SHOAL_BINARY MPIEXEC [MPIEXEC_FLAGS...]   (exit 77: cannot run here)
# shellcheck source=tests/shell/lib.sh
source "$(dirname "$0")/../shell/lib.sh"

DAEMON_LIFETIME=300 # seconds: a daemon outlives a killed test by at most this (under `timeout`)
JOB_TIMEOUT=80 # seconds a batch job may take, submit to end (Slurm's own limit: --time=4)
skip() {
  echo "SKIP [$TEST_NAME]: $*"
  exit 77
}

# ---- what it needs: root (slurmd starts tasks as their user), Slurm and munge installed
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs tasks as the submitting user); run ./run-tests as root"
for tool in munged munge unmunge slurmctld slurmd sbatch sinfo squeue scontrol scancel srun python3; do
  command -v "$tool" >/dev/null ||
    skip "$tool not found: apt-get install slurm-wlm munge (./run-tests installs them as root)"
done
COMPARE=$REPO_ROOT/tests/tpch_queries/compare-results
ANSWER=$REPO_ROOT/tests/tpch_queries/answers/sf0.01/1.csv
SBATCH=$REPO_ROOT/hpc/shoal.sbatch
for f in "$COMPARE" "$ANSWER" "$SBATCH"; do [ -r "$f" ] || fail "$f is missing"; done

# Nothing of an outer Slurm (a CI runner inside an allocation) may leak into this one.
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(SLURM_[A-Za-z0-9_]*\)=.*/\1/p')
unset SBATCH_PARTITION SBATCH_ACCOUNT SQUEUE_FORMAT SINFO_FORMAT

# munged checks the whole path to its socket: every folder above it must be searchable by all.
chmod 711 "$TMP"
S=$TMP/slurm # daemons' files
mkdir -p "$S/munge" "$S/state" "$S/spool" "$S/log"
chmod 755 "$S" "$S/munge"
NODE=$(hostname -s)
T0=$SECONDS

# ---- free ports in a high range (not Slurm's 6817/6818, so a system Slurm is left alone)
read -r CTLD_PORT SLURMD_PORT < <(python3 - <<'EOF'
import random, socket
ports = []
while len(ports) < 2:
    p = random.randint(20000, 29999)
    s = socket.socket()
    try:
        s.bind(("0.0.0.0", p))
        if p not in ports:
            ports.append(p)
    except OSError:
        pass
    finally:
        s.close()
print(*ports)
EOF
)
[ -n "$SLURMD_PORT" ] || fail "could not pick two free ports"

# ---- daemons: each under `timeout` (bounded even if this script is killed), stopped by pid
DAEMON_PIDS=()
# start_daemon NAME CMD...: runs CMD (the daemon in its foreground mode) in the background here,
# output in $S/log/NAME.out; $DAEMON_PID is the pid of its `timeout`
start_daemon() {
  local name=$1
  shift
  timeout -k 5 "$DAEMON_LIFETIME" "$@" >"$S/log/$name.out" 2>&1 </dev/null &
  DAEMON_PID=$!
  DAEMON_PIDS+=("$DAEMON_PID")
  on_exit "stop_daemon $DAEMON_PID"
}
# stop_daemon TIMEOUT_PID: SIGTERM to the daemon under that timeout, SIGKILL after 10 s
stop_daemon() {
  local tpid=$1 kids i
  alive "$tpid" || return 0
  kids=$(descendants "$tpid")
  # shellcheck disable=SC2086
  [ -z "$kids" ] || kill -TERM $kids 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$tpid" || break
    sleep 0.1
  done
  if alive "$tpid"; then
    kids=$(descendants "$tpid")
    # shellcheck disable=SC2086
    kill -KILL $kids "$tpid" 2>/dev/null || true
  fi
  wait "$tpid" 2>/dev/null || true
}
# ours: pids of every process that belongs to this test's Slurm (daemons, slurmstepd, job tasks):
# their environment names this SLURM_CONF (slurmd passes its own on to slurmstepd; jobs get it
# from sbatch). What this script runs itself (sbatch, squeue, grep, the `timeout`s) is left out:
# it has no SLURM_JOB_ID and is none of the daemons.
ours() {
  local f p comm
  for f in $(grep -lzxF "SLURM_CONF=$SLURM_CONF" /proc/[0-9]*/environ 2>/dev/null); do
    p=${f#/proc/}
    p=${p%/environ}
    [ "$p" != $$ ] || continue
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    case $comm in
      munged | slurmctld | slurmd | slurmstepd) echo "$p" ;;
      *) if grep -qz '^SLURM_JOB_ID=' "$f" 2>/dev/null; then echo "$p"; fi ;;
    esac
  done
}
# the last cleanup at exit (registered first): after our jobs are cancelled and the daemons
# stopped (registered later, so run earlier), whatever of ours is still there is killed.
sweep() {
  local left
  left=$(ours)
  # shellcheck disable=SC2086
  [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
}
on_exit sweep

export SLURM_CONF=$S/slurm.conf
MUNGE_SOCKET=$S/munge/munge.socket

# ---- munge: a key of our own, the socket and every file in the temp dir
dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 status=none
chmod 400 "$S/munge.key"
start_daemon munged munged --foreground --force --key-file="$S/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$S/munge/munged.pid" --log-file="$S/log/munged.log" --seed-file="$S/munge/munged.seed"
PID_munged=$DAEMON_PID
munge_ok() { munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; }
deadline=$((SECONDS + 15))
until munge_ok; do
  if ! alive "$PID_munged" || [ "$SECONDS" -ge "$deadline" ]; then
    cat "$S/log/munged.out" >&2
    fail "munged did not start"
  fi
  sleep 0.1
done

# ---- slurm.conf: one node of 4 CPUs (config_overrides: more than the 2 cores here), no cgroups,
# no accounting database; every path in the temp dir, TmpFS included (srun's PMIx plugin keeps
# its per-step folders in TmpFS, named by job and step id: two of these tests at once, both at
# job 2, would share /tmp/pmix.2.1); job ids start at a random number, for the same reason.
mkdir -p "$S/tmpfs"
cat >"$SLURM_CONF" <<EOF
# written by tests/hpc/slurm.sh
ClusterName=shoaltest
FirstJobId=$((1000 + RANDOM % 30000 * 100))
TmpFS=$S/tmpfs
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$S/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MailProg=/bin/true
MinJobAge=600
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=4 RealMemory=512 State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=10 State=UP
EOF
: >"$S/plugstack.conf" # not /etc/slurm's

start_daemon slurmctld slurmctld -D
PID_slurmctld=$DAEMON_PID
start_daemon slurmd slurmd -D -N "$NODE"
PID_slurmd=$DAEMON_PID
daemon_logs() {
  local f
  for f in "$S"/log/*; do
    echo "--- $f:"
    tail -n 30 "$f"
  done
}
node_state() { sinfo -h -N -n "$NODE" -o %t 2>/dev/null | head -n1; }
deadline=$((SECONDS + 40))
until [ "$(node_state)" = idle ]; do
  if ! alive "$PID_slurmctld" || ! alive "$PID_slurmd" || [ "$SECONDS" -ge "$deadline" ]; then
    daemon_logs >&2
    fail "the node did not come up idle (sinfo: \"$(node_state)\")"
  fi
  sleep 0.2
done
note "munged, slurmctld (port $CTLD_PORT) and slurmd (port $SLURMD_PORT) up, node $NODE idle in $((SECONDS - T0)) s"

cancel_ours() {
  local ids
  alive "$PID_slurmctld" || return 0 # (squeue would retry a stopped slurmctld for 10 s)
  ids=$(timeout 10 squeue -h -o %i 2>/dev/null) || return 0
  # shellcheck disable=SC2086 # one job id a word
  [ -z "$ids" ] || timeout 10 scancel $ids 2>/dev/null || true
}
on_exit cancel_ours # runs before the daemons stop

# ---- submit JOB_NAME SBATCH_SCRIPT [VAR=value...]: submits from the repository root (as
# hpc/README.md says) with the job's settings in sbatch's environment (--export=ALL passes them
# on; values may hold commas, unlike --export=NAME=value) and waits for the end. Sets $JOB_ID,
# $JOB_STATE, $JOB_EXIT, $JOB_SECONDS; output in $TMP/JOB_NAME.out (stdout) and .err (stderr).
# sbatch's own options (--ntasks) come from SBATCH_ARGS.
submit() {
  local name=$1 script=$2
  shift 2
  local info t0=$SECONDS
  # TMPDIR: Open MPI's session folder (mpirun in the job) apart from other tests' mpiruns
  JOB_ID=$(cd "$REPO_ROOT" && env TMPDIR="$S/tmpfs" "$@" timeout 30 sbatch --export=ALL --parsable --job-name="$name" --time=4 \
    --output="$TMP/$name.out" --error="$TMP/$name.err" "${SBATCH_ARGS[@]}" "$script") || fail "$name: sbatch failed"
  JOB_ID=${JOB_ID%%;*}
  local deadline=$((SECONDS + JOB_TIMEOUT))
  while :; do
    info=$(scontrol -o show job "$JOB_ID" 2>/dev/null) || fail "$name: job $JOB_ID is unknown to slurmctld"
    JOB_STATE=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$info")
    case $JOB_STATE in
      PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED | REQUEUED | RESIZING) ;;
      *) break ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      scancel "$JOB_ID" || true
      cat "$TMP/$name.out" "$TMP/$name.err" >&2 2>/dev/null || true
      daemon_logs >&2
      fail "$name: job $JOB_ID still $JOB_STATE after ${JOB_TIMEOUT}s ($(sed -n 's/.*\(Reason=[^ ]*\).*/\1/p' <<<"$info"))"
    fi
    sleep 0.3
  done
  JOB_EXIT=$(sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' <<<"$info")
  JOB_SECONDS=$((SECONDS - t0))
}
show_job() {
  echo "--- $1.out:"
  cat "$TMP/$1.out" 2>/dev/null
  echo "--- $1.err:"
  cat "$TMP/$1.err" 2>/dev/null
  echo "---"
}

# ---- the SQL file: generate, Q1, then one row per rank
{
  echo "CALL tpch_generate(0.01);"
  cat "$REPO_ROOT/tests/tpch_queries/queries/1.sql"
  echo
  printf '%s\n' '\ranks'
} >"$TMP/q1.sql"

# run_shoal_job LAUNCHER: hpc/shoal.sbatch on 4 tasks with that launcher; checks everything
run_shoal_job() {
  local launcher=$1 name=shoal-$1 data=$TMP/data-$1
  SBATCH_ARGS=(--nodes=1 --ntasks=4)
  submit "$name" "$SBATCH" SHOAL_BUILD_DIR="$(dirname "$SHOAL_BIN")" SHOAL_SQL="$TMP/q1.sql" SHOAL_ARGS=--csv \
    SHOAL_LAUNCHER="$launcher" SHOAL_DATA="$data" SHOAL_CLEAN_DATA=1
  local out=$TMP/$name.out
  [ "$JOB_STATE" = COMPLETED ] && [ "$JOB_EXIT" = 0:0 ] ||
    { show_job "$name" >&2; fail "$name: job $JOB_ID ended $JOB_STATE, exit code $JOB_EXIT"; }
  grep -qx "shoal exited with status 0" "$out" || { show_job "$name" >&2; fail "$name: no \"shoal exited with status 0\""; }
  grep -q "4 ranks" "$out" && grep -qE "^  launch: +$launcher$" "$out" && grep -qE "^  data: +$data " "$out" ||
    { show_job "$name" >&2; fail "$name: the job's banner does not show 4 ranks, launcher $launcher, data $data"; }
  # stdout after the banner: Q1's CSV (header l_returnflag,...), then \ranks' CSV (rank,host,...)
  awk '/^l_returnflag,/ { on = 1 } /^rank,/ || /^shoal exited/ { on = 0 } on' "$out" >"$TMP/$name.q1.csv"
  "$COMPARE" "$ANSWER" "$TMP/$name.q1.csv" ||
    { show_job "$name" >&2; fail "$name: Q1 differs from tests/tpch_queries/answers/sf0.01/1.csv"; }
  local ranks pids
  ranks=$(awk -F, '/^rank,/ { on = 1; next } /^shoal exited/ { on = 0 } on { print $1 }' "$out" | sort -n | tr '\n' ' ')
  pids=$(awk -F, '/^rank,/ { on = 1; next } /^shoal exited/ { on = 0 } on { print $3 }' "$out" | sort -u | wc -l)
  [ "$ranks" = "0 1 2 3 " ] && [ "$pids" -eq 4 ] ||
    { show_job "$name" >&2; fail "$name: \\ranks shows ranks \"$ranks\" in $pids processes, expected 0-3 in 4"; }
  [ ! -e "$data" ] || fail "$name: SHOAL_CLEAN_DATA=1 left $data behind"
  note "$launcher: job $JOB_ID COMPLETED in ${JOB_SECONDS}s: Q1 matches the answer, ranks 0-3 in 4 processes, data removed"
}

run_shoal_job mpirun

srun_mpi=$(timeout 20 srun --mpi=list 2>&1 || true)
if grep -Eq '^[[:space:]]*pmix[[:space:]]*$' <<<"$srun_mpi"; then
  run_shoal_job srun
else
  note "srun --mpi=pmix: SKIPPED, srun has no pmix plugin here (srun --mpi=list: $(tr -s '\n\t ' ' ' <<<"$srun_mpi"))"
fi

# ---- the TPC-H benchmark driver as a batch job (hpc/tpch-bench.sbatch), when the driver is here
if [ -x "$REPO_ROOT/hpc/tpch-bench" ] && [ -r "$REPO_ROOT/hpc/tpch-bench.sbatch" ]; then
  SBATCH_ARGS=(--nodes=1 --ntasks=3)
  submit tpch-bench "$REPO_ROOT/hpc/tpch-bench.sbatch" SHOAL_BUILD_DIR="$(dirname "$SHOAL_BIN")" TPCH_SF=0.01 \
    TPCH_QUERIES=1,3 TPCH_REPEAT=1 TPCH_OUT="$TMP/bench-out" TPCH_DATA="$TMP/bench-data"
  [ "$JOB_STATE" = COMPLETED ] && [ "$JOB_EXIT" = 0:0 ] ||
    { show_job tpch-bench >&2; fail "tpch-bench: job $JOB_ID ended $JOB_STATE, exit code $JOB_EXIT"; }
  for line in "q1 [0-9.]+ ms" "q3 [0-9.]+ ms" "total [0-9.]+ ms"; do
    grep -Eqx "$line" "$TMP/tpch-bench.out" || { show_job tpch-bench >&2; fail "tpch-bench: no \"$line\" line"; }
  done
  [ -s "$TMP/bench-out/runs.csv" ] || { show_job tpch-bench >&2; fail "tpch-bench: no runs.csv in TPCH_OUT"; }
  note "tpch-bench.sbatch: job $JOB_ID COMPLETED in ${JOB_SECONDS}s on 3 ranks: $(grep -E '^total ' "$TMP/tpch-bench.out")"
else
  note "tpch-bench.sbatch: SKIPPED (hpc/tpch-bench or hpc/tpch-bench.sbatch is not in this checkout)"
fi

# ---- stop everything we started, by pid, and check that nothing of ours is left
cancel_ours
for ((i = ${#DAEMON_PIDS[@]} - 1; i >= 0; i--)); do stop_daemon "${DAEMON_PIDS[$i]}"; done
# (a slurmstepd may take a moment to finish after its job is COMPLETED)
deadline=$((SECONDS + 15))
while left=$(ours) && [ -n "$left" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "processes of this Slurm still run 15 s after the daemons stopped: $(ps -o pid,comm,args -p "${left//$'\n'/,}" 2>&1)"
  sleep 0.2
done
note "daemons stopped, nothing left running; $((SECONDS - T0)) s in all"
note "PASS"
