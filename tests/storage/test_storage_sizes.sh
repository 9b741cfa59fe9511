#!/usr/bin/env bash
# Smoke test of shoal-storage-sizes: generates TPC-H SF0.01 with shoal-dbgen, loads every table
# into a scratch store, and checks the report: every table with dbgen's row count, and the data
# several times smaller on disk than as .tbl text.
# usage: test_storage_sizes.sh SHOAL_DBGEN SHOAL_STORAGE_SIZES
set -euo pipefail
dbgen=$1
sizes=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-storage-sizes-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
timeout 120 "$dbgen" -s 0.01 -o "$work"
timeout 120 "$sizes" --columns "$work" > "$work/report.txt"
cat "$work/report.txt"
fail=0
while read -r table rows; do
  if ! grep -Eq "^\| $table +\| +$rows \|" "$work/report.txt"; then
    echo "FAIL: $table should have $rows rows" >&2
    fail=1
  fi
done <<ROWS
region 5
nation 25
supplier 100
customer 1500
part 2000
partsupp 8000
orders 15000
lineitem 60175
ROWS
ratio=$(awk -F'|' '/^\| total/ {gsub(/ /, "", $5); print $5}' "$work/report.txt")
if ! awk -v r="$ratio" 'BEGIN { exit !(r > 3.0) }'; then
  echo "FAIL: total compression ratio $ratio, expected > 3" >&2
  fail=1
fi
exit $fail
