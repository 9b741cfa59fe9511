#!/usr/bin/env bash
# cli_mode: the non-interactive command line of `shoal` (ARCHITECTURE.md §5): -c '\ranks' on
# 1-4 ranks (N rows, ranks 0..N-1 once, distinct pids), --csv (header + N lines, nothing else
# on stdout), -c errors (unknown meta-command, SQL) exit non-zero with the error on stderr,
# -f FILE (two tables; a missing file fails), a bad option fails, statements from stdin go on
# after an error and exit 0, \timing prints "Time:", and \querystats prints one line per SQL
# statement on stderr.
# shellcheck source=tests/shell/lib.sh disable=SC2016 # (eval of single-quoted checks is on purpose)
source "$(dirname "$0")/lib.sh"

# ---- -c '\ranks' on 1, 2, 3, 4 ranks
for n in 1 2 3 4; do
  run_capture "ranks_np$n" "$n" -c '\ranks'
  [ "$RC" -eq 0 ] || { show "ranks_np$n"; fail "-c '\\ranks' on $n ranks exited $RC"; }
  check_table "$TMP/ranks_np$n.out" "$n"
  # the table and its footer, then one blank line: nothing else
  lines=$(wc -l <"$TMP/ranks_np$n.out")
  [ "$lines" -eq $((n + 4)) ] || { show "ranks_np$n"; fail "-c '\\ranks' on $n ranks printed $lines lines, expected $((n + 4))"; }
  note "-c '\\ranks' on $n rank(s): ok"
done

# ---- --csv: exactly the header and one line per rank on stdout
run_capture csv 4 --csv -c '\ranks'
[ "$RC" -eq 0 ] || { show csv; fail "--csv -c '\\ranks' exited $RC"; }
[ "$(head -n1 "$TMP/csv.out")" = "rank,host,pid,resident_mb" ] || { show csv; fail "--csv header is wrong"; }
[ "$(wc -l <"$TMP/csv.out")" -eq 5 ] || { show csv; fail "--csv printed $(wc -l <"$TMP/csv.out") lines, expected 5"; }
bad=$(tail -n +2 "$TMP/csv.out" | grep -cvE '^[0-9]+,[^,]+,[0-9]+,[0-9.]+$' || true)
[ "$bad" -eq 0 ] || { show csv; fail "--csv has $bad malformed data line(s)"; }
ranks=$(tail -n +2 "$TMP/csv.out" | cut -d, -f1 | sort -n | tr '\n' ' ')
[ "$ranks" = "0 1 2 3 " ] || { show csv; fail "--csv ranks are \"$ranks\", expected 0 1 2 3"; }
npids=$(tail -n +2 "$TMP/csv.out" | cut -d, -f3 | sort -u | wc -l)
[ "$npids" -eq 4 ] || { show csv; fail "--csv shows $npids distinct pids, expected 4"; }
note "--csv: ok"

# ---- -c with an unknown meta-command
run_capture badmeta 4 -c '\nosuchcommand'
[ "$RC" -ne 0 ] || { show badmeta; fail "-c '\\nosuchcommand' exited 0"; }
grep -q 'ERROR: invalid command \\nosuchcommand' "$TMP/badmeta.err" || { show badmeta; fail "no \"invalid command\" error on stderr"; }
! grep -q ERROR "$TMP/badmeta.out" || { show badmeta; fail "the error went to stdout"; }
note "-c unknown meta-command: exit $RC, ok"

# ---- -c with SQL (not supported yet: any error will do, but it must be one)
run_capture sql 4 --csv -c 'select 1 + 1 as two;'
[ "$RC" -eq 0 ] || { show sql; fail "-c 'select 1 + 1 as two;' exited $RC"; }
[ "$(cat "$TMP/sql.out")" = "$(printf 'two\n2')" ] || { show sql; fail "-c 'select 1 + 1 as two;' did not print two / 2"; }
run_capture sqlerr 4 -c 'selec 1;'
[ "$RC" -ne 0 ] || { show sqlerr; fail "-c 'selec 1;' exited 0"; }
grep -q '^ERROR: syntax error at or near "selec" (line 1, column 1)' "$TMP/sqlerr.err" ||
  { show sqlerr; fail "-c 'selec 1;' printed no syntax error with its position on stderr"; }
note "-c SQL: ok; a syntax error exits $RC"

