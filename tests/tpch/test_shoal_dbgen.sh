#!/usr/bin/env bash
# Tests of the shoal-dbgen program against dbgen's published output: checksums and row counts
# of whole tables, chunked output concatenating to the whole, -T selections, and argument
# errors. Usage: test_shoal_dbgen.sh TEST SHOAL_DBGEN DATA_DIR (DATA_DIR holds the dbgen-*.txt).
set -u

test_name=$1
dbgen=$2
data=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-tpch.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# check_whole DIR SF: every table file in DIR has dbgen's checksum and row count.
check_whole() {
    local dir=$1 sf=$2
    if (cd "$dir" && sha256sum --quiet -c "$data/dbgen-sha256-sf$sf.txt"); then
        echo "ok: SF$sf checksums of all 8 tables"
    else
        fail "SF$sf checksums"
    fi
    while read -r file rows; do
        local got
        got=$(wc -l < "$dir/$file")
        [ "$got" = "$rows" ] || fail "$file has $got rows, dbgen has $rows"
    done < "$data/dbgen-rows-sf$sf.txt"
    local count
    count=$(find "$dir" -type f | wc -l)
    [ "$count" = 8 ] || fail "expected 8 files in $dir, found $count"
}

# check_chunks DIR SF N: TABLE.tbl.1 .. TABLE.tbl.N concatenate to dbgen's TABLE.tbl, and
# nation.tbl / region.tbl are written once, whole.
check_chunks() {
    local dir=$1 sf=$2 n=$3 table
    for table in customer lineitem orders part partsupp supplier; do
        local expected got files=()
        expected=$(awk -v f="$table.tbl" '$2 == f {print $1}' "$data/dbgen-sha256-sf$sf.txt")
        for k in $(seq 1 "$n"); do
            [ -f "$dir/$table.tbl.$k" ] || fail "missing $table.tbl.$k"
            files+=("$dir/$table.tbl.$k")
        done
        got=$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)
        [ "$got" = "$expected" ] || fail "SF$sf $table: chunks 1..$n do not concatenate to dbgen's file"
        [ -e "$dir/$table.tbl" ] && fail "chunked run wrote an unsuffixed $table.tbl"
    done
    for table in nation region; do
        local expected got
        expected=$(awk -v f="$table.tbl" '$2 == f {print $1}' "$data/dbgen-sha256-sf$sf.txt")
        got=$(sha256sum < "$dir/$table.tbl" | cut -d' ' -f1)
        [ "$got" = "$expected" ] || fail "SF$sf $table.tbl differs from dbgen's"
        ls "$dir/$table.tbl."* > /dev/null 2>&1 && fail "$table was chunked"
    done
    local count
    count=$(find "$dir" -type f | wc -l)
    [ "$count" = $((6 * n + 2)) ] || fail "expected $((6 * n + 2)) files for $n chunks, found $count"
    [ $failures = 0 ] && echo "ok: SF$sf, $n chunks concatenate to dbgen's files"
}

# expect_usage_error DESCRIPTION PATTERN ARGS...: shoal-dbgen exits 2, says PATTERN on stderr,
# prints nothing on stdout and writes no file.
expect_usage_error() {
    local what=$1 pattern=$2
    shift 2
    local out="$work/err" rc
    rm -rf "$out" && mkdir -p "$out"
    "$dbgen" "$@" > "$out/.stdout" 2> "$out/.stderr"
    rc=$?
    if [ $rc != 2 ]; then
        fail "$what: exit status $rc, expected 2 (args: $*)"
    elif ! grep -qi -- "$pattern" "$out/.stderr"; then
        fail "$what: stderr lacks '$pattern': $(cat "$out/.stderr")"
    elif [ -s "$out/.stdout" ]; then
        fail "$what: wrote to stdout"
    elif [ -n "$(find "$out" -name '*.tbl*')" ]; then
        fail "$what: left files behind"
    else
        echo "ok: $what -> exit 2: $(head -1 "$out/.stderr")"
    fi
}

timed() { # timed LABEL COMMAND...: runs the command and reports its wall time
    local label=$1 start end
    shift
    start=$(date +%s.%N)
    "$@" || fail "$label: exit status $?"
    end=$(date +%s.%N)
    echo "time: $label: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
}

