#!/usr/bin/env python3
"""Writes dist.dat (2000 rows, '|'-delimited, \\N for NULL) for distribution.test.
Deterministic: run it again and the file is the same. Columns:
id INTEGER, grp INTEGER, s VARCHAR(8), amt DECIMAL(10,2), d DATE, f DOUBLE PRECISION."""
import datetime
import os
import sys
from decimal import Decimal

N = 2000


def rows():
    for i in range(1, N + 1):
        grp = None if i % 97 == 0 else i % 10
        s = None if i % 101 == 0 else "k%d" % ((i * 7919) % 50)
        amt = None if i % 89 == 0 else Decimal((i * 37) % 10000) / 100
        d = None if i % 113 == 0 else datetime.date(2020, 1, 1) + datetime.timedelta(days=(i * 13) % 1500)
        f = None if i % 131 == 0 else ((i * 17) % 1000) / 8.0
        yield (i, grp, s, amt, d, f)


def fmt(v):
    if v is None:
        return "\\N"
    if isinstance(v, Decimal):
        return "%.2f" % v
    return str(v)


def write_data():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "dist.dat")
    with open(out, "w") as f:
        for r in rows():
            f.write("|".join(fmt(v) for v in r) + "\n")


# ---- distribution.test: the same queries over every table layout, with expected answers
# computed here in Python (exact decimals; NULLs sort last ascending, first descending).
# `gen_dist.py --test > ../distribution.test` writes distribution.test with every layout in
# LAYOUTS below; `--test NAME...` writes only those layouts.

LAYOUTS = {
    "even": "DISTSTYLE EVEN",
    "key_id": "DISTSTYLE KEY DISTKEY(id) SORTKEY(amt)",
    "key_grp": "DISTKEY(grp)",
    "key_s": "DISTSTYLE KEY DISTKEY(s) COMPOUND SORTKEY(s, id)",
    "key_d": "DISTSTYLE KEY DISTKEY(d) SORTKEY(d)",
    "key_amt": "DISTSTYLE KEY DISTKEY(amt)",
    "even_sorted": "DISTSTYLE EVEN COMPOUND SORTKEY(d, id)",
    "all": "DISTSTYLE ALL",
    "auto": "DISTSTYLE AUTO",
    "default": "",
}


def sortkey(v):
    # NULL is larger than every value
    return (1, 0) if v is None else (0, v)


def order(rows, keys):
    """keys: list of (index, desc). Stable sorts, last key first."""
    rows = list(rows)
    for idx, desc in reversed(keys):
        nonnull = [r for r in rows if r[idx] is not None]
        nulls = [r for r in rows if r[idx] is None]
        nonnull.sort(key=lambda r: r[idx], reverse=desc)
        rows = (nulls + nonnull) if desc else (nonnull + nulls)
    return rows


def show(v):
    if v is None:
        return "NULL"
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def agg_min(vals):
    vals = [v for v in vals if v is not None]
    return min(vals) if vals else None


def agg_max(vals):
    vals = [v for v in vals if v is not None]
    return max(vals) if vals else None


