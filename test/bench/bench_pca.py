#!/usr/bin/python3
"""Benchmark in-database PCA (pca_train, scoring) against a table scan and
against exporting the table to the client and fitting scikit-learn.

Runs inside a throwaway cluster (bench_pca.sh starts it with pg_virtualenv;
the libpq variables PGHOST, PGPORT, ... point at it).  For each data set it
generates a correlated table in SQL (a rank-6 signal plus noise, setseed for
reproducibility), then times, as medians of repeats after one unmeasured
warm-up run, each query with max_parallel_workers_per_gather = 0 (serial)
and = 2 (parallel):

  scan        SELECT count(x) FROM t
  scan+array  SELECT sum(cardinality(x)) FROM t
  pca_train   SELECT pca_train(x, '{"components": K}') FROM t
  score       sum(ae_anomaly_score(m, x)), m the stored (TOASTed) model,
              as a join and as a scalar subquery
  ae_train    autoencoder_train(x, '{"hidden":[16,8],"epochs":5}') on a
              subset table

and the client route: COPY t (x) TO STDOUT through psycopg2, parsed into a
numpy array (export; text format as most users would, and binary format as
the fastest route), then standardisation (ddof=1) and
sklearn.decomposition.PCA(n_components=K, svd_solver="full") (fit).
It also checks the answers: pca_train serial vs parallel eigenvalues, and
pca_train vs scikit-learn on the exported data.  Nothing is hard-coded:
every figure printed is measured in this run.

usage: bench_pca.py [--quick] [--repeats N] [--rows N] [--features D]
                    [--rows2 N] [--features2 D] [--ae-rows N] [--components K]
"""

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import psycopg2
import sklearn
from sklearn.decomposition import PCA

# the synthetic signal: latent factor scales (uniform latents in
# [-s/2, s/2]), and the noise amplitude (uniform in [-a/2, a/2])
FACTOR_SCALES = [4.0, 3.0, 2.0, 1.5, 1.0, 0.7]
NOISE = 0.5
MODES = [("serial", 0), ("parallel", 2)]


def connect():
    conn = psycopg2.connect("")   # libpq environment from pg_virtualenv
    conn.autocommit = True
    return conn


def one(cur, sql, args=None):
    cur.execute(sql, args)
    return cur.fetchone()[0]


def generate(cur, name, n, d, seed=0.42):
    """CREATE TABLE name (id int, x float8[]) with n rows of d features:
    x = sum_f z_f * w_f + noise, w_f fixed random loadings in [-1, 1]."""
    r = len(FACTOR_SCALES)
    cur.execute(f"DROP TABLE IF EXISTS {name}, {name}_w")
    cur.execute("SELECT setseed(%s)", (seed,))
    cur.execute(f"""CREATE TABLE {name}_w AS
        SELECT f, array_agg(random() * 2 - 1 ORDER BY j) AS w
        FROM generate_series(1, {r}) f, generate_series(1, {d}) j
        GROUP BY f""")
    ws = ", ".join(f"(SELECT w FROM {name}_w WHERE f = {f + 1}) w{f}"
                   for f in range(r))
    zs = ", ".join(f"{s} * (random() - 0.5) z{f}"
                   for f, s in enumerate(FACTOR_SCALES))
    expr = " + ".join(f"z{f} * a{f}" for f in range(r))
    cols = ", ".join(f"a{f}" for f in range(r))
    wl = ", ".join(f"w{f}" for f in range(r))
    cur.execute(f"CREATE TABLE {name} (id int, x float8[])")
    cur.execute(f"""INSERT INTO {name}
        SELECT i, ARRAY(SELECT {expr} + {NOISE} * (random() - 0.5)
                        FROM unnest({wl}) u({cols}))
        FROM (SELECT {ws}) ws,
             LATERAL (SELECT i, {zs} FROM generate_series(1, {n}) i) z""")
    cur.execute(f"DROP TABLE {name}_w")
    cur.execute(f"VACUUM ANALYZE {name}")


def set_workers(cur, w):
    """w = 0: serial plans; w > 0: up to w workers, with parallel_setup_cost
    0 so that small (--quick) tables get parallel plans too (the default
    sizes get the same plans with the default cost)"""
    cur.execute(f"SET max_parallel_workers_per_gather = {w}")
    cur.execute("SET parallel_setup_cost = " + ("0" if w else "DEFAULT"))


