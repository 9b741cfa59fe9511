# shellcheck shell=bash
# Helpers shared by the tests/shell/*.sh scripts: sourced, not run.
# Every script is called as   SCRIPT SHOAL_BINARY MPIEXEC [MPIEXEC_FLAGS...]
# (tests/shell/CMakeLists.txt passes $<TARGET_FILE:shoal>, SHOAL_MPIEXEC and SHOAL_MPIEXEC_FLAGS),
# e.g. by hand:  tests/shell/cli_mode.sh build/shoal mpirun --oversubscribe --bind-to none --allow-run-as-root
# It gives: fail/note, a temp dir removed on exit, run_shoal (mpirun under `timeout 60`),
# polling waits with deadlines, and lookups of a job's rank processes through /proc.

set -euo pipefail

TEST_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[1]:-$0}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this
REPO_ROOT=$(cd "$TEST_DIR/../.." && pwd)
MPI_TIMEOUT=60 # seconds: no mpirun in these tests may outlive this

if [ $# -lt 2 ]; then
  echo "usage: $0 SHOAL_BINARY MPIEXEC [MPIEXEC_FLAGS...]" >&2
  exit 2
fi
SHOAL_BIN=$(readlink -f "$1")
MPIEXEC=$2
shift 2
MPIEXEC_FLAGS=("$@")
set --

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  exit 1
}

note() { echo "[$TEST_NAME] $*"; }

[ -x "$SHOAL_BIN" ] || fail "shoal binary $SHOAL_BIN is missing or not executable (build first)"
command -v "$MPIEXEC" >/dev/null || fail "mpirun \"$MPIEXEC\" not found"
for tool in timeout pgrep; do
  command -v "$tool" >/dev/null || fail "$tool not found (Debian packages coreutils, procps)"
done

# ---- cleanup: commands registered with on_exit run at exit, last first, then the temp dir goes.
_CLEANUPS=()
on_exit() { _CLEANUPS+=("$1"); }
_run_cleanups() {
  local status=$? i
  set +e
  for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${_CLEANUPS[$i]}" >/dev/null 2>&1; done
  rm -rf "$TMP"
  exit "$status"
}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shoal-$TEST_NAME.XXXXXX")
trap _run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$TMP" # any ./shoal-data a run creates lands in the temp dir
# The shell's history must never be the user's (nor /dev/null: libedit chmods the file it saves).
export SHOAL_HISTORY=$TMP/history

# run_shoal NP ARGS... : the job in the foreground, bounded by `timeout`.
run_shoal() {
  local np=$1
  shift
  # a data directory per rank count: data written by N ranks is refused by another count
  SHOAL_DATA=$TMP/data-np$np timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np "$np" "$SHOAL_BIN" "$@"
}

# run_capture NAME NP ARGS... : runs the job with stdin from /dev/null; stdout to $TMP/NAME.out,
# stderr to $TMP/NAME.err, the exit status to $RC (never fails itself).
run_capture() {
  local name=$1
  shift
  RC=0
  run_shoal "$@" <"/dev/null" >"$TMP/$name.out" 2>"$TMP/$name.err" || RC=$?
  [ "$RC" -ne 124 ] || fail "$name: mpirun did not finish within ${MPI_TIMEOUT}s"
}

# show NAME: both streams of a captured run, for failure messages.
show() {
  echo "--- stdout of $1:"
  cat "$TMP/$1.out"
  echo "--- stderr of $1:"
  cat "$TMP/$1.err"
  echo "---"
}

