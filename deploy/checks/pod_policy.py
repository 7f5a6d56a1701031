#!/usr/bin/env python3
"""Asserts the restricted pod settings on every pod template of a rendered chart.

Usage: pod_policy.py --mode production|dev RENDERED.yaml

Every Deployment, StatefulSet, DaemonSet, Job and CronJob must run as non-root with
allowPrivilegeEscalation false, a read-only root filesystem, ALL capabilities dropped,
seccomp RuntimeDefault, and CPU and memory requests and limits on every container.

In dev renders a pod may carry `orderflow.io/policy-exceptions: a,b` naming settings
its upstream image cannot meet (documented in values.yaml under devInfra); only the
settings in DEV_EXCEPTIONS may be excepted. In production renders no exception is
accepted. Needs PyYAML (not in the standard library).
"""

import argparse
import sys

import yaml

EXCEPTIONS_ANNOTATION = "orderflow.io/policy-exceptions"
DEV_EXCEPTIONS = {"readOnlyRootFilesystem"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}


def pod_template(doc):
    spec = doc.get("spec") or {}
    if doc["kind"] == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return spec.get("template") or {}


def check_pod(name, template, mode):
    problems = []
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    raw = (meta.get("annotations") or {}).get(EXCEPTIONS_ANNOTATION, "")
    excepted = {e.strip() for e in raw.split(",") if e.strip()}
    if excepted and mode == "production":
        problems.append(f"{name}: policy exceptions {sorted(excepted)} are not allowed in production")
        excepted = set()
    if excepted - DEV_EXCEPTIONS:
        problems.append(f"{name}: unknown policy exceptions {sorted(excepted - DEV_EXCEPTIONS)}")
    pod_sc = spec.get("securityContext") or {}
    containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
    if not containers:
        problems.append(f"{name}: no containers")
    for c in containers:
        where = f"{name}/{c.get('name')}"
        sc = c.get("securityContext") or {}

        def setting(key):
            return sc[key] if key in sc else pod_sc.get(key)

        if setting("runAsNonRoot") is not True:
            problems.append(f"{where}: runAsNonRoot is not true")
        if setting("runAsUser") == 0:
            problems.append(f"{where}: runAsUser is 0 (root)")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation is not false")
        if sc.get("readOnlyRootFilesystem") is not True and "readOnlyRootFilesystem" not in excepted:
            problems.append(f"{where}: readOnlyRootFilesystem is not true")
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            problems.append(f"{where}: capabilities.drop does not contain ALL")
        if ((setting("seccompProfile") or {}).get("type")) != "RuntimeDefault":
            problems.append(f"{where}: seccompProfile is not RuntimeDefault")
        resources = c.get("resources") or {}
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in (resources.get(kind) or {}):
                    problems.append(f"{where}: no {resource} {kind[:-1]}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["production", "dev"], required=True)
    parser.add_argument("rendered")
    args = parser.parse_args()
    with open(args.rendered, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if isinstance(d, dict) and d.get("kind")]
    workloads = [d for d in docs if d["kind"] in WORKLOADS]
    problems = []
    if not workloads:
        problems.append("no workloads found in the render")
    for doc in workloads:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        problems.extend(check_pod(name, pod_template(doc), args.mode))
    if problems:
        print(f"pod policy ({args.mode}, {args.rendered}): {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