def plan_shape(cur, sql):
    """'serial plan', or the workers planned and where the aggregate runs"""
    cur.execute("EXPLAIN (FORMAT JSON) " + sql)
    plan = cur.fetchone()[0]
    workers, partial = [], []

    def walk(p):
        if "Workers Planned" in p:
            workers.append(p["Workers Planned"])
        if p.get("Partial Mode") == "Partial":
            partial.append(p)
        for c in p.get("Plans", []):
            walk(c)
    walk(plan[0]["Plan"])
    if not workers:
        return "serial plan"
    where = "partial agg" if partial else "agg in leader"
    w = max(workers)
    return f"{w} worker{'' if w == 1 else 's'}, {where}"


def rows_per_process(cur, sql, n):
    """run sql (a scan of all n rows) once under EXPLAIN ANALYZE: the rows
    the leader scanned and the rows each parallel worker scanned (the
    serial-vs-parallel check means something only if workers took rows)"""
    cur.execute("EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) " + sql)
    plan = cur.fetchone()[0][0]["Plan"]
    found = []

    def walk(p):
        if p.get("Parallel Aware") and "Relation Name" in p:
            found.append(p)
        for c in p.get("Plans", []):
            walk(c)
    walk(plan)
    if not found:
        return None, []
    p = found[0]
    workers = [w["Actual Rows"] for w in p.get("Workers", [])]
    return n - sum(workers), workers


def time_query(cur, sql, reps):
    """median wall seconds over reps runs after one warm-up; last result"""
    cur.execute(sql)
    res = cur.fetchall()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        cur.execute(sql)
        res = cur.fetchall()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), res


def eigenvalues(cur, model):
    cur.execute("SELECT eigenvalue, variance_ratio FROM pca_components(%s) "
                "ORDER BY component", (psycopg2.Binary(model),))
    rows = cur.fetchall()
    return (np.array([r[0] for r in rows]), np.array([r[1] for r in rows]))


def export_text(conn, table, d):
    """COPY table (x) TO STDOUT (text format) into an n x d numpy array"""
    buf = io.BytesIO()
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY {table} (x) TO STDOUT", buf)
    # lines are {v,v,...}: drop the braces, join lines with commas
    text = buf.getvalue().translate(bytes.maketrans(b"\n", b","), b"{}")
    x = np.fromstring(text.rstrip(b","), dtype=np.float64, sep=",")
    return x.reshape(-1, d)


def export_binary(conn, table, d):
    """COPY table (x) TO STDOUT (FORMAT binary) into an n x d numpy array:
    every row of d float8 has the same length, so one structured view of
    the buffer parses it (the headers are checked)"""
    buf = io.BytesIO()
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY {table} (x) TO STDOUT (FORMAT binary)", buf)
    data = buf.getbuffer()
    assert bytes(data[:11]) == b"PGCOPY\n\xff\r\n\x00"
    ext = int.from_bytes(data[15:19], "big")
    body = data[19 + ext:len(data) - 2]          # trailer: int16 -1
    row = np.dtype([("nf", ">i2"), ("len", ">i4"), ("ndim", ">i4"),
                    ("nulls", ">i4"), ("oid", ">i4"), ("dim", ">i4"),
                    ("lb", ">i4"), ("v", [("l", ">i4"), ("f", ">f8")], (d,))])
    assert len(body) % row.itemsize == 0
    r = np.frombuffer(body, dtype=row)
    assert (r["nf"] == 1).all() and (r["ndim"] == 1).all()
    assert (r["dim"] == d).all() and (r["nulls"] == 0).all()
    assert (r["v"]["l"] == 8).all()
    return r["v"]["f"].astype(np.float64)


def sk_fit(x, k):
    mean = x.mean(axis=0)
    std = x.std(axis=0, ddof=1)
    z = (x - mean) / std
    return PCA(n_components=k, svd_solver="full").fit(z)


def max_rel(a, b):
    return float(np.max(np.abs(a - b) / np.abs(b)))


def fmt_s(v):
    return "—" if v is None else f"{v:.3f}"