# check_table FILE N [COUNT]: FILE holds COUNT (default 1) \ranks tables of N rows each, with
# ranks 0..N-1 each once per table and N distinct pids.
check_table() {
  local file=$1 n=$2 count=${3:-1}
  local footer="($n rows)"
  [ "$n" -eq 1 ] && footer="(1 row)"
  local got
  got=$(grep -cxF "$footer" "$file" || true)
  [ "$got" -eq "$count" ] || { cat "$file" >&2; fail "expected $count table(s) ending \"$footer\", found $got"; }
  got=$(grep -cE '^ *rank +\| +host +\| +pid +\| +resident_mb$' "$file" || true)
  [ "$got" -eq "$count" ] || { cat "$file" >&2; fail "expected $count table header(s), found $got"; }
  # data rows: "   R | host | pid | mb"
  local rows
  rows=$(grep -E '^ +[0-9]+ \| [^|]+ \| +[0-9]+ \| +[0-9.]+$' "$file" || true)
  got=$(printf '%s\n' "$rows" | grep -c . || true)
  [ "$got" -eq $((n * count)) ] || { cat "$file" >&2; fail "expected $((n * count)) data rows, found $got"; }
  local ranks expected pids
  ranks=$(printf '%s\n' "$rows" | awk -F'|' '{gsub(/ /, "", $1); print $1}' | sort -n | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')
  expected=$(for ((r = 0; r < n; r++)); do printf '%d:%d ' "$r" "$count"; done)
  [ "$ranks" = "$expected" ] || { cat "$file" >&2; fail "ranks (rank:times) are \"$ranks\", expected \"$expected\""; }
  pids=$(printf '%s\n' "$rows" | awk -F'|' '{gsub(/ /, "", $3); print $3}' | sort -u | grep -c . || true)
  [ "$pids" -eq "$n" ] || { cat "$file" >&2; fail "expected $n distinct pids, found $pids"; }
}

# send FD LINE: writes LINE to a job's stdin (a FIFO we hold open on FD); a job that has gone
# away gives a clear failure rather than a silent death by SIGPIPE.
send() {
  (
    trap '' PIPE
    printf '%s\n' "$2" >&"$1"
  ) 2>/dev/null || fail "could not write \"$2\" to the job's stdin: has the job ended?"
}

# wait_until SECONDS DESCRIPTION COMMAND... : polls COMMAND every 0.1 s; fails after SECONDS.
wait_until() {
  local limit=$1 what=$2
  shift 2
  local deadline=$(($(now_ms) + limit * 1000))
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.1
  done
}

now_ms() { date +%s%3N; }

# ---- processes of a job ----

# descendants PID: every descendant process of PID, one pid a line.
descendants() {
  local kid
  for kid in $(pgrep -P "$1" || true); do
    echo "$kid"
    descendants "$kid"
  done
}

# rank_pid ROOT_PID RANK: the pid of the MPI rank RANK among ROOT_PID's descendants (found by
# OMPI_COMM_WORLD_RANK in its environment), or nothing.
rank_pid() {
  local p
  for p in $(descendants "$1"); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$p"
      return 0
    fi
  done
}

# rank_pids ROOT_PID NP: the NP rank pids in rank order (waits up to 20 s for them to start).
rank_pids() {
  local root=$1 np=$2 r p pids=() deadline=$((SECONDS + 20))
  for ((r = 0; r < np; r++)); do
    while p=$(rank_pid "$root" "$r") && [ -z "$p" ]; do
      [ "$SECONDS" -lt "$deadline" ] || fail "rank $r of the job under pid $root did not start"
      alive "$root" || fail "the job under pid $root ended before rank $r was seen"
      sleep 0.1
    done
    pids+=("$p")
  done
  echo "${pids[*]}"
}

# parent_pid PID: field 4 of /proc/PID/stat (read after the command name, which may hold spaces).
parent_pid() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $2}'; }

# cpu_ticks PID...: utime + stime (fields 14 and 15 of /proc/PID/stat) summed, in clock ticks.
cpu_ticks() {
  local p total=0 t
  for p in "$@"; do
    # the command name (field 2) may hold spaces: read the fields after the last ')'
    t=$(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}') || fail "process $p is gone"
    total=$((total + t))
  done
  echo "$total"
}

# alive PID: the process exists and is not a zombie (an exited child we have not reaped yet).
alive() {
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $1}') || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# ---- a terminal, through tmux

have_tmux() { command -v tmux >/dev/null; }

# write_pane_script FILE NP [SHOAL_ARGS...]: a script for a tmux pane that runs the job in the
# terminal's foreground (hence timeout --foreground), in $TMP with SHOAL_HISTORY=$TMP/history,
# then prints EXIT=<status> and idles so the pane can still be read.
write_pane_script() {
  local file=$1 np=$2
  shift 2
  {
    echo "cd $(printf '%q' "$TMP")"
    echo "export SHOAL_HISTORY=$(printf '%q' "$TMP/history")"
    # its own data directory: two clusters may not share one (the second is refused)
    echo "export SHOAL_DATA=$(printf '%q' "$TMP/data-pane-np$np")"
    printf 'timeout --foreground -k 5 %d' "$MPI_TIMEOUT"
    printf ' %q' "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np "$np" "$SHOAL_BIN" "$@"
    echo
    echo 'echo EXIT=$?'
    echo 'exec sleep 300'
  } >"$file"
}