# ---- -f FILE with two \ranks lines
printf '\\ranks\n\\ranks\n' >"$TMP/two.sql"
run_capture file 4 -f "$TMP/two.sql"
[ "$RC" -eq 0 ] || { show file; fail "-f two.sql exited $RC"; }
check_table "$TMP/file.out" 4 2
note "-f FILE: ok"

# ---- -f with a missing file
run_capture nofile 4 -f "$TMP/does-not-exist.sql"
[ "$RC" -ne 0 ] || { show nofile; fail "-f of a missing file exited 0"; }
grep -q 'does-not-exist.sql' "$TMP/nofile.err" || { show nofile; fail "-f of a missing file: no message naming it on stderr"; }
note "-f missing file: exit $RC, ok"

# ---- a bad option
run_capture bogus 4 --bogus
[ "$RC" -ne 0 ] || { show bogus; fail "--bogus exited 0"; }
grep -q -- '--bogus' "$TMP/bogus.err" || { show bogus; fail "--bogus: no message naming the option on stderr"; }
note "bad option: exit $RC, ok"

# ---- statements from stdin (no terminal): goes on after an error, exits 0
RC=0
printf '\\ranks\n\\raise 1 boom\n\\ranks\n' | run_shoal 4 >"$TMP/stdin.out" 2>"$TMP/stdin.err" || RC=$?
[ "$RC" -eq 0 ] || { show stdin; fail "stdin session exited $RC, expected 0 (errors do not end it)"; }
check_table "$TMP/stdin.out" 4 2
grep -qF 'ERROR: boom (rank 1, SQLSTATE P0001)' "$TMP/stdin.err" || { show stdin; fail "stdin: no \"ERROR: boom (rank 1, ...)\" on stderr"; }
note "stdin mode: ok"

# ---- \timing on prints a Time: line after the next command
run_capture timing 2 -c '\timing on
\ranks'
[ "$RC" -eq 0 ] || { show timing; fail "\\timing on + \\ranks exited $RC"; }
grep -qx 'Timing is on.' "$TMP/timing.out" || { show timing; fail "no \"Timing is on.\""; }
grep -qE '^Time: [0-9.]+ ms$' "$TMP/timing.out" || { show timing; fail "no \"Time: N ms\" line"; }
check_table "$TMP/timing.out" 2
note "\\timing: ok"

# ---- \querystats on: after each SQL statement (not meta-commands) one querystats: line on
# stderr, numbered, ok=0 for a failed one; stdout keeps only the CSV results
printf '%s\n' '\querystats on' 'CREATE TABLE qs (a INT);' '\ranks' 'SELECT COUNT(*) AS n FROM qs;' \
  'SELECT * FROM no_such_table;' 'SELECT 1 AS one;' >"$TMP/qs.sql"
RC=0
run_shoal 2 --csv <"$TMP/qs.sql" >"$TMP/qs.out" 2>"$TMP/qs.err" || RC=$?
[ "$RC" -eq 0 ] || { show qs; fail "\\querystats session exited $RC"; }
num='[0-9]+'
fields="ms=$num\\.$num rows=$num bytes_moved=$num blocks_read=$num blocks_skipped=$num rows_scanned=$num peak_rss_bytes_max=$num queries=$num ranks=2"
for expect in "1 ok=1 ms=.* rows=0 " "2 ok=1 ms=.* rows=1 .* queries=1 " "3 ok=0 " "4 ok=1 ms=.* rows=1 .* queries=0 "; do
  grep -qE "^querystats: statement=$expect" "$TMP/qs.err" || { show qs; fail "no querystats line for statement $expect"; }
done
[ "$(grep -c '^querystats: ' "$TMP/qs.err")" -eq 4 ] || { show qs; fail "expected 4 querystats lines (SQL statements only)"; }
[ "$(grep -cE "^querystats: statement=[1-4] ok=[01] $fields$" "$TMP/qs.err")" -eq 4 ] || { show qs; fail "a querystats line lacks a field"; }
! grep -q querystats "$TMP/qs.out" || { show qs; fail "querystats lines on stdout"; }
[ "$(grep -A1 -x n "$TMP/qs.out" | tr '\n' ' ')" = "n 0 " ] || { show qs; fail "stdout lacks the CSV result n / 0"; }
note "\\querystats: ok"

