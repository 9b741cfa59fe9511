#!/usr/bin/env bash
# cancel_stdin: with statements read from stdin (no terminal), kill -INT of the leader (rank 0)
# cancels the running command (\sleep 30) on every rank: "ERROR: canceling statement due to
# user request (SQLSTATE 57014)" within 5 s, the session goes on (a following \ranks answers
# from all 4 ranks) and end of input ends the job with status 0.
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

NP=4
mkfifo "$TMP/stdin"
timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np "$NP" "$SHOAL_BIN" \
  <"$TMP/stdin" >"$TMP/run.out" 2>"$TMP/run.err" &
JOB=$!
on_exit "alive $JOB && kill $JOB" # timeout passes the TERM on to mpirun
exec {FD}>"$TMP/stdin"

# the cluster is up (and the leader's SIGINT handler in place) once a \ranks answers
send "$FD" '\ranks'
wait_until 30 "the first \\ranks" grep -qxF "($NP rows)" "$TMP/run.out"
read -r -a PIDS <<<"$(rank_pids "$JOB" "$NP")"
LEADER=${PIDS[0]}

# The leader blocks reading stdin between commands (wchan *pipe_read); once it has left that
# read, \sleep 30 is running. (A SIGINT that lands while the leader waits for input is a
# different case, not covered here.)
reading_stdin() { grep -q 'pipe_read' "/proc/$LEADER/wchan" 2>/dev/null; }
send "$FD" '\sleep 30'
wait_until 10 "the leader to read \\sleep 30" eval '! reading_stdin'
sleep 0.5 # and every rank to get it
alive "$JOB" || { show run; fail "the job ended before the interrupt"; }
! grep -q ERROR "$TMP/run.err" || { show run; fail "an error before the interrupt"; }

t0=$(now_ms)
kill -INT "$LEADER"
wait_until 5 "\"canceling statement due to user request\" after kill -INT of rank 0 (pid $LEADER)" \
  grep -qF 'ERROR: canceling statement due to user request (SQLSTATE 57014)' "$TMP/run.err"
note "kill -INT of the leader: canceled after $(($(now_ms) - t0)) ms"
alive "$JOB" || { show run; fail "the job ended on the interrupt instead of going on"; }

send "$FD" '\ranks'
wait_until 15 "\\ranks after the cancel" eval '[ "$(grep -cxF "($NP rows)" "$TMP/run.out")" -eq 2 ]'
check_table "$TMP/run.out" "$NP" 2
note "\\ranks after the cancel: ok"

exec {FD}>&-
wait_until 20 "the job to exit at end of input" eval "! alive $JOB"
rc=0
wait "$JOB" || rc=$?
[ "$rc" -eq 0 ] || { show run; fail "the job exited $rc at end of input, expected 0"; }
[ "$(grep -c ERROR "$TMP/run.err" || true)" -eq 1 ] || { show run; fail "expected exactly one ERROR on stderr"; }
for p in "${PIDS[@]}"; do
  ! alive "$p" || fail "rank process $p is still running after end of input"
done
note "end of input: exit 0, every rank gone"
note "PASS"
