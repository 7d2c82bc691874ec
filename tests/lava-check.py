#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""lava-check.py - the figures a real lava-run collected equal summary.json's.

    lava-check.py LAVA-RUN-STDOUT MIN-FIGURES

Reads lava-run's stdout (one YAML record per line), takes the test cases of
the vfio-pm-bench definition (records with lvl "results" whose definition
ends with "_vfio-pm-bench") and the run's summary.json, which the definition
printed on the console base64-encoded between VPB-SUMMARY-BEGIN and
VPB-SUMMARY-END. From summary.json alone it names every figure (results/
EXPORTS.md: <suite>.<case>[.<point>].<device>.<variant>.<stat>, stat one of
median, p99, entry_median, entry_p99, shift, shift_rounds) and checks that
LAVA collected each one, with pass, its value as measurement (float equal)
and units ns, that run-status passed, that no other case came, and that the
job passed. Exit 0 when all hold, 1 with the reasons.
"""
import base64
import json
import re
import sys

import yaml


def safe(s):
    return "".join(ch if ch.isalnum() or ch in "_-" else "-" if ch in ":." else "_" for ch in s)


def figures(summary):
    out = {}
    for c in summary["cases"]:
        head = [safe(c["suite"]), safe(c["case"])] + ([safe(c["point"])] if c.get("point") else [])
        dev = safe(c.get("device") or "nodev")
        vs = c.get("vs_reference") or {}
        for v, d in c["variants"].items():
            def put(stat, val):
                out[".".join(head + [dev, safe(v), stat])] = val
            put("median", d.get("median"))
            put("p99", d.get("p99"))
            if isinstance(d.get("entry"), dict):
                put("entry_median", d["entry"].get("median"))
                put("entry_p99", d["entry"].get("p99"))
            s = vs.get(v) or {}
            if isinstance(s.get("hl_shift"), (int, float)):
                put("shift", s["hl_shift"])
            r = s.get("rounds") or {}
            if isinstance(r.get("median_diff"), (int, float)):
                put("shift_rounds", r["median_diff"])
    return out


def main():
    log, minimum = sys.argv[1], int(sys.argv[2])
    cases, target, job = {}, [], None
    problems = []
    for line in open(log, errors="replace"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            rec = yaml.safe_load(line)
        except yaml.YAMLError:
            continue
        if not isinstance(rec, dict):
            continue
        msg = rec.get("msg")
        if rec.get("lvl") == "target" and isinstance(msg, str):
            target.append(msg.strip())
        if rec.get("lvl") == "results" and isinstance(msg, dict):
            if msg.get("definition") == "lava" and msg.get("case") == "job":
                job = msg.get("result")
            elif str(msg.get("definition", "")).endswith("_vfio-pm-bench"):
                if msg["case"] in cases:
                    problems.append(f"case {msg['case']} reported twice")
                cases[msg["case"]] = msg
    if job != "pass":
        problems.append(f"the LAVA job's result is {job!r}, not pass")
    try:
        b64 = target[target.index("VPB-SUMMARY-BEGIN") + 1:target.index("VPB-SUMMARY-END")]
        # the shell's xtrace and kernel messages may come between the lines
        b64 = [x for x in b64 if re.fullmatch(r"[A-Za-z0-9+/=]+", x)]
        summary = json.loads(base64.b64decode("".join(b64)))
    except (ValueError, json.JSONDecodeError) as e:
        print(f"FAIL: no summary.json between VPB-SUMMARY-BEGIN and -END on the console ({e})")
        print("0 passed, 1 failed")
        return 1
    want = figures(summary)
    rs = cases.pop("run-status", {})
    if rs.get("result") != "pass":
        problems.append(f"run-status: {rs.get('result')!r}")
    if set(cases) != set(want):
        problems.append(f"LAVA's cases are not summary.json's figures: extra "
                        f"{sorted(set(cases) - set(want))}, missing {sorted(set(want) - set(cases))}")
    n = 0
    for name, val in sorted(want.items()):
        c = cases.get(name)
        if c is None:
            continue
        if val is None:
            if c.get("result") != "fail" or "measurement" in c:
                problems.append(f"{name}: no value in summary.json, LAVA has {c}")
            continue
        meas = c.get("measurement")
        if c.get("result") != "pass" or c.get("units") != "ns" or meas is None \
                or float(meas) != float(val):
            problems.append(f"{name}: LAVA {c.get('result')} {meas} {c.get('units')}, "
                            f"summary.json {val} ns")
        else:
            n += 1
            print(f"ok {name}: LAVA {meas} ns == summary.json {val}")
    if n < minimum:
        problems.append(f"only {n} figures compared, expected at least {minimum}")
    for p in problems:
        print("FAIL:", p)
    print(f"{n} figures of LAVA equal summary.json's")
    print(f"{0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