# ---- one cluster per data directory: a second one on the same --data is refused, the first
# goes on untouched
mkfifo "$TMP/hold"
SHOAL_DATA=$TMP/shared-data timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np 2 "$SHOAL_BIN" \
  <"$TMP/hold" >"$TMP/first.out" 2>"$TMP/first.err" &
FIRST_JOB=$!
on_exit "alive $FIRST_JOB && kill $FIRST_JOB"
exec {HOLD_FD}>"$TMP/hold"
send "$HOLD_FD" 'create table t (a int);'
wait_until 30 "the first cluster to create its table" grep -q CREATE "$TMP/first.out"
RC=0
SHOAL_DATA=$TMP/shared-data timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np 2 "$SHOAL_BIN" \
  -c 'select 1;' </dev/null >"$TMP/second.out" 2>"$TMP/second.err" || RC=$?
[ "$RC" -ne 0 ] || { show second; fail "a second cluster on a data directory in use exited 0"; }
grep -q "is in use by another Shoal cluster (pid [0-9]*)" "$TMP/second.err" || { show second; fail "no \"in use\" error naming the pid"; }
send "$HOLD_FD" 'select count(*) as n from t;'
wait_until 30 "the first cluster to answer after the refusal" grep -qx ' *0' "$TMP/first.out"
exec {HOLD_FD}>&-
wait "$FIRST_JOB" || { show first; fail "the first cluster did not exit 0"; }
note "a second cluster on the same data directory: refused (exit $RC), the first went on"

# ---- a result too large for the leader fails the query with 53200; the session goes on
RC=0
printf 'CALL tpch_generate(0.01);\nSELECT * FROM lineitem;\nSELECT COUNT(*) AS n FROM lineitem;\n' >"$TMP/big.sql"
SHOAL_MAX_RESULT_MB=1 SHOAL_DATA=$TMP/big-data timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -x SHOAL_MAX_RESULT_MB \
  -np 2 "$SHOAL_BIN" --csv <"$TMP/big.sql" >"$TMP/big.out" 2>"$TMP/big.err" || RC=$?
[ "$RC" -eq 0 ] || { show big; fail "the session with a too-large result exited $RC"; }
grep -q "the result is larger than 1 MiB at the leader .*SQLSTATE 53200" "$TMP/big.err" || { show big; fail "no 53200 error for a result over SHOAL_MAX_RESULT_MB"; }
grep -qx "60175" "$TMP/big.out" || { show big; fail "the next query after the too-large result did not answer 60175"; }
note "a result over SHOAL_MAX_RESULT_MB: 53200, and the session went on"

# ---- a result of several output chunks (the printer writes 4096 rows at a time): every row
# once, in order, in both forms, with the footer after the last chunk
printf 'CALL tpch_generate(0.01);\nSELECT o_orderkey FROM orders ORDER BY 1;\n' >"$TMP/rows.sql"
for form in csv aligned; do
  RC=0
  flags=()
  [ "$form" = csv ] && flags=(--csv)
  SHOAL_DATA=$TMP/rows-$form timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" -np 2 "$SHOAL_BIN" "${flags[@]}" \
    <"$TMP/rows.sql" >"$TMP/rows-$form.out" 2>"$TMP/rows-$form.err" || RC=$?
  [ "$RC" -eq 0 ] || { show "rows-$form"; fail "15000 rows ($form) exited $RC"; }
  if [ "$form" = csv ]; then
    keys=$(grep -E '^[0-9]+$' "$TMP/rows-$form.out")
    [ "$(head -n1 "$TMP/rows-$form.out")" = o_orderkey ] || { show "rows-$form"; fail "no CSV header before the rows"; }
  else
    keys=$(grep -E '^ +[0-9]+$' "$TMP/rows-$form.out" | tr -d ' ')
    grep -qx '(15000 rows)' "$TMP/rows-$form.out" || { show "rows-$form"; fail "no (15000 rows) footer"; }
  fi
  [ "$(printf '%s\n' "$keys" | wc -l)" -eq 15000 ] || fail "$form: $(printf '%s\n' "$keys" | wc -l) rows printed, expected 15000"
  [ "$(printf '%s\n' "$keys" | sort -n -u)" = "$keys" ] || fail "$form: the rows are not each once and in order"
done
note "15000 rows in 4 chunks, CSV and aligned: each once, in order"

note "PASS"
