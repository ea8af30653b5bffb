#!/usr/bin/python3
"""Benchmark every per-row workload of the extension against a floor: a C
aggregate that only reads every element of the same arrays (the
ae_bench_floor extension in test/bench/floor/).

Runs against the server the libpq environment names (PGHOST, PGPORT, ...;
bench_scan.sh starts a throwaway cluster with pg_virtualenv, or uses yours).
Loads N rows x d features as real[] (a rank-6 signal plus noise, numpy seed
42, sent with binary COPY), trains the models scoring needs (PCA with K
components, an autoencoder d-16-8), stores them in a table with STORAGE
EXTERNAL (so a model reaches scoring through a TOAST pointer) and also
passes the same bytes as a constant in the query (inline), then runs R rounds; each round
runs the floor and every workload once, in turn, so that the noise of a
shared machine hits them alike.  It prints, per workload, the median
seconds and the median over rounds of (workload / floor of the same round).
Then: pca_train on a wide table (GFLOP/s of the covariance update, n d^2 per
run), the speed-up of 2 parallel workers, and autoencoder_train's time and
peak backend memory (VmHWM of a fresh backend, read from /proc, minus the
same backend's VmHWM after a scan of the table) against the float4 size of
the rows plus the model.  Nothing is hard-coded: every figure printed is
measured in this run; read ratios, not seconds.

usage: bench_scan.py [--quick] [--repeats R] [--rows N] [--features D]
                     [--wide-rows N] [--wide-features D] [--components K]
"""

import argparse
import io
import os
import statistics
import struct
import sys
import time

import numpy as np
import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_pca import cpu_model, one  # noqa: E402

FACTOR_SCALES = [4.0, 3.0, 2.0, 1.5, 1.0, 0.7]
NOISE = 0.5


def connect():
    conn = psycopg2.connect("")
    conn.autocommit = True
    return conn


def make_rows(n, d, seed):
    """n x d float32: rank-6 uniform latent signal plus uniform noise"""
    rng = np.random.default_rng(seed)
    w = rng.uniform(-1, 1, size=(len(FACTOR_SCALES), d))
    z = rng.uniform(-0.5, 0.5, size=(n, len(FACTOR_SCALES))) * FACTOR_SCALES
    x = z @ w + NOISE * rng.uniform(-0.5, 0.5, size=(n, d))
    return x.astype(np.float32)


def load_table(conn, name, x):
    """CREATE TABLE name (id int, x real[]) from x with binary COPY"""
    n, d = x.shape
    cur = conn.cursor()
    cur.execute(f"DROP TABLE IF EXISTS {name}")
    cur.execute(f"CREATE TABLE {name} (id int, x real[])")
    row = np.dtype([("nf", ">i2"), ("il", ">i4"), ("id", ">i4"),
                    ("len", ">i4"), ("ndim", ">i4"), ("nulls", ">i4"),
                    ("oid", ">i4"), ("dim", ">i4"), ("lb", ">i4"),
                    ("v", [("l", ">i4"), ("f", ">f4")], (d,))])
    chunk = 100_000
    for s in range(0, n, chunk):
        part = x[s:s + chunk]
        r = np.zeros(len(part), dtype=row)
        r["nf"], r["il"], r["id"] = 2, 4, np.arange(s + 1, s + len(part) + 1)
        r["len"] = 20 + 8 * d
        r["ndim"], r["nulls"], r["oid"], r["dim"], r["lb"] = 1, 0, 700, d, 1
        r["v"]["l"] = 4
        r["v"]["f"] = part
        buf = io.BytesIO()
        buf.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
        buf.write(r.tobytes())
        buf.write(struct.pack(">h", -1))
        buf.seek(0)
        cur.copy_expert(f"COPY {name} FROM STDIN (FORMAT binary)", buf)
    cur.execute(f"VACUUM ANALYZE {name}")


def timed(cur, sql):
    t0 = time.perf_counter()
    cur.execute(sql)
    cur.fetchall()
    return time.perf_counter() - t0


