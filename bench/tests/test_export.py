#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_export.py - every export validates against its owner's field rules,
and carries summary.json's own figures (results/EXPORTS.md).

    python3 test_export.py VFIO-PM-BENCH

On committed runs (and a null-suite run made here):
- metrics.csv, written by `run`, equals `export --format metrics`, and each
  row is the summary.json member it names (read here independently);
- kcidb: the rules of KCIDB's I/O schema v5.3 (kernelci/kcidb-io,
  kcidb_io/schema/v05_03.py): the properties each object may have, the
  required ones, the id/origin/path/architecture patterns, the status enum,
  a test's number {value, unit, prefix: metric|binary}, no null anywhere,
  ids unique and every build_id/checkout_id resolved; one test per figure,
  with platform and kernel in misc;
- bmf: bencher's Metric Format (bencher.dev/bmf.json): benchmark -> measure
  -> {value, lower_value, upper_value}, numbers, measure slugs of at most 64
  characters, benchmark names of at most 1024;
- lava: lava-test-case lines, names of [A-Za-z0-9_.-], one per figure;
- lkp: the '%stddev %change %stddev' table prints compare --json's medians,
  shifts and verdicts;
- JUnit XML from qualify: one testcase per rule, failures counted and named
  as in the certificate.
Exit 0 when all hold, 1 (with the reasons) when not.
"""
import csv
import glob
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
RUNS = [
    os.path.join(TOP, "results/qemu-q35-tcg-icount/20261205T095352Z-vm"),
    os.path.join(TOP, "results/qemu-q35-tcg-host/20261205T090608Z-issue20-contention-host-8r"),
    os.path.join(HERE, "fixtures/runs/qemu-q35-tcg-icount/20261125T014317Z-vm"),
]
LKP_PAIRS = [
    ("results/qemu-q35-tcg-icount/20261205T084058Z-cross-release-debian-6.1.192",
     "results/qemu-q35-tcg-icount/20261205T084058Z-cross-release-debian-6.12.117"),
    ("results/qemu-q35-tcg-icount/20261205T093728Z-vm",
     "results/qemu-q35-tcg-icount/20261205T095352Z-vm"),
]

problems = []
BIN = None


def bad(where, what):
    problems.append(f"{where}: {what}")


def run(*args, ok=(0,)):
    p = subprocess.run([BIN, *args], capture_output=True)  # bytes: CRLF kept
    if p.returncode not in ok:
        bad(" ".join(args), f"exit {p.returncode}: {p.stderr.decode().strip()[:500]}")
    return p.stdout.decode()


def close(a, b, rel=1e-9):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


# ---- the figures, read from summary.json here (metrics.h's list) ----------

def expected_figures(summary, clock):
    """(name, device, variant) -> (value, ci_lo, ci_hi, n): summary.json's."""
    out = {}
    for c in summary["cases"]:
        base = c["suite"] + "." + c["case"] + ("." + c["point"] if c.get("point") else "")
        vs = c.get("vs_reference") or {}
        for v, d in c["variants"].items():
            def put(stat, val, ci, n):
                out[(base + "." + stat, c.get("device", ""), v)] = (
                    val, ci[0] if ci else None, ci[1] if ci else None, n)
            n = d.get("n", 0) if isinstance(d.get("n"), int) else 0
            put("median", d.get("median"), d.get("median_ci95"), n)
            put("p99", d.get("p99"), None, n)
            e = d.get("entry")
            if isinstance(e, dict):
                put("entry_median", e.get("median"), e.get("median_ci95"), e.get("n", 0))
                put("entry_p99", e.get("p99"), None, e.get("n", 0))
            s = vs.get(v)
            if isinstance(s, dict) and isinstance(s.get("hl_shift"), (int, float)):
                put("shift", s["hl_shift"], s.get("hl_ci95"), n)
            r = (s or {}).get("rounds") or {}
            if isinstance(r.get("median_diff"), (int, float)):
                put("shift_rounds", r["median_diff"], r.get("ci"), r.get("n", 0))
    return out


def safe(s):
    return "".join(ch if ch.isalnum() or ch in "_-" else "-" if ch in ":." else "_" for ch in s)


def fig_id(name, device, variant):
    """metrics_id(): suite.case[.point].device.variant.stat."""
    parts = name.split(".")
    head, stat = parts[:-1], parts[-1]
    return ".".join([safe(p) for p in head] + [safe(device or "nodev"), safe(variant), safe(stat)])


