#!/usr/bin/env bash
# btl_tcp: the same TPC-H queries over two interconnects. On 3 ranks, CALL tpch_generate(0.01)
# and Q3, Q5, Q9, Q13, Q18 (joins and aggregations that redistribute, broadcast and gather)
# run once with Open MPI's TCP transport (--mca pml ob1 --mca btl tcp,self, over loopback) and
# once with shared memory (--mca pml ob1 --mca btl self,vader), then with mpirun's defaults.
# Every result must match the official answer and be identical across the runs; Open MPI's own
# log (btl_base_verbose) must show that the ranks talked over tcp, resp. vader; EXPLAIN ANALYZE
# must show the same bytes moved (> 0) by exchanges; and with only "self" (no transport between
# ranks) the cluster must fail to start, so the btl setting really is what carries the data.
#   usage: tests/hpc/btl_tcp.sh SHOAL_BINARY MPIEXEC [MPIEXEC_FLAGS...]
# shellcheck source=tests/shell/lib.sh
source "$(dirname "$0")/../shell/lib.sh"

NP=3
QUERIES=(3 5 9 13 18)
Q=$REPO_ROOT/tests/tpch_queries
command -v python3 >/dev/null || fail "python3 not found (compare-results needs it)"
T0=$SECONDS

# One cluster per transport: generate, each query then a marker row, then EXPLAIN ANALYZE of
# each query (its last line says how many bytes the exchanges moved).
{
  echo "CALL tpch_generate(0.01);"
  for q in "${QUERIES[@]}"; do
    cat "$Q/queries/$q.sql"
    printf "\nSELECT 'end of q%d' AS shoal_query_marker;\n" "$q"
  done
  for q in "${QUERIES[@]}"; do
    echo "EXPLAIN ANALYZE"
    cat "$Q/queries/$q.sql"
    echo
  done
} >"$TMP/queries.sql"

# run_transport NAME MCA_ARGS...: the cluster under mpirun with those arguments; results split
# into $TMP/NAME/qN.csv, bytes moved per query in $TMP/NAME/bytes
run_transport() {
  local name=$1 dir=$TMP/$1 t0=$SECONDS
  shift
  mkdir -p "$dir"
  RC=0
  timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" "$@" -np "$NP" "$SHOAL_BIN" --data "$dir/data" \
    --csv -f "$TMP/queries.sql" </dev/null >"$dir/out.csv" 2>"$dir/err" || RC=$?
  [ "$RC" -ne 124 ] || fail "$name: mpirun did not finish within ${MPI_TIMEOUT}s"
  [ "$RC" -eq 0 ] || { tail -n 30 "$dir/err" >&2; fail "$name: the cluster exited $RC (mpirun $*)"; }
  awk -v dir="$dir" 'BEGIN { n = 1; f = dir "/r1.csv" }
    /^shoal_query_marker$/ { skip = 1; next }
    skip { skip = 0; n++; f = dir "/r" n ".csv"; next }
    { print > f }' "$dir/out.csv"
  local i q
  for i in "${!QUERIES[@]}"; do
    q=${QUERIES[$i]}
    mv "$dir/r$((i + 1)).csv" "$dir/q$q.csv" 2>/dev/null || fail "$name: no result for Q$q"
    "$Q/compare-results" "$Q/answers/sf0.01/$q.csv" "$dir/q$q.csv" --quiet ||
      fail "$name: Q$q differs from the answer: $("$Q/compare-results" "$Q/answers/sf0.01/$q.csv" "$dir/q$q.csv" 2>&1 | head -3 | tr '\n' ' ')"
  done
  sed -n 's/.*; \([0-9]*\) bytes moved between ranks by exchanges.*/\1/p' "$dir/out.csv" >"$dir/bytes"
  [ "$(wc -l <"$dir/bytes")" -eq ${#QUERIES[@]} ] || { cat "$dir/out.csv" >&2; fail "$name: expected ${#QUERIES[@]} EXPLAIN ANALYZE results with bytes moved"; }
  ! grep -qx 0 "$dir/bytes" || fail "$name: an EXPLAIN ANALYZE shows no bytes moved: $(tr '\n' ' ' <"$dir/bytes")"
  note "$name: ${#QUERIES[@]} queries match the answers, bytes moved $(tr '\n' ' ' <"$dir/bytes")($((SECONDS - t0)) s)"
}

# uses NAME BTL: how many "Using BTL btl for send to" lines Open MPI's bml logged in NAME's run
uses() { grep -c "mca: bml: Using $2 btl for send to" "$TMP/$1/err" || true; }
# every rank reaches the NP-1 others through the btl (and itself through self)
PEERS=$((NP * (NP - 1)))

run_transport tcp --mca pml ob1 --mca btl tcp,self --mca btl_tcp_if_include lo --mca btl_base_verbose 30
[ "$(uses tcp tcp)" -ge "$PEERS" ] && [ "$(uses tcp vader)" -eq 0 ] ||
  { grep 'bml' "$TMP/tcp/err" >&2; fail "tcp: Open MPI did not send between the ranks over tcp (tcp $(uses tcp tcp), vader $(uses tcp vader) paths)"; }

run_transport sm --mca pml ob1 --mca btl self,vader --mca btl_base_verbose 30
[ "$(uses sm vader)" -ge "$PEERS" ] && [ "$(uses sm tcp)" -eq 0 ] ||
  { grep 'bml' "$TMP/sm/err" >&2; fail "sm: Open MPI did not send between the ranks over vader (vader $(uses sm vader), tcp $(uses sm tcp) paths)"; }

run_transport default

for other in sm default; do
  for q in "${QUERIES[@]}"; do
    cmp -s "$TMP/tcp/q$q.csv" "$TMP/$other/q$q.csv" ||
      { diff "$TMP/tcp/q$q.csv" "$TMP/$other/q$q.csv" | head >&2; fail "Q$q: the tcp and $other results differ"; }
  done
  cmp -s "$TMP/tcp/bytes" "$TMP/$other/bytes" ||
    fail "bytes moved differ between tcp ($(tr '\n' ' ' <"$TMP/tcp/bytes")) and $other ($(tr '\n' ' ' <"$TMP/$other/bytes"))"
done
note "tcp, sm and default: identical results and bytes moved"

# The control: no transport between ranks at all must fail (within the timeout, not hang).
RC=0
timeout "$MPI_TIMEOUT" "$MPIEXEC" "${MPIEXEC_FLAGS[@]}" --mca pml ob1 --mca btl self -np "$NP" "$SHOAL_BIN" \
  --data "$TMP/self-only" --csv -c "SELECT 1;" </dev/null >"$TMP/self-only.out" 2>&1 || RC=$?
[ "$RC" -ne 124 ] || fail "self-only: mpirun hung instead of failing"
[ "$RC" -ne 0 ] || { cat "$TMP/self-only.out" >&2; fail "self-only: 3 ranks with --mca btl self started, so the btl setting is not in effect"; }
note "control: --mca btl self alone fails (exit $RC), as it must"
note "PASS ($((SECONDS - T0)) s)"
