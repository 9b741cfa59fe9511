#!/usr/bin/env bash
# Smoke test of shoal-exchange-bench (engine/exec/bench/): on 2 ranks, with tiny sizes, NULLs
# and selection vectors, it must run to the end and print its parseable lines (alltoallv,
# exchange, ratio; allgatherv, broadcast, bcast_ratio) for every size, and every checksum
# line must say ok: the rows the exchange delivered are the rows that were sent (row count and
# sum of per-row hashes over all columns), each on the rank its key hash names. A correctness
# check of the exchange path, not a timing one.
# Called as  exchange_bench_smoke.sh BENCH_BINARY MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail
BENCH=$1
MPIEXEC=$2
shift 2
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$OUT" >&2; exit 1; }

SIZES=(0.25 3) # MiB per rank: one round, and a few (rounds of 8 MiB: 3 MiB x 2 destinations)
status=0
timeout 120 "$MPIEXEC" "$@" -np 2 "$BENCH" --sizes 0.25,3 --repeats 2 --nulls --sel >"$OUT" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "the benchmark exited with status $status"
for size in "${SIZES[@]}"; do
  for line in alltoallv exchange allgatherv broadcast; do
    grep -Eq "^$line [0-9]+(\.[0-9]+)? MB/s size_mib=$size ranks=2 " "$OUT" || fail "no '$line N MB/s' line for $size MiB"
  done
  for line in ratio bcast_ratio; do
    grep -Eq "^$line [0-9]+\.[0-9]+ size_mib=$size ranks=2" "$OUT" || fail "no '$line' line for $size MiB"
  done
  for what in exchange broadcast; do
    grep -Eq "^checksum ok $what size_mib=$size .* misplaced=0$" "$OUT" || fail "no 'checksum ok' line for the $what of $size MiB"
  done
done
! grep -q MISMATCH "$OUT" || fail "a checksum mismatch"
# the received rows are the sent ones: the line says so, and the two sums are printed equal
while read -r sent received; do
  [ "$sent" = "$received" ] || fail "sum_sent $sent != sum_received $received"
done < <(sed -n 's/^checksum .* sum_sent=\([0-9a-f]*\) sum_received=\([0-9a-f]*\) .*/\1 \2/p' "$OUT")
rows=$(grep -c '^checksum ok' "$OUT")
[ "$rows" -eq 4 ] || fail "expected 4 checksum lines, found $rows"
echo "exchange bench smoke test: ok"
