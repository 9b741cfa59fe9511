#!/usr/bin/env bash
# durability.sh: a COPY that dies half-way leaves no trace.
#
# usage: durability.sh SHOAL SHOAL_DBGEN MPIEXEC [MPIEXEC_FLAGS...]
#
# On 2 ranks: create lineitem (tpch-ddl.sql's DDL), COPY lineitem.tbl of SF0.01 (60175 rows,
# committed), and note COUNT(*), SUM(l_extendedprice), SUM(l_orderkey). Then, three times:
# start a large COPY into the same table (32 links to that file: 1.9 million rows, several
# seconds; run once beforehand, unkilled, in a scratch --data to time it and to measure what it
# writes), wait until it is under way, then kill -9 the non-leader rank at a random moment
# (while it reads; early in its writing; late in its writing: see RANGES; the rank is found by
# OMPI_COMM_WORLD_RANK in /proc/PID/environ), and check that the job ends, then that a new
# cluster on the same --data starts without an error and the table holds exactly the first
# load's rows. Last, a new COPY works and adds its rows.
# Exit 0 = pass; every mpirun runs under `timeout`; the temp dir goes away on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 3 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
SHOAL=$(readlink -f "$1")
DBGEN=$(readlink -f "$2")
shift 2
LAUNCH=("$@")
NP=2
VICTIM=1
MPI_TIMEOUT=120
LINKS=32