def read_metrics_csv(text, where):
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    head = ["schema_version", "name", "value", "unit", "ci_lo", "ci_hi", "n", "clock",
            "variant", "device"]
    if not rows or rows[0] != head:
        bad(where, f"header {rows[:1]} is not {head}")
        return {}
    out = {}
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(head):
            bad(where, f"row {i}: {len(r)} fields")
            continue
        d = dict(zip(head, r))
        key = (d["name"], d["device"], d["variant"])
        if key in out:
            bad(where, f"row {i}: figure {key} twice")
        out[key] = d
    return out


def check_metrics(rdir, summary, clock):
    where = f"{rdir}: metrics"
    text = run("export", "--format", "metrics", rdir)
    if "\r\n" not in text:
        bad(where, "records do not end with CRLF")
    got = read_metrics_csv(text, where)
    want = expected_figures(summary, clock)
    if set(got) != set(want):
        bad(where, f"figures differ: extra {sorted(set(got) - set(want))[:3]}, "
                   f"missing {sorted(set(want) - set(got))[:3]}")
    for k, (val, lo, hi, n) in want.items():
        d = got.get(k)
        if not d:
            continue
        for col, x in (("value", val), ("ci_lo", lo), ("ci_hi", hi)):
            if x is None:
                if d[col] != "":
                    bad(where, f"{k} {col}: {d[col]!r}, summary.json has none")
            elif d[col] == "" or not close(float(d[col]), x):
                bad(where, f"{k} {col}: {d[col]!r}, summary.json has {x}")
        if int(d["n"]) != n or d["unit"] != "ns" or d["clock"] != clock:
            bad(where, f"{k}: n/unit/clock {d['n']}/{d['unit']}/{d['clock']}, want {n}/ns/{clock}")
    return want


# ---- KCIDB v5.3 ---------------------------------------------------------