def set_workers(cur, w):
    cur.execute(f"SET max_parallel_workers_per_gather = {w}")
    cur.execute("SET parallel_setup_cost = " + ("0" if w else "DEFAULT"))
    cur.execute("SET parallel_tuple_cost = " + ("0" if w else "DEFAULT"))


def rounds(cur, ops, reps):
    """ops: [(label, sql)], the first being the floor.  One warm-up round,
    then reps rounds of every op in turn; returns {label: (median seconds,
    median of per-round ratio to the floor)}"""
    for _, sql in ops:
        timed(cur, sql)
    secs = {label: [] for label, _ in ops}
    ratios = {label: [] for label, _ in ops}
    for _ in range(reps):
        t = {label: timed(cur, sql) for label, sql in ops}
        for label, _ in ops:
            secs[label].append(t[label])
            ratios[label].append(t[label] / t[ops[0][0]])
    return {label: (statistics.median(secs[label]),
                    statistics.median(ratios[label])) for label, _ in ops}


def vm_hwm_kb(pid):
    """peak resident set of a backend in kB, or None when it is not local"""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def describe(conn, a, reps):
    cur = conn.cursor()
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1048576:.1f} GiB RAM"
    except OSError:
        pass
    flags = set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    simd = ", ".join(f for f in ["sse4_2", "avx", "avx2", "fma", "avx512f"]
                     if f in flags)
    print("## Scan benchmark: workloads against the floor")
    print()
    print(f"- machine: {os.uname().machine}, nproc {os.cpu_count()}, "
          f"{cpu_model()} ({simd}), {mem}; shared with other work, so read "
          "the ratios (each round times the floor and every workload in "
          "turn), not the seconds")
    print(f"- server: {one(cur, 'SELECT version()')}")
    ext = one(cur, "SELECT extversion FROM pg_extension "
              "WHERE extname = 'autoencoder'")
    settings = ", ".join(
        f"{s} {one(cur, 'SELECT current_setting(%s, true)', (s,))}"
        for s in ["shared_buffers", "autoencoder.threads", "jit", "work_mem"])
    print(f"- extension autoencoder {ext}; {settings}; OPENBLAS_CORETYPE "
          f"{os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    print(f"- {a.rows:,} rows x real[{a.features}]; wide: {a.wide_rows:,} "
          f"rows x real[{a.wide_features}]; {reps} rounds after one warm-up "
          "round; medians; serial unless stated")
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true",
                    help="10x fewer rows, 3 rounds")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--features", type=int, default=32)
    ap.add_argument("--wide-rows", type=int, default=100_000)
    ap.add_argument("--wide-features", type=int, default=512)
    ap.add_argument("--components", type=int, default=8)
    ap.add_argument("--only", default="serial,parallel,wide,train",
                    help="comma-separated sections to run (default all): "
                    "serial, parallel, wide, train")
    a = ap.parse_args()
    only = set(a.only.split(","))
    reps = a.repeats
    if a.quick:
        a.rows //= 10
        a.wide_rows //= 10
        reps = min(reps, 3)
    n, d, k = a.rows, a.features, a.components
    conn = connect()
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS autoencoder")
    cur.execute("CREATE EXTENSION IF NOT EXISTS ae_bench_floor")
    cur.execute("LOAD 'autoencoder'")
    describe(conn, a, reps)
    set_workers(cur, 0)

    t0 = time.perf_counter()
    load_table(conn, "bench_t", make_rows(n, d, 42))
    size = one(cur, "SELECT pg_size_pretty(pg_table_size('bench_t'))")
    print(f"loaded bench_t ({size}) in {time.perf_counter() - t0:.1f} s")

    # models, stored out of line (STORAGE EXTERNAL: scoring reads them
    # through a TOAST pointer); the inline variants pass the same bytes as
    # a bytea constant in the query
    cur.execute("DROP TABLE IF EXISTS bench_m_toast")
    cur.execute("CREATE TABLE bench_m_toast (name text PRIMARY KEY, m bytea)")
    cur.execute("ALTER TABLE bench_m_toast ALTER m SET STORAGE EXTERNAL")
    cur.execute("INSERT INTO bench_m_toast SELECT 'pca', pca_train(x, %s) "
                "FROM bench_t", ('{"components": %d}' % k,))
    cur.execute("INSERT INTO bench_m_toast SELECT 'ae', autoencoder_train(x, "
                "'{\"hidden\": [16, 8], \"epochs\": 2, \"seed\": 1}') "
                "FROM bench_t WHERE id <= 20000")
    cur.execute("SELECT name, octet_length(m) FROM bench_m_toast")
    sizes = dict(cur.fetchall())
    toast = one(cur, "SELECT pg_relation_size(reltoastrelid) FROM pg_class "
                "WHERE oid = 'bench_m_toast'::regclass")
    print(f"models: PCA {sizes['pca']:,} bytes, autoencoder {d}-16-8 "
          f"{sizes['ae']:,} bytes; TOAST table of the EXTERNAL copy: "
          f"{toast:,} bytes")
    print()

    def m(tab, name):
        return f"(SELECT m FROM {tab} WHERE name = '{name}')"
    mt_p, mt_a = m("bench_m_toast", "pca"), m("bench_m_toast", "ae")
    cur.execute("SELECT name, encode(m, 'hex') FROM bench_m_toast")
    lit = {name: f"'\\x{h}'::bytea" for name, h in cur.fetchall()}
    mi_p, mi_a = lit["pca"], lit["ae"]
    ops = [
        ("floor: bench_floor(x)", "SELECT bench_floor(x) FROM bench_t"),
        ("floor per row: sum(bench_floor_row(x))",
         "SELECT sum(bench_floor_row(x)) FROM bench_t"),
        (f"pca_train(x, components {k})",
         f"SELECT pca_train(x, '{{\"components\": {k}}}') FROM bench_t"),
        ("PCA ae_anomaly_score, TOASTed model",
         f"SELECT sum(ae_anomaly_score({mt_p}, x)) FROM bench_t"),
        ("PCA ae_anomaly_score, inline model",
         f"SELECT sum(ae_anomaly_score({mi_p}, x)) FROM bench_t"),
        ("PCA ae_encode", f"SELECT count(ae_encode({mt_p}, x)) FROM bench_t"),
        ("PCA ae_reconstruct",
         f"SELECT count(ae_reconstruct({mt_p}, x)) FROM bench_t"),
        (f"autoencoder {d}-16-8 ae_anomaly_score, TOASTed model",
         f"SELECT sum(ae_anomaly_score({mt_a}, x)) FROM bench_t"),
        (f"autoencoder {d}-16-8 ae_anomaly_score, inline model",
         f"SELECT sum(ae_anomaly_score({mi_a}, x)) FROM bench_t"),
        ("autoencoder ae_encode",
         f"SELECT count(ae_encode({mt_a}, x)) FROM bench_t"),
        ("autoencoder ae_reconstruct",
         f"SELECT count(ae_reconstruct({mt_a}, x)) FROM bench_t"),
    ]
    par = [ops[0], ops[2], ops[3], ops[7]]
    if "serial" in only:
        res = rounds(cur, ops, reps)
        print(f"### {n:,} rows x real[{d}], serial")
        print()
        print("| workload | median s | × floor (median of rounds) |")
        print("|---|---:|---:|")
        for label, _ in ops:
            s, r = res[label]
            print(f"| {label} | {s:.3f} | {r:.2f} |")
        print()
    elif "parallel" in only:
        res = rounds(cur, par, reps)

    # parallel speed-up: the same queries with 2 workers, in rounds
    if "parallel" in only:
        parallel_section(cur, par, res, reps)
    if "wide" in only:
        wide_section(conn, cur, a, k, reps)
    if "train" in only:
        train_section(cur, n, d, sizes, reps)
    cur.execute("DROP TABLE bench_t, bench_m_toast")
    return 0


