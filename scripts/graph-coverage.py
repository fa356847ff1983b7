#!/usr/bin/env python3
"""How much of a Terraform repository the policy graph places.

Usage: scripts/graph-coverage.py REPOSITORY PLAN.json

PLAN.json is `policy-rewrite plan --format json --include '*.tpl' --resource api://x .` run in
REPOSITORY. The files Terraform applies are counted independently of the tool: every file
named by file() or templatefile() in an xml_content, policy_xml or value argument on a line
that is not a comment (path.module and path.root read as the .tf file's folder, other
interpolations as wildcards), whose text holds <policies or <fragment. The script prints how
many of them the graph gives a known scope, and every include-fragment with its resolution.
"""
import collections
import glob
import json
import os
import re
import sys

root, plan = sys.argv[1], json.load(open(sys.argv[2]))
os.chdir(root)
policies, includes = plan["policies"], plan["includes"]
by_path = {p["path"]: p for p in policies}
applied = set()
argument = re.compile(r'\b(xml_content|policy_xml|value)\s*=\s*(file|templatefile)\("([^"]+)"')
for tf in glob.glob("**/*.tf", recursive=True):
    folder = os.path.dirname(tf)
    for line in open(tf, errors="ignore"):
        text = line.strip()
        if text.startswith(("#", "//")):
            continue
        match = argument.search(text)
        if not match:
            continue
        path = match.group(3).replace("${path.module}", ".").replace("${path.root}", ".")
        pattern = re.sub(r"\$\{[^}]*\}", "*", os.path.normpath(os.path.join(folder, path)))
        for found in glob.glob(pattern):
            content = open(found, errors="ignore").read()
            if "<policies" in content or "<fragment" in content:
                applied.add(found)
known = [p for p in applied if p in by_path and by_path[p]["scope"] != "unknown"]
print(f"policy files Terraform applies: {len(applied)}")
print(f"  with a known scope in the graph: {len(known)} ({100 * len(known) / max(1, len(applied)):.1f}%)")
print(f"  missing: {sorted(applied - set(known))}")
declared = [p for p in policies if p["declaredAt"]]
print(f"policies the graph declares: {len(declared)}", dict(collections.Counter(p["scope"] for p in declared)))
print(f"all policies in the graph: {len(policies)}", dict(collections.Counter(p["scope"] for p in policies)))
resolved = sum(1 for i in includes if i["resolved"])
print(f"include-fragment elements: {len(includes)}, resolved: {resolved}")
for include in includes:
    print(f"  {include['path']}:{include['line']} {include['fragment']} <{include['section']}> -> {include['resolved']}")