ORIGIN = re.compile(r"^[a-z0-9_]+$")
ORIGIN_ID = re.compile(r"^[a-z0-9_]+:.*$")
PATH = re.compile(r"^([a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*)?$")
ARCH = re.compile(r"^[a-z0-9_]*$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
STATUS = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"}
CHECKOUT_PROPS = {"_timestamp", "id", "origin", "tree_name", "git_repository_url",
                  "git_commit_hash", "git_commit_name", "git_commit_tags", "git_commit_message",
                  "git_repository_branch", "git_repository_branch_tip", "patchset_files",
                  "patchset_hash", "message_id", "comment", "start_time",
                  "origin_builds_finish_time", "origin_tests_finish_time", "log_url",
                  "log_excerpt", "valid", "misc"}
BUILD_PROPS = {"_timestamp", "checkout_id", "id", "origin", "comment", "start_time", "duration",
               "architecture", "command", "compiler", "input_files", "output_files",
               "config_name", "config_url", "log_url", "log_excerpt", "status", "misc"}
TEST_PROPS = {"_timestamp", "build_id", "id", "origin", "environment", "path", "comment",
              "log_url", "log_excerpt", "status", "number", "start_time", "duration",
              "input_files", "output_files", "misc"}
ENV_PROPS = {"compatible", "comment", "misc"}
NUMBER_PROPS = {"value", "unit", "prefix"}


def no_null(x, where):
    if x is None:
        bad(where, "null (KCIDB: no property can be null)")
    elif isinstance(x, dict):
        for k, v in x.items():
            no_null(v, f"{where}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            no_null(v, f"{where}[{i}]")


def obj_rules(o, props, required, where):
    if not isinstance(o, dict):
        bad(where, "not an object")
        return False
    extra = set(o) - props
    if extra:
        bad(where, f"properties the schema does not allow: {sorted(extra)}")
    for k in required:
        if k not in o:
            bad(where, f"required property {k} missing")
    for k in ("id", "checkout_id", "build_id"):
        if k in o and not (isinstance(o[k], str) and ORIGIN_ID.match(o[k])):
            bad(where, f"{k} {o[k]!r} does not match ^[a-z0-9_]+:.*$")
    if "origin" in o and not (isinstance(o["origin"], str) and ORIGIN.match(o["origin"])):
        bad(where, f"origin {o['origin']!r} does not match ^[a-z0-9_]+$")
    for k in ("start_time",):
        if k in o and not DATETIME.match(str(o[k])):
            bad(where, f"{k} {o[k]!r} is not a date-time")
    if "status" in o and o["status"] not in STATUS:
        bad(where, f"status {o['status']!r} not in {sorted(STATUS)}")
    if "misc" in o and not isinstance(o["misc"], dict):
        bad(where, "misc is not an object")
    for k in ("comment", "tree_name", "config_name"):
        if k in o and (not isinstance(o[k], str) or "\0" in o[k]):
            bad(where, f"{k} is not a string without NUL")
    if "valid" in o and not isinstance(o["valid"], bool):
        bad(where, "valid is not a boolean")
    return True


def check_kcidb(rdir, summary, clock, want):
    where = f"{rdir}: kcidb"
    doc = json.loads(run("export", "--format", "kcidb", rdir))
    no_null(doc, where)
    if set(doc) - {"version", "checkouts", "builds", "tests", "issues", "incidents"}:
        bad(where, f"top-level properties {sorted(doc)}")
    ver = doc.get("version", {})
    if not (isinstance(ver, dict) and ver.get("major") == 5 and isinstance(ver.get("minor"), int)
            and 0 <= ver["minor"] <= 3 and set(ver) <= {"major", "minor"}):
        bad(where, f"version {ver}: want major 5, minor 0..3")
    ids = {}
    for kind, props, req in (("checkouts", CHECKOUT_PROPS, ("id", "origin")),
                             ("builds", BUILD_PROPS, ("checkout_id", "id", "origin")),
                             ("tests", TEST_PROPS, ("build_id", "id", "origin"))):
        ids[kind] = set()
        for i, o in enumerate(doc.get(kind, [])):
            w = f"{where}: {kind}[{i}]"
            if not obj_rules(o, props, req, w):
                continue
            if o.get("id") in ids[kind]:
                bad(w, f"id {o['id']} not unique")
            ids[kind].add(o.get("id"))
    for i, b in enumerate(doc.get("builds", [])):
        if b.get("checkout_id") not in ids["checkouts"]:
            bad(f"{where}: builds[{i}]", f"checkout_id {b.get('checkout_id')} names no checkout")
        if "architecture" in b and not ARCH.match(b["architecture"]):
            bad(f"{where}: builds[{i}]", f"architecture {b['architecture']!r}")
    got = {}
    for i, t in enumerate(doc.get("tests", [])):
        w = f"{where}: tests[{i}]"
        if t.get("build_id") not in ids["builds"]:
            bad(w, f"build_id {t.get('build_id')} names no build")
        if not (isinstance(t.get("path"), str) and PATH.match(t["path"])):
            bad(w, f"path {t.get('path')!r} does not match the schema's path pattern")
        env = t.get("environment", {})
        if not isinstance(env, dict) or set(env) - ENV_PROPS:
            bad(w, f"environment {env!r}")
        num = t.get("number")
        if num is not None:
            if (not isinstance(num, dict) or set(num) - NUMBER_PROPS
                    or not isinstance(num.get("value"), (int, float))
                    or num.get("prefix", "metric") not in ("metric", "binary")
                    or not isinstance(num.get("unit", ""), str)):
                bad(w, f"number {num!r}: want {{value, unit, prefix: metric|binary}}")
            if t.get("status") not in ("FAIL", "ERROR", "PASS", "DONE"):
                bad(w, f"a number with status {t.get('status')}: it counts only when the test ran")
        m = t.get("misc", {})
        for k in ("platform", "kernel", "clock", "variant", "device", "figure"):
            if k not in m:
                bad(w, f"misc has no {k}")
        key = (m.get("figure"), m.get("device"), m.get("variant"))
        if key in got:
            bad(w, f"figure {key} in two tests")
        got[key] = t
        if m.get("platform") != summary.get("platform") or m.get("clock") != clock:
            bad(w, f"misc platform/clock {m.get('platform')}/{m.get('clock')}")
        if t.get("id", "").rsplit("/", 1)[-1] != fig_id(*key):
            bad(w, f"id {t.get('id')} does not end with the figure's id {fig_id(*key)}")
    if set(got) != set(want):
        bad(where, f"tests are not one per figure: extra {sorted(set(got) - set(want))[:3]}, "
                   f"missing {sorted(set(want) - set(got))[:3]}")
    for k, (val, lo, hi, n) in want.items():
        t = got.get(k)
        if not t:
            continue
        if val is None:
            if "number" in t or t.get("status") != "SKIP":
                bad(where, f"{k}: no value in summary.json, yet status {t.get('status')}")
            continue
        num = t.get("number", {})
        if t.get("status") != "DONE" or num.get("unit") != "s" or num.get("prefix") != "metric":
            bad(where, f"{k}: status {t.get('status')}, number {num}")
        elif not close(num["value"] * 1e9, val, 1e-12):
            bad(where, f"{k}: number {num['value']} s, summary.json has {val} ns")
    return doc


# ---- bencher BMF ----------------------------------------------------------

def check_bmf(rdir, want):
    where = f"{rdir}: bmf"
    doc = json.loads(run("export", "--format", "bmf", rdir))
    if not isinstance(doc, dict):
        bad(where, "not an object")
        return
    seen = 0
    for bench, measures in doc.items():
        if not bench or len(bench) > 1024:
            bad(where, f"benchmark name {bench!r}: 1 to 1024 characters")
        if not isinstance(measures, dict) or not measures:
            bad(where, f"{bench}: not an object of measures")
            continue
        plat, case, dev, var = bench.split("/")
        for meas, met in measures.items():
            seen += 1
            if not meas or len(meas) > 64:
                bad(where, f"{bench} measure {meas!r}: 1 to 64 characters")
            if (not isinstance(met, dict) or set(met) - {"value", "lower_value", "upper_value"}
                    or not all(isinstance(x, (int, float)) and math.isfinite(x)
                               for x in met.values()) or "value" not in met):
                bad(where, f"{bench} {meas}: {met!r} is not a BMF metric")
                continue
            if ("lower_value" in met) != ("upper_value" in met) or (
                    "lower_value" in met and met["lower_value"] > met["upper_value"]):
                bad(where, f"{bench} {meas}: lower/upper {met}")
            stat = meas[:-3] if meas.endswith("-ns") else meas
            k = (case + "." + stat, "" if dev == "-" else dev, var)
            val, lo, hi, n = want.get(k, (None,) * 4)
            if val is None or not close(met["value"], val):
                bad(where, f"{bench} {meas}: {met['value']}, summary.json has {val}")
            if lo is not None and ("lower_value" not in met or not close(met["lower_value"], lo)
                                   or not close(met["upper_value"], hi)):
                bad(where, f"{bench} {meas}: CI {met}, summary.json has [{lo}, {hi}]")
    nvalues = sum(1 for v in want.values() if v[0] is not None)
    if seen != nvalues:
        bad(where, f"{seen} metrics, summary.json has {nvalues} figures with a value")


# ---- LAVA -----------------------------------------------------------------

LAVA_LINE = re.compile(r"^lava-test-case ([A-Za-z0-9_.-]+) --result (pass|fail)"
                       r"(?: --measurement (-?[0-9.eE+-]+) --units ns)?$")


def check_lava(rdir, want, complete):
    where = f"{rdir}: lava"
    names = set()
    byid = {fig_id(*k): v for k, v in want.items()}
    for line in run("export", "--format", "lava", rdir).splitlines():
        m = LAVA_LINE.match(line)
        if not m:
            bad(where, f"not a lava-test-case line: {line!r}")
            continue
        name, result, meas = m.groups()
        if name in names:
            bad(where, f"{name} twice")
        names.add(name)
        if name == "run-status":
            if (result == "pass") != complete:
                bad(where, f"run-status {result}, run complete: {complete}")
            continue
        val = byid.get(name, (None,))[0]
        if name not in byid:
            bad(where, f"{name}: no such figure")
        elif (val is None) != (meas is None) or (val is not None and not close(float(meas), val)):
            bad(where, f"{name}: measurement {meas}, summary.json has {val}")
        elif result != ("pass" if complete and val is not None else "fail"):
            bad(where, f"{name}: {result}")
    if len(names) != len(want) + 1:
        bad(where, f"{len(names)} cases for {len(want)} figures and the run's status")


# ---- LKP ------------------------------------------------------------------

LKP_ROW = re.compile(r"^\s*(\S+)( ±\s*\d+%|\s{6})\s+(\S*)\s+(\S+)( ±\s*\d+%|\s{6})\s\s(\S+)\s\s(.*)$")


def check_lkp(base, new):
    base, new = os.path.join(TOP, base), os.path.join(TOP, new)
    where = f"lkp {os.path.basename(base)} {os.path.basename(new)}"
    res = json.loads(run("compare", "--json", "--cross-platform", base, new, ok=(0, 1)))
    text = run("export", "--format", "lkp", "--cross-platform", base, new)
    if "         %stddev     %change         %stddev" not in text:
        bad(where, "no '%stddev %change %stddev' header")
    rows = [LKP_ROW.match(line) for line in text.splitlines()
            if ".median_" in line]
    if len(rows) != len(res["cases"]) or not all(rows):
        bad(where, f"{len(rows)} rows ({sum(1 for r in rows if not r)} unreadable) for "
                   f"{len(res['cases'])} cases of compare")
        return
    for m, c in zip(rows, res["cases"]):
        bmed, _, chg, nmed, _, name, tail = m.groups()
        div = 1e6 if c["suite"] == "d3cold" else 1.0
        fig = c["rounds"] if c.get("basis") == "rounds" else c
        if "base_median" in c and not close(float(bmed), c["base_median"] / div, 1e-9):
            bad(where, f"{name}: base {bmed}, compare {c['base_median'] / div}")
        if "new_median" in c and not close(float(nmed), c["new_median"] / div, 1e-9):
            bad(where, f"{name}: new {nmed}, compare {c['new_median'] / div}")
        if "shift_pct" in fig and chg != f"{fig['shift_pct']:+.2f}%":
            bad(where, f"{name}: %change {chg}, compare {fig['shift_pct']:+.2f}%")
        if not tail.endswith(c["verdict"]):
            bad(where, f"{name}: verdict {tail!r}, compare {c['verdict']}")
        if not name.startswith(f"{c['suite']}.{c['case']}."):
            bad(where, f"row {name} is not case {c['suite']}.{c['case']}")


# ---- JUnit ----------------------------------------------------------------

def check_junit(rdir, tmp):
    where = f"{rdir}: junit"
    copy = os.path.join(tmp, "junit-run")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(rdir, copy, ignore=shutil.ignore_patterns("report", "qualify"))
    spec = os.path.join(TOP, "results/qualify-example.spec")
    xml = os.path.join(tmp, "q.xml")
    run("qualify", "--spec", spec, "--junit", xml, copy, ok=(0, 1))
    cert = glob.glob(os.path.join(copy, "qualify", "*.json"))
    if not os.path.exists(xml) or len(cert) != 1:
        bad(where, "no JUnit file or no certificate")
        return
    rules = json.load(open(cert[0]))["rules"]
    nrules = sum(1 for line in open(spec)
                 if line.strip() and not line.lstrip().startswith("#"))
    root = ET.parse(xml).getroot()
    if root.tag != "testsuites":
        bad(where, f"root <{root.tag}>, want <testsuites>")
    suites = root.findall("testsuite")
    if len(suites) != 1:
        bad(where, f"{len(suites)} testsuites")
        return
    ts = suites[0]
    cases = ts.findall("testcase")
    fails = [c for c in cases if c.find("failure") is not None]
    if not (len(cases) == len(rules) == nrules):
        bad(where, f"{len(cases)} testcases, {len(rules)} rules in the certificate, "
                   f"{nrules} in the spec")
    for el in (root, ts):
        if el.get("tests") != str(len(cases)) or el.get("failures") != str(len(fails)):
            bad(where, f"<{el.tag}> tests/failures {el.get('tests')}/{el.get('failures')}, "
                       f"counted {len(cases)}/{len(fails)}")
    if not ts.get("name"):
        bad(where, "testsuite without a name")
    names = [c.get("name") for c in cases]
    if len(set(names)) != len(names) or not all(c.get("classname") for c in cases):
        bad(where, "testcase names not unique, or a testcase without classname")
    for c, r in zip(cases, rules):
        if c.get("name") != f"{r['line']}: {r['text']}":
            bad(where, f"testcase {c.get('name')!r} is not rule {r['line']}: {r['text']}")
        f = c.find("failure")
        if (f is None) != bool(r["pass"]):
            bad(where, f"{c.get('name')}: failure {f is not None}, rule pass {r['pass']}")
        if f is not None and not f.get("message"):
            bad(where, f"{c.get('name')}: failure without a message")


# ---- report results/: one page of every platform --------------------------

def check_fleet(tmp):
    """Two platforms: the page has each one's shifts and D3cold exits, as metrics."""
    fleet = os.path.join(tmp, "fleet")
    for plat, rdir in (("plat-a", RUNS[0]), ("plat-b", RUNS[2])):
        shutil.copytree(rdir, os.path.join(fleet, plat, os.path.basename(rdir)),
                        ignore=shutil.ignore_patterns("report", "qualify"))
    out = run("report", fleet).strip()
    where = f"report {fleet}"
    if not out.endswith("report/index.html") or not os.path.exists(out):
        bad(where, f"printed {out!r}, no page")
        return
    html = open(out).read()
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", html)]
    for plat, rdir in (("plat-a", RUNS[0]), ("plat-b", RUNS[2])):
        summary = json.load(open(os.path.join(rdir, "summary.json")))
        want = expected_figures(summary, "")
        shifts = {(k[1], k[2]) for k in want if k[0] == "ioctl.get-info.shift"}
        exits = {(k[1], k[2]) for k in want if k[0] == "d3cold.exit.median"}
        got_s = {(r[2], r[3]) for r in rows if len(r) == 7 and r[0] == plat and "[" in r[5]}
        got_e = {(r[2], r[3]) for r in rows if len(r) == 7 and r[0] == plat and "[" not in r[5]}
        if shifts != got_s:
            bad(where, f"{plat}: wrapper cost rows {sorted(got_s)[:3]}, want {sorted(shifts)[:3]}")
        if exits != got_e:
            bad(where, f"{plat}: D3cold rows {sorted(got_e)[:3]}, want {sorted(exits)[:3]}")
    if "Qualification status" not in html or html.count("not qualified") != 2:
        bad(where, "no qualification status of each platform")
    p = subprocess.run([BIN, "report", fleet, "--run", "x"], capture_output=True)
    if p.returncode != 2:
        bad(where, f"--run with a fleet: exit {p.returncode}, want 2")


def main():
    global BIN
    BIN = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="vpb-export-")
    try:
        # a run made here: its metrics.csv is the export's
        out = run("run", "--suite", "null", "--samples", "40", "--rounds", "1", "--warmup",
                  "1ms", "--results", tmp, "--quiet", "--run-id", "export-null").strip()
        made = glob.glob(os.path.join(tmp, "*", "export-null"))
        runs = RUNS + made
        if not made:
            bad("run --suite null", f"no run directory ({out!r})")
        for rdir in runs:
            summary = json.load(open(os.path.join(rdir, "summary.json")))
            runj = json.load(open(os.path.join(rdir, "run.json")))
            clock = runj.get("clock", {}).get("label", "")
            want = check_metrics(rdir, summary, clock)
            if rdir in made:
                stored = open(os.path.join(rdir, "metrics.csv"), newline="").read()
                if stored != run("export", "--format", "metrics", rdir):
                    bad(rdir, "metrics.csv written by run differs from export --format metrics")
            check_kcidb(rdir, summary, clock, want)
            check_bmf(rdir, want)
            check_lava(rdir, want, runj.get("status") == "complete")
        # the KCIDB file recorded under results/ is what export writes today
        rec = os.path.join(TOP, "results/kcidb/qemu-q35-tcg-icount-20261205T095352Z-vm.json")
        if open(rec).read() != run("export", "--format", "kcidb", RUNS[0]):
            bad(rec, "differs from `export --format kcidb` of its run: write it again with "
                     "vfio-pm-bench export --format kcidb RUN -o FILE")
        check_junit(RUNS[0], tmp)
        for b, n in LKP_PAIRS:
            check_lkp(b, n)
        check_fleet(tmp)
        # usage errors are exit 2
        for args in (["export", RUNS[0]], ["export", "--format", "nope", RUNS[0]],
                     ["export", "--format", "kcidb", "--origin", "Bad-Origin", RUNS[0]],
                     ["export", "--format", "lkp", RUNS[0]],
                     ["export", "--format", "kcidb", os.path.join(tmp, "none")]):
            p = subprocess.run([BIN, *args], capture_output=True, text=True)
            if p.returncode != 2 or not p.stderr.strip():
                bad(" ".join(args[:3]), f"exit {p.returncode} (want 2 and a message)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for p in problems[:60]:
        print("FAIL:", p)
    print(f"{1 if not problems else 0} passed, {1 if problems else 0} failed"
          f" ({len(problems)} problems)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