def agg_sum(vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def agg_avg(vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) / len(vals) if vals else None


def queries(data):
    """(types, sql with {t}, expected rows, rowsort)"""
    I, G, S, A, D, F = range(6)
    q = []
    q.append(("IIIIIRRRTTTT",
              "SELECT COUNT(*), COUNT(grp), COUNT(s), COUNT(amt), SUM(id), SUM(amt), MIN(amt), MAX(amt), "
              "MIN(d), MAX(d), MIN(s), MAX(s) FROM {t}",
              [[len(data), sum(r[G] is not None for r in data), sum(r[S] is not None for r in data),
                sum(r[A] is not None for r in data), agg_sum([r[I] for r in data]), agg_sum([r[A] for r in data]),
                agg_min([r[A] for r in data]), agg_max([r[A] for r in data]), agg_min([r[D] for r in data]),
                agg_max([r[D] for r in data]), agg_min([r[S] for r in data]), agg_max([r[S] for r in data])]],
              False))
    q.append(("RR", "SELECT SUM(f), AVG(f) FROM {t}",
              [[agg_sum([r[F] for r in data]), agg_avg([r[F] for r in data])]], False))
    groups = {}
    for r in data:
        groups.setdefault(r[G], []).append(r)
    res = []
    for g, rs in groups.items():
        res.append([g, len(rs), agg_sum([r[A] for r in rs]), agg_avg([r[F] for r in rs]), agg_min([r[S] for r in rs]),
                    agg_max([r[D] for r in rs])])
    q.append(("IIRRTT", "SELECT grp, COUNT(*), SUM(amt), AVG(f), MIN(s), MAX(d) FROM {t} GROUP BY grp ORDER BY grp",
              order(res, [(0, False)]), False))
    q.append(("II", "SELECT grp, COUNT(*) FROM {t} GROUP BY grp ORDER BY grp DESC",
              order([[g, len(rs)] for g, rs in groups.items()], [(0, True)]), False))
    sg = {}
    for r in data:
        sg.setdefault(r[S], []).append(r)
    res = [[s, len(rs)] for s, rs in sg.items() if len(rs) > 40]
    q.append(("TI", "SELECT s, COUNT(*) FROM {t} GROUP BY s HAVING COUNT(*) > 40 ORDER BY 2 DESC, 1",
              order(res, [(1, True), (0, False)]), False))
    res = [[r[I], r[S], r[A]] for r in data if r[A] is not None and r[A] > Decimal("95")]
    q.append(("ITR", "SELECT id, s, amt FROM {t} WHERE amt > 95 ORDER BY amt DESC, id LIMIT 7",
              order(res, [(2, True), (0, False)])[:7], False))
    res = [[r[I], r[D]] for r in data]
    nulls_first = (sorted([x for x in res if x[1] is None], key=lambda x: x[0]) +
                   sorted([x for x in res if x[1] is not None], key=lambda x: (x[1], x[0])))
    q.append(("IT", "SELECT id, d FROM {t} ORDER BY d NULLS FIRST, id LIMIT 20", nulls_first[:20], False))
    res = [[r[I], r[G], r[S], r[A], r[D], r[F]] for r in data]
    q.append(("IITRTR", "SELECT * FROM {t} ORDER BY id LIMIT 5 OFFSET 1000",
              order(res, [(0, False)])[1000:1005], False))
    lo, hi = datetime.date(2021, 3, 1), datetime.date(2021, 6, 1)
    q.append(("II", "SELECT COUNT(*), SUM(id) FROM {t} WHERE d >= DATE '2021-03-01' AND d < DATE '2021-06-01'",
              [[sum(1 for r in data if r[D] is not None and lo <= r[D] < hi),
                agg_sum([r[I] for r in data if r[D] is not None and lo <= r[D] < hi])]], False))
    q.append(("IR", "SELECT COUNT(*), SUM(amt) FROM {t} WHERE s IN ('k1', 'k2', 'k33') AND grp BETWEEN 2 AND 7",
              [[sum(1 for r in data if r[S] in ("k1", "k2", "k33") and r[G] is not None and 2 <= r[G] <= 7),
                agg_sum([r[A] for r in data if r[S] in ("k1", "k2", "k33") and r[G] is not None and 2 <= r[G] <= 7])]],
              False))
    ids = (1, 97, 101, 500, 1999, 2000, 4000)
    q.append(("ITT", "SELECT id, s, d FROM {t} WHERE id IN (1, 97, 101, 500, 1999, 2000, 4000) ORDER BY id",
              [[r[I], r[S], r[D]] for r in data if r[I] in ids], False))
    res = sorted({(r[G],) for r in data if r[S] is not None and r[S].startswith("k1")}, key=lambda x: sortkey(x[0]))
    q.append(("I", "SELECT DISTINCT grp FROM {t} WHERE s LIKE 'k1%' ORDER BY 1", [list(x) for x in res], False))
    res = [[r[I]] for r in data if r[S] is None or r[G] is None or r[D] is None]
    q.append(("I", "SELECT id FROM {t} WHERE s IS NULL OR grp IS NULL OR d IS NULL", sorted(res), True))
    res = {}
    for r in data:
        if r[D] is not None:
            k = (r[D].year, (r[D].month - 1) // 3 + 1)
            res[k] = res.get(k, 0) + 1
    q.append(("III", "SELECT EXTRACT(YEAR FROM d), EXTRACT(QUARTER FROM d), COUNT(*) FROM {t} WHERE d IS NOT NULL "
              "GROUP BY 1, 2 ORDER BY 1, 2", [[k[0], k[1], v] for k, v in sorted(res.items())], False))
    q.append(("II", "SELECT COUNT(*), SUM(id) FROM {t} WHERE id > 5000", [[0, None]], False))
    return q


def write_test(layouts, out):
    data = list(rows())
    w = out.write
    w("# GENERATED by tests/sqllogic/data/gen_dist.py --test " + " ".join(layouts) + "\n")
    w("# The same 2000 rows (data/dist.dat, with NULLs in every column but id) in tables of\n")
    w("# different layouts must give the same answers to the same queries, on any rank count.\n")
    w("# Expected answers computed in Python from the generator, not by shoal.\n")
    for name in layouts:
        w("\nstatement ok\nCREATE TABLE d_%s (id INTEGER NOT NULL, grp INTEGER, s VARCHAR(8), amt DECIMAL(10,2), "
          "d DATE, f DOUBLE PRECISION) %s\n" % (name, LAYOUTS[name]))
        w("\nstatement ok\nCOPY d_%s FROM '${DATA}/dist.dat'\n" % name)
    qs = queries(data)
    for name in layouts:
        w("\n# ---- d_%s: %s\n" % (name, LAYOUTS[name] or "(no DISTSTYLE)"))
        for types, sql, expected, rowsort in qs:
            w("\nquery %s%s\n%s\n----\n" % (types, " rowsort" if rowsort else "", sql.format(t="d_" + name)))
            for r in expected:
                w("\t".join(show(v) for v in r) + "\n")
    w("\n# ---- the layouts survive a restart\n\nrestart\n")
    types, sql, expected, _ = qs[0]
    for name in layouts:
        w("\nquery %s\n%s\n----\n" % (types, sql.format(t="d_" + name)))
        for r in expected:
            w("\t".join(show(v) for v in r) + "\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--test":
        write_test(sys.argv[2:] or list(LAYOUTS), sys.stdout)
    else:
        write_data()
