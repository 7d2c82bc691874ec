#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""render.py - fill a LAVA job or device dictionary template of lava/.

    render.py job --images DIR [--definition FILE] [--param NAME=VALUE]... [TEMPLATE]
    render.py device --images DIR [TEMPLATE]

DIR is what `vfio-pm-bench vm --lava-images DIR` wrote: bzImage,
initramfs.cpio and images.env (CMDLINE, QEMU_PLATFORM). A job's @KERNEL_URL@
and @RAMDISK_URL@ become file:// URLs of DIR's images (or --kernel-url /
--ramdisk-url), @CMDLINE@ the kernel command line, and an inline
definition's @DEFINITION@ the definition itself (default
lava/vfio-pm-bench.yaml), with --param values as its parameters. A device
dictionary's '@QEMU_PLATFORM@' option becomes the platform's QEMU options.
Prints the YAML on stdout. Needs python3-yaml (a dependency of lava-dispatcher).
"""
import argparse
import os
import shlex
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def images_env(d):
    env = {}
    with open(os.path.join(d, "images.env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = " ".join(shlex.split(v))
    return env


def subst(x, table):
    if isinstance(x, dict):
        return {k: subst(v, table) for k, v in x.items()}
    if isinstance(x, list):
        return [subst(v, table) for v in x]
    if isinstance(x, str):
        if x in table and not isinstance(table[x], str):
            return table[x]
        for k, v in table.items():
            if isinstance(v, str):
                x = x.replace(k, v)
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["job", "device"])
    ap.add_argument("template", nargs="?")
    ap.add_argument("--images", required=True)
    ap.add_argument("--definition", default=os.path.join(HERE, "vfio-pm-bench.yaml"))
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--kernel-url")
    ap.add_argument("--ramdisk-url")
    a = ap.parse_args()
    images = os.path.abspath(a.images)
    env = images_env(images)
    if a.kind == "device":
        tpl = yaml.safe_load(open(a.template or os.path.join(HERE, "qemu-device.yaml")))
        opts = tpl["actions"]["boot"]["methods"]["qemu"]["parameters"]["options"]
        i = opts.index("@QEMU_PLATFORM@")
        # one option per list item: LAVA joins them with spaces
        words = shlex.split(env["QEMU_PLATFORM"])
        pairs = [f"{words[j]} {words[j + 1]}" for j in range(0, len(words), 2)]
        opts[i:i + 1] = pairs
        yaml.safe_dump(tpl, sys.stdout, sort_keys=False, default_flow_style=False)
        return 0
    tpl = yaml.safe_load(open(a.template or os.path.join(HERE, "qemu-job.yaml")))
    params = {}
    for p in a.param:
        k, _, v = p.partition("=")
        params[k] = v
    table = {
        "@KERNEL_URL@": a.kernel_url or "file://" + os.path.join(images, "bzImage"),
        "@RAMDISK_URL@": a.ramdisk_url or "file://" + os.path.join(images, "initramfs.cpio"),
        "@CMDLINE@": env["CMDLINE"],
        "@DEFINITION@": yaml.safe_load(open(a.definition)),
    }
    job = subst(tpl, table)
    for act in job["actions"]:
        for d in act.get("test", {}).get("definitions", []):
            if d.get("name") == "vfio-pm-bench":
                d["parameters"] = {**d.get("parameters", {}), **params}
    yaml.safe_dump(job, sys.stdout, sort_keys=False, default_flow_style=False, width=1000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
