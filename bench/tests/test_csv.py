#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_csv.py - every per-case file of a run reads with Python's csv module.

    python3 test_csv.py VFIO-PM-BENCH

Runs the null suite with --keep-samples into a scratch directory and reads
each <stem>.csv, <stem>.values.csv and <stem>.hist.csv of the run, and of
the fixture run written in schema 2, as RFC 4180 (results/README.md): a
header row whose first column is schema_version, CRLF record ends, every row
as wide as the header, schema_version 2 in every row, and the columns of the
format with values of their type. The run's exact values are those its
summary.json counts and summarises: per variant, as many valid samples and
the same median (type 7, computed here independently), to the bit. Exit 0
when all hold, 1 (with the reasons) when not.
"""
import csv
import json
import glob
import os
import shutil
import subprocess
import sys
import tempfile

SCHEMA = "2"
SAMPLES = ["schema_version", "variant", "round", "seq", "value_ns", "valid", "state"]
HIST = ["schema_version", "variant", "lo_ns", "hi_ns", "count"]
VALUES = ["schema_version", "variant", "round", "value_ns", "count"]
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = [os.path.join(HERE, "fixtures/runs/qemu-q35-tcg-icount/20261125T014317Z-vm"),
            os.path.join(HERE, "fixtures/runs/qemu-q35-tcg-icount-exact/20261205T102529Z-vm")]

problems = []


def bad(path, line, what):
    problems.append(f"{path}:{line}: {what}")


def check_file(path):
    """Read @path as RFC 4180; Return: the number of data rows."""
    raw = open(path, "rb").read()
    if not raw.endswith(b"\r\n") or raw.replace(b"\r\n", b"").count(b"\n"):
        bad(path, 0, "records do not all end with CRLF")
    with open(path, newline="") as f:
        rows = list(csv.reader(f, strict=True))
    if not rows:
        bad(path, 1, "empty: no header row")
        return 0
    header, data = rows[0], rows[1:]
    last = (None, None)
    hist = path.endswith(".hist.csv") or path.endswith(".values.csv")
    need = (VALUES if path.endswith(".values.csv") else HIST) if hist else SAMPLES + ["why"]
    if header[: len(need) - (0 if hist else 1)] != need[: len(need) - (0 if hist else 1)]:
        bad(path, 1, f"header {header} does not start with {need}")
    if not hist and header[-1] != "why":
        bad(path, 1, f"header {header} does not end with why")
    for i, row in enumerate(data, start=2):
        if len(row) != len(header):
            bad(path, i, f"{len(row)} fields, the header has {len(header)}")
            continue
        r = dict(zip(header, row))
        if r["schema_version"] != SCHEMA:
            bad(path, i, f"schema_version {r['schema_version']!r}, not {SCHEMA}")
        try:
            if need is VALUES:
                key = (r["variant"], int(r["round"]))
                v, n = float(r["value_ns"]), int(r["count"])
                if key[1] < 1 or n < 1:
                    bad(path, i, f"round {key[1]} count {n}")
                if i > 2 and key == last[0] and v <= last[1]:
                    bad(path, i, f"value {v} not above the row before's {last[1]}")
                last = (key, v)
            elif hist:
                lo, hi, n = float(r["lo_ns"]), float(r["hi_ns"]), int(r["count"])
                if not 0 <= lo <= hi or n < 1:
                    bad(path, i, f"bucket {lo}..{hi} count {n}")
            else:
                int(r["round"]), int(r["seq"]), float(r["value_ns"])
                if r["valid"] not in ("0", "1"):
                    bad(path, i, f"valid {r['valid']!r}")
                if r["valid"] == "1" and r["why"]:
                    bad(path, i, f"a valid sample with why {r['why']!r}")
                for x in header[len(SAMPLES) : -1]:  # extra columns: a number or empty
                    if r[x]:
                        float(r[x])
        except ValueError as e:
            bad(path, i, str(e))
    return len(data)


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="vpb-csv-")
    try:
        p = subprocess.run(
            [binary, "run", "--suite", "null", "-n", "50", "--warmup", "1ms", "--rounds", "2",
             "--keep-samples", "--results", tmp, "--run-id", "csv", "--quiet"],
            capture_output=True, text=True)
        if p.returncode:
            print(f"run failed ({p.returncode}): {p.stderr}")
            return 1
        runs = glob.glob(os.path.join(tmp, "*", "csv"))
        files = sorted(glob.glob(os.path.join(runs[0], "*.csv"))) if runs else []
        # metrics.csv is the run's figures, not a case's file: test_export.py
        # reads it (RFC 4180, summary.json's values)
        files = [f for f in files if os.path.basename(f) != "metrics.csv"]
        names = {os.path.basename(f) for f in files}
        for need in ["null.empty.csv", "null.empty.hist.csv", "null.empty.values.csv",
                     "null.getppid.csv", "null.getppid.hist.csv", "null.getppid.values.csv"]:
            if need not in names:
                problems.append(f"{need}: not written by the run")
        for fx in FIXTURES:
            files += sorted(glob.glob(os.path.join(fx, "*.csv")))
        total = 0
        for f in files:
            total += check_file(f)
        # The run's samples are what its summary counts.
        summary = json.load(open(os.path.join(runs[0], "summary.json"))) if runs else {}
        for c in summary.get("cases", []):
            path = os.path.join(runs[0], f"{c['suite']}.{c['case']}.csv")
            with open(path, newline="") as f:
                rows = list(csv.DictReader(f))
            with open(path.replace(".csv", ".values.csv"), newline="") as f:
                vals = list(csv.DictReader(f))
            for v, d in c["variants"].items():
                n = sum(1 for r in rows if r["variant"] == v)
                if n != d["total"]:
                    problems.append(f"{path}: {n} rows of {v}, summary.json says {d['total']}")
                x = sorted(float(r["value_ns"]) for r in vals if r["variant"] == v
                           for _ in range(int(r["count"])))
                if len(x) != d["valid"]:
                    problems.append(f"{path}: {len(x)} exact values of {v}, "
                                    f"summary.json counts {d['valid']} valid")
                elif x:
                    h = (len(x) - 1) * 0.5  # type 7
                    med = x[int(h)] + (h - int(h)) * (x[min(int(h) + 1, len(x) - 1)] - x[int(h)])
                    if med != d["median"]:
                        problems.append(f"{path}: median of the exact values of {v} {med!r}, "
                                        f"summary.json {d['median']!r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for p in problems:
        print("FAIL:", p)
    print(f"{len(files)} files, {total} rows read; {len(problems)} problems")
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
