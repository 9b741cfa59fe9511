#!/usr/bin/env bash
# idle_cpu: an idle 4-rank cluster must not burn its cores (ARCHITECTURE.md §2, "no spinning
# when idle"). Two jobs sit idle side by side: one reading stdin from a FIFO the test holds
# open (the no-terminal path) and, when tmux is installed, one at the libedit prompt in a tmux
# terminal. Over 10 s the 4 shoal ranks of each job together must use under 0.5 s of CPU
# (utime + stime from /proc/PID/stat); mpirun's own CPU is printed, not asserted. Then end of
# input (closing the FIFO; Ctrl-D in the terminal) must end every rank with status 0.
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

NP=4
WINDOW=10      # seconds measured
LIMIT_MS=500   # CPU allowed over the window, all ranks of one job together
TICK=$(getconf CLK_TCK)

# ---- job 2: the interactive shell in a terminal (tmux). Started first, so that the tmux
# server does not inherit (and hold open) our end of the FIFO.
TTY_JOB=""
if have_tmux; then
  SOCKET=shoal-test-$$
  tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
  on_exit "tmux -L $SOCKET kill-server"
  write_pane_script "$TMP/pane.sh" "$NP"
  export TERM=xterm
  tm new-session -d -s idle -x 100 -y 30 "bash $(printf '%q' "$TMP/pane.sh")"
  TTY_JOB=$(tm display-message -p -t idle '#{pane_pid}')
  pane() { tm capture-pane -p -J -S - -t idle | sed 's/[[:space:]]*$//'; }
  at_prompt() { [ "$(pane | grep -v '^$' | tail -n 1)" = "shoal=>" ]; }
else
  note "tmux is not installed: measuring the stdin path only"
fi

# Two mpiruns starting at the same moment can race on creating Open MPI's session directory
# (/tmp/ompi.HOST.UID: "mkdir ... File exists"): start the second once the first is up.
[ -z "$TTY_JOB" ] || wait_until 30 "the terminal job's prompt" at_prompt

# ---- job 1: stdin from a FIFO that we hold open
mkfifo "$TMP/stdin"
SHOAL_DATA=$TMP/data-fifo timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np "$NP" "$SHOAL_BIN" \
  <"$TMP/stdin" >"$TMP/fifo.out" 2>"$TMP/fifo.err" &
FIFO_JOB=$!
on_exit "alive $FIFO_JOB && kill $FIFO_JOB" # timeout passes the TERM on to mpirun
exec {FIFO_FD}>"$TMP/stdin"

# ---- both up and idle: the FIFO job answers a \ranks, the terminal shows its prompt
send "$FIFO_FD" '\ranks'
answered() { grep -qxF "($NP rows)" "$TMP/fifo.out" || { ! alive "$FIFO_JOB" && show fifo && fail "the FIFO job ended"; }; }
wait_until 30 "the FIFO job to answer \\ranks" answered
read -r -a FIFO_RANKS <<<"$(rank_pids "$FIFO_JOB" "$NP")"
FIFO_MPIRUN=$(parent_pid "${FIFO_RANKS[0]}")
if [ -n "$TTY_JOB" ]; then
  read -r -a TTY_RANKS <<<"$(rank_pids "$TTY_JOB" "$NP")"
  TTY_MPIRUN=$(parent_pid "${TTY_RANKS[0]}")
fi
sleep 2 # let start-up settle

# ---- measure
fifo0=$(cpu_ticks "${FIFO_RANKS[@]}")
fifo_mpi0=$(cpu_ticks "$FIFO_MPIRUN")
if [ -n "$TTY_JOB" ]; then
  tty0=$(cpu_ticks "${TTY_RANKS[@]}")
  tty_mpi0=$(cpu_ticks "$TTY_MPIRUN")
fi
sleep "$WINDOW"
fifo1=$(cpu_ticks "${FIFO_RANKS[@]}")
fifo_mpi1=$(cpu_ticks "$FIFO_MPIRUN")
if [ -n "$TTY_JOB" ]; then
  tty1=$(cpu_ticks "${TTY_RANKS[@]}")
  tty_mpi1=$(cpu_ticks "$TTY_MPIRUN")
fi

seconds() { awk -v t="$1" -v hz="$TICK" 'BEGIN { printf "%.2f", t / hz }'; }
ms() { echo $(($1 * 1000 / TICK)); }
failed=""
note "idle CPU (stdin from a FIFO): $(seconds $((fifo1 - fifo0))) s over $WINDOW s, $NP ranks" \
  "(mpirun: $(seconds $((fifo_mpi1 - fifo_mpi0))) s)"
[ "$(ms $((fifo1 - fifo0)))" -lt "$LIMIT_MS" ] || failed+=" stdin"
if [ -n "$TTY_JOB" ]; then
  note "idle CPU (terminal prompt):     $(seconds $((tty1 - tty0))) s over $WINDOW s, $NP ranks" \
    "(mpirun: $(seconds $((tty_mpi1 - tty_mpi0))) s)"
  [ "$(ms $((tty1 - tty0)))" -lt "$LIMIT_MS" ] || failed+=" terminal"
fi
for p in "${FIFO_RANKS[@]}" ${TTY_RANKS[@]+"${TTY_RANKS[@]}"}; do
  note "  rank pid $p: $(seconds "$(cpu_ticks "$p")") s CPU since start"
done
[ -z "$failed" ] || fail "idle ranks used $LIMIT_MS ms of CPU or more over ${WINDOW} s (path:$failed)"

# ---- end of input ends every rank with status 0
exec {FIFO_FD}>&-
wait_until 20 "the FIFO job to exit at end of input" eval "! alive $FIFO_JOB"
rc=0
wait "$FIFO_JOB" || rc=$?
[ "$rc" -eq 0 ] || { show fifo; fail "the FIFO job exited $rc at end of input, expected 0"; }
if [ -n "$TTY_JOB" ]; then
  tm send-keys -t idle C-d
  wait_until 20 "the terminal job to exit after Ctrl-D" eval 'pane | grep -qE "^EXIT=[0-9]+$"'
  status=$(pane | grep -E '^EXIT=[0-9]+$' | tail -n 1)
  [ "$status" = "EXIT=0" ] || { pane >&2; fail "after Ctrl-D the terminal job ended with $status, expected EXIT=0"; }
fi
for p in "${FIFO_RANKS[@]}" ${TTY_RANKS[@]+"${TTY_RANKS[@]}"}; do
  ! alive "$p" || fail "rank process $p is still running after end of input"
done
note "end of input: every job exited 0, every rank gone"
note "PASS"