case "$test_name" in
dbgen_sf0.01 | dbgen_sf0.1 | dbgen_sf1)
    sf=${test_name#dbgen_sf}
    timed "shoal-dbgen -s $sf" "$dbgen" -s "$sf" -o "$work"
    check_whole "$work" "$sf"
    ;;

dbgen_chunks_sf0.01)
    for n in 3 4; do
        dir="$work/c$n"
        mkdir "$dir"
        for k in $(seq 1 "$n"); do
            "$dbgen" -s 0.01 -C "$n" -S "$k" -o "$dir" || fail "-C $n -S $k: exit status $?"
        done
        check_chunks "$dir" 0.01 "$n"
    done
    # chunks generated concurrently into one directory
    dir="$work/p2"
    mkdir "$dir"
    "$dbgen" -s 0.01 -C 2 -S 1 -o "$dir" & "$dbgen" -s 0.01 -C 2 -S 2 -o "$dir" & wait
    check_chunks "$dir" 0.01 2
    # more chunks than some tables have rows (100 suppliers in 150 chunks): empty chunks
    dir="$work/c150"
    mkdir "$dir"
    for k in 1 150; do
        "$dbgen" -s 0.01 -C 150 -S "$k" -T s -o "$dir" || fail "-C 150 -S $k: exit status $?"
    done
    [ -s "$dir/supplier.tbl.1" ] && fail "supplier chunk 1 of 150 should be empty"
    [ "$(wc -l < "$dir/supplier.tbl.150")" = 100 ] || fail "the last chunk should hold all 100 suppliers"
    # -C 1 -S 1 is the whole table, with plain names
    dir="$work/c1"
    mkdir "$dir"
    "$dbgen" -s 0.01 -C 1 -S 1 -o "$dir" || fail "-C 1 -S 1: exit status $?"
    check_whole "$dir" 0.01
    ;;

dbgen_chunks_sf1)
    dir="$work/p2"
    mkdir "$dir"
    start=$(date +%s.%N)
    "$dbgen" -s 1 -C 2 -S 1 -o "$dir" & pid1=$!
    "$dbgen" -s 1 -C 2 -S 2 -o "$dir" & pid2=$!
    wait $pid1 || fail "-C 2 -S 1: exit status $?"
    wait $pid2 || fail "-C 2 -S 2: exit status $?"
    end=$(date +%s.%N)
    echo "time: two processes, -s 1 -C 2 -S 1 and -S 2 in parallel: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
    check_chunks "$dir" 1 2
    ;;

dbgen_tables_sf0.01)
    # -T TABLES EXPECTED_FILES...: only those files, each with dbgen's checksum
    check_selection() {
        local selection=$1
        shift
        local dir="$work/t$RANDOM$RANDOM"
        mkdir "$dir"
        local args=()
        IFS=' ' read -r -a args <<< "$(echo "$selection" | sed 's/\([^ ]*\)/-T \1/g')"
        "$dbgen" -s 0.01 "${args[@]}" -o "$dir" || fail "-T $selection: exit status $?"
        local got expected
        got=$(cd "$dir" && ls | tr '\n' ' ')
        expected=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
        [ "$got" = "$expected" ] || fail "-T $selection wrote '$got', expected '$expected'"
        if (cd "$dir" && sha256sum --quiet -c --ignore-missing "$data/dbgen-sha256-sf0.01.txt"); then
            echo "ok: -T $selection -> $got"
        else
            fail "-T $selection: checksums"
        fi
    }
    # each dbgen letter (in pairs that write different files), names, lists, repeated -T
    check_selection c,L customer.tbl lineitem.tbl
    check_selection O,s orders.tbl supplier.tbl
    check_selection P,r part.tbl region.tbl
    check_selection S,n partsupp.tbl nation.tbl
    check_selection o orders.tbl lineitem.tbl
    check_selection p,l part.tbl partsupp.tbl nation.tbl region.tbl
    check_selection lineitem,PARTSUPP lineitem.tbl partsupp.tbl
    check_selection "customer supplier" customer.tbl supplier.tbl
    # single-table chunks (lineitem without orders, partsupp without part)
    dir="$work/single"
    mkdir "$dir"
    for k in 1 2 3; do
        "$dbgen" -s 0.01 -C 3 -S "$k" -T L -T S -o "$dir" || fail "-T L -T S -S $k: exit $?"
    done
    for table in lineitem partsupp; do
        expected=$(awk -v f="$table.tbl" '$2 == f {print $1}' "$data/dbgen-sha256-sf0.01.txt")
        got=$(cat "$dir/$table.tbl.1" "$dir/$table.tbl.2" "$dir/$table.tbl.3" | sha256sum | cut -d' ' -f1)
        [ "$got" = "$expected" ] && echo "ok: -T $table chunks" || fail "-T $table chunks"
    done
    # nation and region: written by chunk 1 only unless asked for
    dir="$work/nr"
    mkdir "$dir"
    "$dbgen" -s 0.01 -C 2 -S 2 -o "$dir" || fail "chunk 2"
    [ -e "$dir/nation.tbl" ] && fail "chunk 2 of the default tables wrote nation.tbl"
    [ -e "$dir/region.tbl" ] && fail "chunk 2 of the default tables wrote region.tbl"
    "$dbgen" -s 0.01 -C 2 -S 2 -T n -o "$dir" || fail "-S 2 -T n"
    (cd "$dir" && sha256sum --quiet -c --ignore-missing "$data/dbgen-sha256-sf0.01.txt") &&
        [ -e "$dir/nation.tbl" ] && echo "ok: nation.tbl only on request in chunk 2" ||
        fail "-S 2 -T n should write the whole nation.tbl"
    # help
    "$dbgen" -h > "$work/help" 2>&1 && grep -q "Usage: " "$work/help" && grep -q -- "-C N" "$work/help" &&
        echo "ok: -h" || fail "-h"
    ;;

