#!/usr/bin/env bash
# interactive_tty: the libedit shell on a real terminal (tmux, private server, fixed size),
# 4 ranks under mpirun: the "shoal=> " prompt, \ranks, Up + Enter repeats it from history (and
# the history file, $SHOAL_HISTORY in the temp dir, holds it), Tab completes "sel" to "select",
# Ctrl-C at the prompt drops the line (the next Enter runs nothing), Ctrl-C during \sleep 30
# cancels it within 5 s and a fresh prompt follows, and \q ends every rank with status 0.
# Skipped (exit 77) only when tmux is not installed.
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

if ! have_tmux; then
  echo "SKIP [$TEST_NAME]: tmux is not installed (Debian package tmux)"
  exit 77
fi

SOCKET=shoal-test-$$
tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
on_exit "tmux -L $SOCKET kill-server"

HISTORY_FILE=$TMP/history
write_pane_script "$TMP/pane.sh" 4
export TERM=xterm # tmux needs a terminal type for itself even when detached
tm new-session -d -s shoal -x 120 -y 50 "bash $(printf '%q' "$TMP/pane.sh")"

# The whole pane, history included, one line per screen line, trailing blanks removed.
pane() { tm capture-pane -p -J -S - -t shoal | sed 's/[[:space:]]*$//'; }
last_line() { pane | grep -v '^$' | tail -n 1; }
last_line_is() { [ "$(last_line)" = "$1" ]; }
count_lines() { pane | grep -cxF -- "$1" || true; }
pane_has() { pane | grep -qF -- "$1"; }
dump_pane() {
  echo "--- the terminal:"
  pane
  echo "---"
}
expect() { # expect SECONDS WHAT COMMAND...: wait_until, showing the terminal on failure
  local limit=$1 what=$2
  shift 2
  local deadline=$(($(now_ms) + limit * 1000))
  until "$@"; do
    if [ "$(now_ms)" -ge "$deadline" ]; then
      dump_pane >&2
      fail "timed out after ${limit}s waiting for $what"
    fi
    sleep 0.1
  done
}
count_is() { [ "$(count_lines "$1")" -eq "$2" ]; }
type_text() { tm send-keys -t shoal -l -- "$1"; }
press() { tm send-keys -t shoal "$@"; }

# ---- start: the banner and the prompt
expect 30 "the shoal=> prompt" last_line_is "shoal=>"
pane_has "shoal: 4 ranks." || { dump_pane >&2; fail "no \"shoal: 4 ranks.\" banner"; }
note "prompt: ok"

# ---- \ranks
type_text '\ranks'
press Enter
expect 15 "the \\ranks table" count_is "(4 rows)" 1
expect 5 "the prompt after \\ranks" last_line_is "shoal=>"
pane >"$TMP/first_table.txt"
rank_pids=$(grep -E '^ +[0-9]+ \| ' "$TMP/first_table.txt" | awk -F'|' '{gsub(/ /, "", $3); print $3}' | tr '\n' ' ')
[ "$(wc -w <<<"$rank_pids")" -eq 4 ] || { dump_pane >&2; fail "could not read 4 pids from the \\ranks table"; }
note "\\ranks: ok (pids $rank_pids)"

# ---- Up + Enter: the same command again, from history
press Up
expect 5 "Up to bring back \\ranks" last_line_is 'shoal=> \ranks'
press Enter
expect 15 "the second \\ranks table" count_is "(4 rows)" 2
expect 5 "the prompt after the second \\ranks" last_line_is "shoal=>"
grep -qE '^(\\|\\134)ranks$' "$HISTORY_FILE" 2>/dev/null ||
  { cat "$HISTORY_FILE" >&2 || true; fail "the history file $HISTORY_FILE does not hold \\ranks"; }
note "history (Up, history file): ok"

# ---- Tab completion
type_text 'sel'
press Tab
expect 5 "Tab to complete sel to select" eval '[[ "$(last_line)" =~ ^shoal=\>\ select\ ?$ ]]'
note "Tab completion: ok"

# ---- Ctrl-C at the prompt drops the line; the next Enter runs nothing
press C-c
expect 5 "^C to clear the line" eval '[[ "$(last_line)" == "shoal=>" ]] && pane | grep -qE "^shoal=> select ?\^C$"'
prompts=$(count_lines "shoal=>")
press Enter
expect 5 "a fresh prompt after Enter on the cleared line" count_is "shoal=>" $((prompts + 1))
last_line_is "shoal=>" || { dump_pane >&2; fail "the prompt after Enter is not \"shoal=> \""; }
! pane_has "ERROR" || { dump_pane >&2; fail "Enter after Ctrl-C ran something that failed"; }
! pane_has "shoal->" || { dump_pane >&2; fail "the cleared line was kept as an unfinished statement"; }
note "Ctrl-C at the prompt: ok"

# ---- Ctrl-C during \sleep 30 cancels it on every rank
type_text '\sleep 30'
press Enter
sleep 1
last_line_is 'shoal=> \sleep 30' || { dump_pane >&2; fail "\\sleep 30 did not start"; }
t0=$(now_ms)
press C-c
expect 5 "the cancel error after Ctrl-C" pane_has "canceling statement due to user request"
elapsed=$(($(now_ms) - t0))
expect 5 "a fresh prompt after the cancel" last_line_is "shoal=>"
pane | grep -v '^$' | tail -n 2 | head -n 1 | grep -q "canceling statement due to user request (SQLSTATE 57014)" ||
  { dump_pane >&2; fail "the line before the fresh prompt is not the cancel error"; }
note "Ctrl-C during \\sleep 30: canceled after ${elapsed} ms, ok"

# ---- \q: every rank ends, status 0
type_text '\q'
press Enter
expect 20 "the job to exit after \\q" eval 'pane | grep -qE "^EXIT=[0-9]+$"'
status=$(pane | grep -E '^EXIT=[0-9]+$' | tail -n 1)
[ "$status" = "EXIT=0" ] || { dump_pane >&2; fail "after \\q the job ended with $status, expected EXIT=0"; }
for p in $rank_pids; do
  ! alive "$p" || fail "rank process $p is still running after \\q"
done
note "\\q: exit status 0, all 4 ranks gone"
note "PASS"