def fmt_rate(n, v):
    if v is None:
        return "—"
    r = n / v
    return f"{r / 1e6:.2f} M" if r >= 1e6 else f"{r / 1e3:.0f} k"


def fmt_ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.2f}"


def bench_dataset(conn, n, d, k, ae_rows, reps, ae_reps):
    cur = conn.cursor()
    t0 = time.perf_counter()
    generate(cur, "t", n, d)
    gen_s = time.perf_counter() - t0
    size = one(cur, "SELECT pg_size_pretty(pg_table_size('t'))")
    ae_rows = min(ae_rows, n)
    cur.execute("DROP TABLE IF EXISTS t_ae")
    cur.execute("CREATE TABLE t_ae AS SELECT x FROM t WHERE id <= %s",
                (ae_rows,))
    cur.execute("VACUUM ANALYZE t_ae")
    print(f"### N = {n:,} rows x d = {d} features (table {size}; "
          f"generated in {gen_s:.1f} s), {k} components")
    print()

    popt = json.dumps({"components": k})
    aeopt = json.dumps({"hidden": [16, 8], "epochs": 5})

    # the stored model, trained serially, kept out of line (TOASTed,
    # uncompressed) so scoring reads it through a TOAST pointer
    set_workers(cur, 0)
    cur.execute("DROP TABLE IF EXISTS models")
    cur.execute("CREATE TABLE models (name text PRIMARY KEY, model bytea)")
    cur.execute("ALTER TABLE models ALTER model SET STORAGE EXTERNAL")
    cur.execute("INSERT INTO models SELECT 'pca', pca_train(x, %s) FROM t",
                (popt,))
    msize = one(cur, "SELECT octet_length(model) FROM models")
    toast = one(cur, "SELECT reltoastrelid::regclass::text FROM pg_class "
                "WHERE oid = 'models'::regclass")
    toast_chunks = one(cur, f"SELECT count(*) FROM {toast}")

    ops = [
        ("scan: count(x)", "SELECT count(x) FROM t", n),
        ("scan: sum(cardinality(x))", "SELECT sum(cardinality(x)) FROM t", n),
        (f"pca_train (components {k})",
         f"SELECT pca_train(x, '{popt}') FROM t", n),
        ("score: join with models",
         "SELECT sum(ae_anomaly_score(m, x)) FROM t, "
         "(SELECT model FROM models WHERE name = 'pca') s(m)", n),
        ("score: scalar subquery",
         "SELECT sum(ae_anomaly_score((SELECT model FROM models "
         "WHERE name = 'pca'), x)) FROM t", n),
        (f"autoencoder_train [16,8] x5 epochs ({ae_rows:,} rows)",
         f"SELECT autoencoder_train(x, '{aeopt}') FROM t_ae", ae_rows),
    ]
    res = {}
    for label, sql, rows in ops:
        res[label] = {}
        r_ = ae_reps if label.startswith("autoencoder") else reps
        for mode, w in MODES:
            set_workers(cur, w)
            planned = plan_shape(cur, sql)
            secs, out = time_query(cur, sql, r_)
            res[label][mode] = (secs, planned, out)
    set_workers(cur, 2)
    leader, workers = rows_per_process(cur, ops[2][1], n)
    set_workers(cur, 0)

    # client route: export, then standardise + sklearn PCA (the table is
    # in shared buffers already: no warm-up run)
    ex_t, exb_t, fit_t = [], [], []
    for _ in range(reps):
        x = None
        t0 = time.perf_counter()
        x = export_text(conn, "t", d)
        t1 = time.perf_counter()
        sk = sk_fit(x, k)
        t2 = time.perf_counter()
        ex_t.append(t1 - t0)
        fit_t.append(t2 - t1)
    for _ in range(reps):
        t0 = time.perf_counter()
        xb = export_binary(conn, "t", d)
        exb_t.append(time.perf_counter() - t0)
    ex_s, exb_s = statistics.median(ex_t), statistics.median(exb_t)
    fit_s = statistics.median(fit_t)
    assert x.shape == (n, d), x.shape
    assert np.array_equal(x, xb), "text and binary exports differ"
    del xb

    # correctness
    lab_pca = ops[2][0]
    m_ser = bytes(res[lab_pca]["serial"][2][0][0])
    m_par = bytes(res[lab_pca]["parallel"][2][0][0])
    ev_ser, vr_ser = eigenvalues(cur, m_ser)
    ev_par, _ = eigenvalues(cur, m_par)
    ser_par = max_rel(ev_par, ev_ser)
    sk_ev = sk.explained_variance_
    sk_vr = sk.explained_variance_ratio_
    ev_sk = max_rel(ev_ser, sk_ev)
    vr_sk = max_rel(vr_ser, sk_vr)
    sc = {m: res[ops[3][0]][m][2][0][0] for m, _ in MODES}
    sc2 = {m: res[ops[4][0]][m][2][0][0] for m, _ in MODES}
    score_rel = max(abs(sc["parallel"] - sc["serial"]) / abs(sc["serial"]),
                    abs(sc2["serial"] - sc["serial"]) / abs(sc["serial"]),
                    abs(sc2["parallel"] - sc["serial"]) / abs(sc["serial"]))

    # table
    print("| operation | serial s | parallel s | rows/s serial "
          "| rows/s parallel | parallel plan |")
    print("|---|---:|---:|---:|---:|---|")
    for label, _, rows in ops:
        s = res[label]["serial"][0]
        p, pw = res[label]["parallel"][0], res[label]["parallel"][1]
        print(f"| {label} | {fmt_s(s)} | {fmt_s(p)} | "
              f"{fmt_rate(rows, s)} | {fmt_rate(rows, p)} | {pw} |")
    print(f"| export: COPY (text) to client + parse into numpy | "
          f"{fmt_s(ex_s)} | — | {fmt_rate(n, ex_s)} | — | client |")
    print(f"| sklearn: standardise + PCA fit | {fmt_s(fit_s)} | — | "
          f"{fmt_rate(n, fit_s)} | — | client |")
    print(f"| export (text) + sklearn (total) | {fmt_s(ex_s + fit_s)} | — | "
          f"{fmt_rate(n, ex_s + fit_s)} | — | client |")
    print(f"| export: COPY (binary) to client + parse into numpy | "
          f"{fmt_s(exb_s)} | — | {fmt_rate(n, exb_s)} | — | client |")
    print(f"| export (binary) + sklearn (total) | {fmt_s(exb_s + fit_s)} | — "
          f"| {fmt_rate(n, exb_s + fit_s)} | — | client |")
    print()

    def med(label, mode):
        return res[label][mode][0]
    scan, pca = ops[0][0], ops[2][0]
    print("| ratio | serial | parallel |")
    print("|---|---:|---:|")
    for name, num in [("pca_train / scan count(x)", pca),
                      ("score (join) / scan count(x)", ops[3][0]),
                      ("score (subquery) / scan count(x)", ops[4][0])]:
        print(f"| {name} | {fmt_ratio(med(num, 'serial'), med(scan, 'serial'))}"
              f" | {fmt_ratio(med(num, 'parallel'), med(scan, 'parallel'))} |")
    print(f"| pca_train / scan sum(cardinality(x)) | "
          f"{fmt_ratio(med(pca, 'serial'), med(ops[1][0], 'serial'))} | "
          f"{fmt_ratio(med(pca, 'parallel'), med(ops[1][0], 'parallel'))} |")
    tot = ex_s + fit_s
    print(f"| (export text + sklearn) / pca_train | "
          f"{fmt_ratio(tot, med(pca, 'serial'))} | "
          f"{fmt_ratio(tot, med(pca, 'parallel'))} |")
    totb = exb_s + fit_s
    print(f"| (export binary + sklearn) / pca_train | "
          f"{fmt_ratio(totb, med(pca, 'serial'))} | "
          f"{fmt_ratio(totb, med(pca, 'parallel'))} |")
    print(f"| parallel speed-up (serial / parallel), pca_train | "
          f"{fmt_ratio(med(pca, 'serial'), med(pca, 'parallel'))} | |")
    print()
    print("checks:")
    print(f"- stored model: {msize:,} bytes, out of line in {toast_chunks} "
          f"TOAST chunks")
    print(f"- pca_train eigenvalues, parallel vs serial: max rel diff "
          f"{ser_par:.2e} (a parallel run under EXPLAIN ANALYZE: leader "
          f"scanned {leader} rows, workers {workers})")
    print(f"- pca_train vs sklearn explained_variance_ (ddof=1 "
          f"standardised): max rel diff {ev_sk:.2e}; "
          f"variance ratios: {vr_sk:.2e}")
    print(f"- sum of scores, serial/parallel x join/subquery: max rel diff "
          f"{score_rel:.2e}")
    print("- eigenvalues: " + ", ".join(f"{v:.4f}" for v in ev_ser))
    print()
    cur.execute("DROP TABLE t, t_ae, models")
    return max(ser_par, ev_sk, vr_sk, score_rel)