def parallel_section(cur, par, res, reps):
    """the serial queries again with 2 workers; speed-ups against serial"""
    set_workers(cur, 2)
    pres = rounds(cur, par, reps)
    set_workers(cur, 0)
    print("### 2 parallel workers (parallel_setup_cost 0)")
    print()
    print("| workload | median s | × floor (parallel) | speed-up vs serial |")
    print("|---|---:|---:|---:|")
    for label, _ in par:
        print(f"| {label} | {pres[label][0]:.3f} | {pres[label][1]:.2f} | "
              f"{res[label][0] / pres[label][0]:.2f} |")
    print()


def wide_section(conn, cur, a, k, reps):
    """wide pca_train: GFLOP/s of the covariance update"""
    wn, wd = a.wide_rows, a.wide_features
    load_table(conn, "bench_w", make_rows(wn, wd, 43))
    wops = [("floor: bench_floor(x)", "SELECT bench_floor(x) FROM bench_w"),
            (f"pca_train(x, components {k})",
             f"SELECT pca_train(x, '{{\"components\": {k}}}') FROM bench_w")]
    wres = rounds(cur, wops, reps)
    ws, wr = wres[wops[1][0]]
    print(f"### {wn:,} rows x real[{wd}], serial")
    print()
    print("| workload | median s | × floor | GFLOP/s (n d² / s) |")
    print("|---|---:|---:|---:|")
    print(f"| {wops[0][0]} | {wres[wops[0][0]][0]:.3f} | 1.00 | |")
    print(f"| {wops[1][0]} | {ws:.3f} | {wr:.2f} | "
          f"{wn * wd * wd / ws / 1e9:.1f} |")
    print()
    cur.execute("DROP TABLE bench_w")


