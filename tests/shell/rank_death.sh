#!/usr/bin/env bash
# rank_death: when a non-leader rank dies (kill -9 of rank 2 out of 4), the job must not hang:
# mpirun exits non-zero within 10 s, no shoal process of the job is left, and the output names
# the lost rank ("process rank 2 ... signal 9"). Checked twice: with the cluster idle (stdin
# from a FIFO, nothing running) and with a command in flight (\sleep 60).
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

NP=4
VICTIM=2
DEADLINE_S=10

# scenario NAME IN_FLIGHT_COMMAND ('' for none)
scenario() {
  local name=$1 command=$2
  local fifo=$TMP/$name.stdin
  mkfifo "$fifo"
  timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np "$NP" "$SHOAL_BIN" \
    <"$fifo" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  local job=$!
  on_exit "alive $job && kill $job" # timeout passes the TERM on to mpirun
  local fd
  exec {fd}>"$fifo"

  # the rank pids, as the cluster itself reports them, checked against the environment
  send "$fd" '\ranks'
  wait_until 30 "the $name job to answer \\ranks" grep -qxF "($NP rows)" "$TMP/$name.out"
  local table_pids env_pids
  table_pids=$(grep -E '^ +[0-9]+ \| ' "$TMP/$name.out" | sort -n | awk -F'|' '{gsub(/ /, "", $3); printf "%s ", $3}')
  env_pids="$(rank_pids "$job" "$NP") "
  [ "$table_pids" = "$env_pids" ] ||
    { show "$name"; fail "$name: \\ranks reports pids \"$table_pids\" but the rank processes are \"$env_pids\""; }
  local pids
  read -r -a pids <<<"$env_pids"

  if [ -n "$command" ]; then
    send "$fd" "$command"
    sleep 1 # let it reach every rank
    alive "$job" || { show "$name"; fail "$name: the job ended before the kill"; }
  fi

  local t0 elapsed rc=0
  t0=$(now_ms)
  kill -9 "${pids[$VICTIM]}"
  wait_until "$DEADLINE_S" "the $name job to end after kill -9 of rank $VICTIM (pid ${pids[$VICTIM]})" \
    eval "! alive $job"
  elapsed=$(($(now_ms) - t0))
  wait "$job" || rc=$?
  exec {fd}>&-

  [ "$rc" -ne 0 ] || { show "$name"; fail "$name: mpirun exited 0 after rank $VICTIM was killed"; }
  [ "$rc" -ne 124 ] || { show "$name"; fail "$name: the job hung until the ${MPI_TIMEOUT}s timeout"; }
  local p left=""
  for p in "${pids[@]}"; do
    if alive "$p"; then left+=" $p"; fi
  done
  [ -z "$left" ] || { show "$name"; fail "$name: shoal processes still running after mpirun exited:$left"; }
  cat "$TMP/$name.out" "$TMP/$name.err" >"$TMP/$name.all"
  grep -qE "process rank $VICTIM .*(signal 9|Killed)" "$TMP/$name.all" ||
    { show "$name"; fail "$name: the output does not name the lost rank $VICTIM"; }
  note "$name: kill -9 of rank $VICTIM -> mpirun exited $rc after $elapsed ms, no rank left, rank named"
}

scenario idle ''
scenario in_flight '\sleep 60'
note "PASS"