dbgen_bad_arguments)
    mkdir -p "$work/out"
    touch "$work/plain_file"
    expect_usage_error "zero scale factor" "greater than 0" -s 0 -o "$work/out"
    expect_usage_error "negative scale factor" "greater than 0" -s -1 -o "$work/out"
    expect_usage_error "scale factor not a number" "not a number" -s abc -o "$work/out"
    expect_usage_error "empty scale factor" "not a number" -s "" -o "$work/out"
    expect_usage_error "scale factor beyond dbgen's 32-bit generator" "too large" -s 30000 -o "$work/out"
    expect_usage_error "chunk after the last" "between 1 and" -s 0.01 -C 2 -S 3 -o "$work/out"
    expect_usage_error "chunk 0" "positive chunk number" -s 0.01 -C 2 -S 0 -o "$work/out"
    expect_usage_error "negative chunk" "positive chunk number" -s 0.01 -C 2 -S -1 -o "$work/out"
    expect_usage_error "zero chunks" "positive chunk count" -s 0.01 -C 0 -S 1 -o "$work/out"
    expect_usage_error "-C without -S" "needs -S" -s 0.01 -C 2 -o "$work/out"
    expect_usage_error "-S without -C" "needs -C" -s 0.01 -S 1 -o "$work/out"
    expect_usage_error "missing output directory" "does not exist" -s 0.01 -o "$work/no/such/dir"
    expect_usage_error "output path is a file" "not a directory" -s 0.01 -o "$work/plain_file"
    expect_usage_error "unknown table" "unknown table" -s 0.01 -T x -o "$work/out"
    expect_usage_error "unknown table name" "unknown table" -s 0.01 -T lineitems -o "$work/out"
    expect_usage_error "empty table list" "needs a table" -s 0.01 -T , -o "$work/out"
    expect_usage_error "unknown option" "unknown option" -s 0.01 -Z -o "$work/out"
    expect_usage_error "option without its value" "needs a value" -s
    expect_usage_error "stray argument" "unexpected argument" -s 0.01 -o "$work/out" extra
    if [ "$(id -u)" != 0 ]; then
        mkdir "$work/readonly" && chmod 555 "$work/readonly"
        expect_usage_error "unwritable output directory" "not writable" -s 0.01 -o "$work/readonly"
    else
        # root may write anywhere; /proc still refuses new files
        expect_usage_error "unwritable output directory" "cannot create" -s 0.01 -T r -o /proc
    fi
    ;;

*)
    echo "unknown test '$test_name'"
    exit 2
    ;;
esac

if [ $failures != 0 ]; then
    echo "$test_name: $failures failure(s)"
    exit 1
fi
echo "$test_name: passed"