def machine_facts(conn):
    cur = conn.cursor()
    print("## pca_train benchmark")
    print()
    print(f"- machine: {platform.machine()}, nproc {os.cpu_count()}, "
          f"{cpu_model()}")
    print(f"- OPENBLAS_CORETYPE: {os.environ.get('OPENBLAS_CORETYPE', 'unset')}"
          f", OPENBLAS_NUM_THREADS: "
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(f"- server: {one(cur, 'SELECT version()')}")
    ext = one(cur, "SELECT extversion FROM pg_extension "
              "WHERE extname = 'autoencoder'")
    settings = ", ".join(
        f"{s} {one(cur, 'SELECT current_setting(%s)', (s,))}"
        for s in ["shared_buffers", "max_parallel_workers",
                  "autoencoder.threads", "jit", "work_mem"])
    print(f"- extension autoencoder {ext}; {settings}")
    print(f"- client: Python {platform.python_version()}, numpy "
          f"{np.__version__}, scikit-learn {sklearn.__version__}, "
          f"psycopg2 {psycopg2.__version__.split()[0]}, numpy BLAS: "
          f"{blas_threads()}")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu unknown"


def blas_threads():
    try:
        try:
            from threadpoolctl import threadpool_info
        except ImportError:     # Debian's scikit-learn vendors it
            from sklearn.utils.fixes import threadpool_info
        return ",".join(f"{i['internal_api']} {i.get('version')} "
                        f"core {i.get('architecture')}, "
                        f"{i['num_threads']} threads"
                        for i in threadpool_info()
                        if i.get("user_api") == "blas") or "?"
    except Exception:
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true",
                    help="10x smaller tables, 3 repeats")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--features", type=int, default=32)
    ap.add_argument("--rows2", type=int, default=250_000,
                    help="rows of the second data set (0: skip it)")
    ap.add_argument("--features2", type=int, default=128)
    ap.add_argument("--ae-rows", type=int, default=100_000)
    ap.add_argument("--components", type=int, default=8)
    a = ap.parse_args()
    reps = a.repeats
    if a.quick:
        a.rows //= 10
        a.rows2 //= 10
        a.ae_rows //= 10
        reps = min(reps, 3)
    ae_reps = min(reps, 3)
    conn = connect()
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS autoencoder")
    machine_facts(conn)
    print(f"- parameters: N {a.rows:,} x d {a.features}, then N "
          f"{a.rows2:,} x d {a.features2}; autoencoder_train on the first "
          f"{a.ae_rows:,} rows; repeats {reps} (autoencoder_train {ae_reps}), "
          f"medians after one warm-up run; data = rank-"
          f"{len(FACTOR_SCALES)} signal (uniform latents, scales "
          f"{FACTOR_SCALES}) + uniform noise {NOISE}, setseed(0.42); "
          f"serial = max_parallel_workers_per_gather 0, parallel = 2 "
          f"with parallel_setup_cost 0 (the plan the planner chose is "
          f"shown); times are client wall clock")
    print()
    t0 = time.perf_counter()
    worst = bench_dataset(conn, a.rows, a.features, a.components, a.ae_rows,
                          reps, ae_reps)
    if a.rows2 > 0:
        worst = max(worst, bench_dataset(conn, a.rows2, a.features2,
                                         a.components, a.ae_rows, reps,
                                         ae_reps))
    print(f"total benchmark time {time.perf_counter() - t0:.0f} s")
    if worst > 1e-9:
        print(f"CHECK FAILED: max relative difference {worst:.2e} > 1e-9")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