def train_section(cur, n, d, sizes, reps):
    """autoencoder_train: time and peak memory of a fresh backend"""
    opts = '{"hidden": [16, 8], "epochs": 1, "seed": 1}'
    ae_secs, extra = [], []
    for _ in range(max(1, min(reps, 3))):
        c2 = connect()
        k2 = c2.cursor()
        set_workers(k2, 0)
        pid = one(k2, "SELECT pg_backend_pid()")
        f0 = timed(k2, "SELECT bench_floor(x) FROM bench_t")
        base = vm_hwm_kb(pid)
        ts = timed(k2, f"SELECT autoencoder_train(x, '{opts}') FROM bench_t")
        peak = vm_hwm_kb(pid)
        ae_secs.append(ts / f0)
        if base is not None and peak is not None:
            extra.append((peak - base) * 1024)
        c2.close()
    raw = n * d * 4 + sizes["ae"]
    print(f"### autoencoder_train(x, '{opts}'), {n:,} rows")
    print()
    print(f"- time: {statistics.median(ae_secs):.2f} × floor (median of "
          f"{len(ae_secs)} fresh backends)")
    if extra:
        e = statistics.median(extra)
        print(f"- peak backend memory above a scan: {e / 2**20:.1f} MiB = "
              f"{e / raw:.2f} × the float4 rows plus the model "
              f"({raw / 2**20:.1f} MiB)")
    else:
        print("- peak backend memory: not measured (the server is not on "
              "this machine)")
    # ae_fit streams: its memory is bounded by its shuffle buffer, not by n
    fit = []
    for _ in range(max(1, min(reps, 3))):
        c2 = connect()
        k2 = c2.cursor()
        pid = one(k2, "SELECT pg_backend_pid()")
        timed(k2, "SELECT bench_floor(x) FROM bench_t")
        base = vm_hwm_kb(pid)
        timed(k2, "SELECT count(*) FROM ae_fit('SELECT x FROM bench_t', "
              f"'{opts}')")
        peak = vm_hwm_kb(pid)
        if base is not None and peak is not None:
            fit.append((peak - base) * 1024)
        c2.close()
    if fit:
        buf = min(65536, n) * d * 4
        print(f"- ae_fit, same options: peak backend memory above a scan "
              f"{statistics.median(fit) / 2**20:.1f} MiB; its shuffle buffer "
              f"(65,536 rows by default) is {buf / 2**20:.1f} MiB")


if __name__ == "__main__":
    sys.exit(main())