[ -x "$SHOAL" ] || { echo "FAIL: $SHOAL is not executable (build first)" >&2; exit 1; }
[ -x "$DBGEN" ] || { echo "FAIL: $DBGEN is not executable (build first)" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/shoal-durability.XXXXXX")
JOB=""
cleanup() {
  local status=$?
  set +e
  if [ -n "$JOB" ]; then
    kill_job "$JOB"
  fi
  rm -rf "$T"
  exit "$status"
}
trap cleanup EXIT
cd "$T"

fail() {
  echo "FAIL [durability]: $*" >&2
  exit 1
}
note() { echo "[durability] $*"; }

descendants() {
  local kid
  for kid in $(pgrep -P "$1" || true); do
    echo "$kid"
    descendants "$kid"
  done
}

# rank_pid ROOT RANK: the pid of MPI rank RANK under ROOT, by OMPI_COMM_WORLD_RANK
rank_pid() {
  local p
  for p in $(descendants "$1"); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$p"
      return 0
    fi
  done
}

alive() {
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $1}') || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

kill_job() {
  local pids p
  pids="$1 $(descendants "$1")"
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  wait "$1" 2>/dev/null || true
}

# shoal OUT ERR ARGS...: the cluster in the foreground, bounded
shoal() {
  local out=$1 err=$2
  shift 2
  local rc=0
  timeout "$MPI_TIMEOUT" "${LAUNCH[@]}" -np "$NP" "$SHOAL" --data "$T/data" "$@" >"$out" 2>"$err" </dev/null || rc=$?
  [ "$rc" -ne 124 ] || fail "shoal $* did not finish within ${MPI_TIMEOUT}s"
  return "$rc"
}

CHECK="SELECT COUNT(*), SUM(l_extendedprice), SUM(l_orderkey), MIN(l_shipdate), MAX(l_shipdate) FROM lineitem;"

# ---- the first load

mkdir big
"$DBGEN" -s 0.01 -T L -o . >/dev/null
[ "$(wc -l <lineitem.tbl)" -eq 60175 ] || fail "shoal-dbgen wrote $(wc -l <lineitem.tbl) lineitem rows, expected 60175"
for ((i = 1; i <= LINKS; i++)); do ln lineitem.tbl "big/part_$(printf %02d "$i")"; done
# what the first load must leave, computed from the file
awk -F'|' '{ n++; p += $6; k += $1; if (min == "" || $11 < min) min = $11; if ($11 > max) max = $11 }
  END { print "count,sum,sum,min,max"; printf "%.0f,%.2f,%.0f,%s,%s\n", n, p, k, min, max }' lineitem.tbl >expect1.csv

sed -n '/^CREATE TABLE lineitem/,/;/p' "$HERE/tpch-ddl.sql" >ddl.sql
grep -q l_shipinstruct ddl.sql || fail "no lineitem DDL found in tpch-ddl.sql"
shoal create.out create.err -f ddl.sql || fail "CREATE TABLE lineitem failed: $(cat create.err)"
shoal load1.out load1.err -c "COPY lineitem FROM '$T/lineitem.tbl';" || fail "the first COPY failed: $(cat load1.err)"
shoal check0.out check0.err --csv -c "$CHECK" || fail "the check after the first COPY failed: $(cat check0.err)"
"$HERE/compare-results" expect1.csv check0.out --quiet || fail "after the first COPY: $(tail -1 check0.out), expected $(tail -1 expect1.csv)"
note "first load committed: $(tail -1 check0.out)"

# bytes DIR: the apparent size of everything under DIR (0 if it does not exist yet)
bytes() {
  if [ -d "$1" ]; then du -sb "$1" | cut -f1; else echo 0; fi
}

# wait_under_way OUT ERR WHAT: waits for the job $JOB to print SELECT 1's row (the COPY is next)
wait_under_way() {
  local deadline=$((SECONDS + 60))
  until grep -qx 1 "$1" 2>/dev/null; do
    alive "$JOB" || fail "$3: the job ended before the COPY started: $(cat "$2")"
    [ "$SECONDS" -lt "$deadline" ] || fail "$3: the COPY did not start within 60 s"
    sleep 0.02
  done
}

# ---- how long the large COPY takes here: a full run in a scratch --data

shoal_scratch() {
  local out=$1 err=$2
  shift 2
  local rc=0
  timeout "$MPI_TIMEOUT" "${LAUNCH[@]}" -np "$NP" "$SHOAL" --data "$T/scratch" "$@" >"$out" 2>"$err" </dev/null || rc=$?
  [ "$rc" -ne 124 ] || fail "shoal $* did not finish within ${MPI_TIMEOUT}s"
  return "$rc"
}
shoal_scratch s1.out s1.err -f ddl.sql || fail "CREATE TABLE in the scratch data failed: $(cat s1.err)"
scratch_base=$(bytes "$T/scratch/rank-$VICTIM")
# timed from the moment it is under way (SELECT 1 has printed), as the kills below are
shoal_scratch s2.out s2.err --csv -c "SELECT 1 AS under_way; COPY lineitem FROM '$T/big/part_';" &
JOB=$!
wait_under_way s2.out s2.err "the unkilled large COPY"
t0=$(date +%s%N)
rc=0
wait "$JOB" || rc=$?
JOB=""
FULL_MS=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" -eq 0 ] || fail "the large COPY (no kill) failed: $(cat s2.err)"
GROWTH=$(($(bytes "$T/scratch/rank-$VICTIM") - scratch_base))
[ "$GROWTH" -gt 100000 ] || fail "the large COPY wrote only $GROWTH bytes on rank $VICTIM"
grep -qx "COPY $((LINKS * 60175))" s2.err || fail "the large COPY (no kill) did not report COPY $((LINKS * 60175)): $(cat s2.err)"
rm -rf "$T/scratch"
note "the large COPY takes $FULL_MS ms here and writes $GROWTH bytes on rank $VICTIM (it reads and exchanges first, then writes)"

# ---- three large COPYs, each killed at a random moment

# When to kill. Round 0: a random 5-30% of the unkilled COPY's time after it is under way
# (still reading). Rounds 1 and 2: when rank 1 has written a random 3-15% and 40-85% of what
# the unkilled COPY wrote there (early and late in the writing): measured in bytes, so the
# moment does not depend on how busy the machine is. The commit point is at the very end,
# after all the writing, where a kill may rightly commit: never aimed at.
RANGES=("50 300" "30 150" "400 850")
BYTES_BEFORE=$(bytes "$T/data/rank-$VICTIM")
for round in 0 1 2; do
  read -r lo hi <<<"${RANGES[$round]}"
  permille=$((lo + RANDOM % (hi - lo + 1)))
  base=$(bytes "$T/data/rank-$VICTIM")
  # SELECT 1 prints on stdout just before the COPY starts: the sign that it is under way
  timeout "$MPI_TIMEOUT" "${LAUNCH[@]}" -np "$NP" "$SHOAL" --data "$T/data" --csv \
    -c "SELECT 1 AS under_way; COPY lineitem FROM '$T/big/part_';" >"big$round.out" 2>"big$round.err" </dev/null &
  JOB=$!
  wait_under_way "big$round.out" "big$round.err" "round $round"
  victim=""
  while [ -z "$victim" ]; do
    victim=$(rank_pid "$JOB" "$VICTIM")
    [ -n "$victim" ] || { alive "$JOB" || fail "round $round: no rank $VICTIM found"; sleep 0.05; }
  done
  t_start=$(date +%s%N)
  if [ "$round" -eq 0 ]; then
    delay_ms=$((FULL_MS * permille / 1000))
    sleep "$((delay_ms / 1000)).$(printf %03d $((delay_ms % 1000)))"
    moment="$delay_ms ms into the COPY"
  else
    target=$((GROWTH * permille / 1000))
    until [ $(($(bytes "$T/data/rank-$VICTIM") - base)) -ge "$target" ]; do
      alive "$JOB" || break
      sleep 0.01
    done
    moment="with $((permille / 10)).$((permille % 10))% of its writing done on rank $VICTIM ($(($(date +%s%N) / 1000000 - t_start / 1000000)) ms in)"
  fi
  if ! alive "$JOB" || grep -q '^COPY' "big$round.err"; then
    fail "round $round: the large COPY finished before the kill ($moment; unkilled it took $FULL_MS ms): $(cat "big$round.err")"
  fi
  kill -9 "$victim"
  t0=$SECONDS
  rc=0
  wait "$JOB" || rc=$?
  JOB=""
  [ "$rc" -ne 0 ] || fail "round $round: mpirun exited 0 after rank $VICTIM was killed"
  [ "$rc" -ne 124 ] || fail "round $round: the job hung after the kill until the timeout"
  grep -q '^COPY' "big$round.err" && fail "round $round: the COPY reported success although a rank was killed"
  note "round $round: killed rank $VICTIM (pid $victim) $moment; mpirun exited $rc after $((SECONDS - t0)) s"
  # no process of the job may be left
  deadline=$((SECONDS + 10))
  while pgrep -f -- "--data $T/data" >/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] ||
      fail "round $round: shoal processes of the killed job still run 10 s after mpirun exited: $(pgrep -a -f -- "--data $T/data")"
    sleep 0.1
  done

  # restart: no error, exactly the first load's rows
  if ! shoal "check$((round + 1)).out" "check$((round + 1)).err" --csv -c "$CHECK"; then
    fail "round $round: the restart after the kill failed: $(cat "check$((round + 1)).err")"
  fi
  if grep -q ERROR "check$((round + 1)).err"; then
    fail "round $round: the restart reported an error: $(cat "check$((round + 1)).err")"
  fi
  "$HERE/compare-results" expect1.csv "check$((round + 1)).out" --quiet ||
    fail "round $round: after the killed COPY the table holds $(tail -1 "check$((round + 1)).out"), expected the first load's $(tail -1 expect1.csv)"
done

note "rank $VICTIM's data: $BYTES_BEFORE bytes before the killed COPYs, $(bytes "$T/data/rank-$VICTIM") after them and the restarts"

# ---- a new load still works, and adds exactly its rows

shoal load2.out load2.err -c "COPY lineitem FROM '$T/lineitem.tbl';" || fail "the COPY after the kills failed: $(cat load2.err)"
shoal check9.out check9.err --csv -c "$CHECK" || fail "the final check failed: $(cat check9.err)"
awk -F, 'NR == 1 { print; next } { printf "%.0f,%.2f,%.0f,%s,%s\n", 2 * $1, 2 * $2, 2 * $3, $4, $5 }' expect1.csv >expect2.csv
"$HERE/compare-results" expect2.csv check9.out --quiet || fail "after the last COPY: $(tail -1 check9.out), expected $(tail -1 expect2.csv)"
note "PASS: three killed COPYs left no rows; the next COPY added 60175"
