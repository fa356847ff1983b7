#!/usr/bin/env python3
"""Turn the results of scripts/bench (hyperfine JSON, GNU time %M files, meta.txt)
into the Markdown report that goes into BENCHMARKS.md.

  bench-report.py RESULTS_DIR                 print the report
  bench-report.py RESULTS_DIR --update FILE   also put it into FILE, between the lines
                                              BEGIN_MARK and END_MARK (below), replacing
                                              what was there; the rest of FILE is kept
"""

import json
import os
import statistics
import sys

BEGIN_MARK = "<!-- BEGIN scripts/bench: generated from one run; edit the prose outside these marks -->"
END_MARK = "<!-- END scripts/bench -->"

if len(sys.argv) not in (2, 4) or (len(sys.argv) == 4 and sys.argv[2] != "--update"):
    sys.exit("usage: bench-report.py RESULTS_DIR [--update FILE]")
R = sys.argv[1]
UPDATE = sys.argv[3] if len(sys.argv) == 4 else None
meta = {}
with open(os.path.join(R, "meta.txt")) as fh:
    for line in fh:
        k, _, v = line.rstrip("\n").partition("=")
        meta[k] = v
raw_stats = json.load(open(meta["raw_stats"]))
wf_stats = json.load(open(meta["wf_stats"]))
big_stats = json.load(open(meta["big_stats"]))
N = int(meta["n"])


def med(name):
    path = os.path.join(R, name + ".json")
    if not os.path.exists(path):
        return None
    return json.load(open(path))["results"][0]["median"]


def cpu(name):
    """Mean user + system CPU seconds per run (less sensitive to a busy machine than wall time)."""
    path = os.path.join(R, name + ".json")
    if not os.path.exists(path):
        return None
    res = json.load(open(path))["results"][0]
    return res["user"] + res["system"]


def rss_kb(name):
    path = os.path.join(R, name + ".rss")
    if not os.path.exists(path):
        return None
    vals = [int(l) for l in open(path) if l.strip().isdigit()]
    return statistics.median(vals) if vals else None


def fmt_t(t):
    if t is None:
        return "n/a"
    if t >= 1:
        return f"{t:.2f} s"
    return f"{t * 1000:.1f} ms"


def fmt_mb(kb):
    return "n/a" if kb is None else f"{kb / 1024:.1f} MiB"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt_r(r, suffix=" ×"):
    return "n/a" if r is None else f"{r:.2f}{suffix}"


MEASURED = "measured"  # a row with no target yet: its figure is recorded from now on


def verdict(ok):
    if ok == MEASURED:
        return "measured from now on"
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


out = []
p = out.append
targets = []  # (target, measured, ok)

n_s = f"{N:,}"
p(f"Run: {meta['date']} · {meta['nproc']} cores ({meta['cpu']}) · {meta['mem']} RAM · "
  f"Linux {meta['kernel']} · policy-rewrite {meta['commit']} · {meta['swift']} · "
  f"{meta['hyperfine']} · {meta['xmllint']} · xmlstarlet {meta['xmlstarlet']}"
  + (f" · load average (1, 5, 15 min) {meta['load']}" if meta.get("load") else "")
  + (" · **--quick**" if meta["quick"] == "1" else ""))
p("")
p(f"Data: two trees of {n_s} files each (APIOps layout), "
  f"{raw_stats['bytes'] / 2**20:.1f} MiB, {raw_stats['key_files']:,} files with an `x-functions-key` injection. "
  f"*raw*: {raw_stats['raw_files']:,} files with unescaped policy expressions (not well-formed XML); "
  f"*wf*: the same files with escaped expressions. Large file: {big_stats['bytes'] / 2**20:.1f} MiB, "
  f"{big_stats['when_branches']:,} `<when>` branches, {big_stats['key_injections']} key injections. "
  f"Medians of {meta['runs']} runs after 1 warm-up unless noted; jobs = default (cores).")
p("")

# --- trees ---------------------------------------------------------------
def row(label, name, ref=None, ref_label="", target=""):
    """One table row: wall-clock median, its ratio to ref, mean CPU, CPU ratio, target cell."""
    t = med(name)
    c = cpu(name)
    if ref is None:
        return f"| {label} | {fmt_t(t)} | | {fmt_t(c)} | | {target} |"
    return (f"| {label} | {fmt_t(t)} | {fmt_r(ratio(t, med(ref)))} {ref_label} | {fmt_t(c)} | "
            f"{fmt_r(ratio(c, cpu(ref)))} | {target} |")


def target_max(name, ref, limit, text):
    r = ratio(med(name), med(ref))
    ok = None if r is None else r <= limit
    targets.append((text, fmt_r(r), ok))
    return f"≤ {limit:.1f} × {verdict(ok)}"


HEAD = ("| Benchmark | Median (wall) | Ratio | CPU (user+sys) | CPU ratio | Target |\n"
        "|---|---:|---:|---:|---:|---|")
p(f"### {n_s} files")
p("")
p(HEAD)
p(f"| `xmllint --noout` on the wf tree ({meta['xmllint_procs']} process, all files as arguments) | "
  f"{fmt_t(med('xmllint-wf'))} | 1.00 | {fmt_t(cpu('xmllint-wf'))} | 1.00 | reference |")
p(row("`policy-rewrite check` wf tree", "check-wf", "xmllint-wf", "xmllint",
      target_max("check-wf", "xmllint-wf", 0.8, f"`check` on {n_s} files ≤ 0.8 × xmllint")))
r = ratio(cpu("check-wf"), cpu("xmllint-wf"))
ok = None if r is None else r <= 1.3
targets.append((f"`check` CPU time (user + sys) on {n_s} files ≤ 1.3 × xmllint's", fmt_r(r), ok))
p(row("`policy-rewrite check` raw tree", "check-raw", "xmllint-wf", "xmllint", "(xmllint cannot parse it)"))
# The iac and tf trees hold the wf tree's policies, one a file: the ratio of the medians is the
# ratio of the time per file.
p(row("`policy-rewrite check` iac tree (the wf policies in Bicep and ARM files)", "check-iac", "check-wf",
      "`check` wf", target_max("check-iac", "check-wf", 1.5, "Bicep/ARM files: `check` time per file ≤ 1.5 × .xml")))
p(row("`policy-rewrite check` tf tree (the wf policies in Terraform heredocs)", "check-tf", "check-wf",
      "`check` wf", target_max("check-tf", "check-wf", 1.5, ".tf files: `check` time per file ≤ 1.5 × .xml")))
p(row("`policy-rewrite migrate` dry run (diff to /dev/null) wf tree", "migrate-wf", "xmllint-wf", "xmllint",
      target_max("migrate-wf", "xmllint-wf", 1.0, f"`migrate` dry run on {n_s} files ≤ 1.0 × xmllint")))
p(row("`policy-rewrite migrate` dry run raw tree", "migrate-raw", "xmllint-wf", "xmllint"))
w, loop, batch = med("write-wf"), med("xmlstarlet-loop"), med("xmlstarlet-batch")
r = ratio(loop, w)
ok = None if r is None else r >= 10
targets.append(("`migrate --write` ≥ 10 × faster than the xmlstarlet loop", fmt_r(r, " × faster"), ok))
p(f"| `policy-rewrite migrate --write` on a fresh copy of the wf tree | {fmt_t(w)} | "
  f"{fmt_r(r, ' × faster')} than the loop; {fmt_r(ratio(batch, w))} the speed of one xmlstarlet | "
  f"{fmt_t(cpu('write-wf'))} | | ≥ 10 × faster {verdict(ok)} |")
p(row(f"`xmlstarlet ed -L -d '//set-header[@name=\"x-functions-key\"]'`, one process per file "
      f"(`xargs -n 1`), median of {meta['loop_runs']}", "xmlstarlet-loop", target="reference (reformats files)"))
p(row(f"same, one xmlstarlet process for all files ({meta['xmlstarlet_procs']} process)", "xmlstarlet-batch",
      target="(reformats files)"))
p(row("`policy-rewrite migrate --write` on a fresh copy of the raw tree", "write-raw",
      target="(xmlstarlet cannot parse it)"))
p(row("`grep -rl x-functions-key` raw tree (I/O floor)", "grep", "xmllint-wf", "xmllint"))
p("")

# --- the policy graph and the readiness scan ------------------------------
def measured(name, ref, ref_label, text):
    """A row's ratio, recorded in the Targets table without a limit."""
    targets.append((text, fmt_r(ratio(med(name), med(ref))) + (f" {ref_label}" if ref_label else ""), MEASURED))
    return "measured from now on"


if med("plan-wf") is not None:
    tfl = json.load(open(meta["tfl_stats"])) if meta.get("tfl_stats") else None
    apps = json.load(open(meta["apps_stats"])) if meta.get("apps_stats") else None
    p(f"### Terraform layout and Function App code ({n_s} policies)")
    p("")
    if tfl and apps:
        p(f"*tfl*: the wf tree's policies applied by Terraform ({tfl['bytes'] / 2**20:.1f} MiB): "
          "`azurerm_api_management_api_policy`, `_api_operation_policy`, `_product_policy` and "
          "`_policy_fragment` resources and module calls, with `file()`, `templatefile()` and heredocs, "
          "which `migrate` and `plan` read into the policy graph. "
          f"*code*: {apps['projects']} Azure Functions projects ({apps['files']:,} files, "
          f"{apps['trigger_files']} with an HTTP trigger, and `node_modules` and `dist` folders) and their "
          "Terraform, planned beside the wf tree: the readiness scan.")
        p("")
    p(HEAD)
    p(row("`policy-rewrite migrate` dry run tfl tree", "migrate-tfl", "migrate-wf", "`migrate` wf",
          measured("migrate-tfl", "migrate-wf", "`migrate` wf",
                   f"`migrate` dry run on {n_s} policies in Terraform layout")))
    p(row("`policy-rewrite plan` wf tree", "plan-wf", "xmllint-wf", "xmllint",
          measured("plan-wf", "xmllint-wf", "xmllint", f"`plan` on {n_s} files")))
    p(row("`policy-rewrite plan` tfl tree", "plan-tfl", "plan-wf", "`plan` wf",
          measured("plan-tfl", "plan-wf", "`plan` wf", f"`plan` on {n_s} policies in Terraform layout")))
    p(row("`policy-rewrite plan` wf tree and code", "plan-code", "plan-wf", "`plan` wf",
          measured("plan-code", "plan-wf", "`plan` wf", f"`plan` on {n_s} files with Function App code")))
    p("")

# --- one file ------------------------------------------------------------
p(f"### One file (`{meta['one_file']}`, {meta['one_runs']} runs)")
p("")
p(HEAD)
p(f"| `xmllint --noout FILE` | {fmt_t(med('xmllint-one'))} | 1.00 | {fmt_t(cpu('xmllint-one'))} | 1.00 | reference |")
p(row("`policy-rewrite check FILE`", "check-one", "xmllint-one", "xmllint",
      target_max("check-one", "xmllint-one", 2.0, "one file ≤ 2 × xmllint")))
p(row("`policy-rewrite --version` (start-up floor)", "version", "xmllint-one", "xmllint"))
p("")

# --- big file --------------------------------------------------------------
size_kb = big_stats["bytes"] / 1024
p(f"### Large file ({big_stats['bytes'] / 2**20:.1f} MiB, median of {meta['big_runs']})")
p("")
if big_stats["bytes"] < 10e6:
    p("(A small file: the process's fixed memory dominates the RSS ratio.)")
    p("")
p("| Benchmark | Median | Peak RSS | RSS / file size | Target |")
p("|---|---:|---:|---:|---|")
for name, label, tgt in [("big-xmllint", "`xmllint --noout`", "reference"),
                         ("big-check", "`policy-rewrite check`", "RSS ≤ 8 × file"),
                         ("big-migrate", "`policy-rewrite migrate` dry run", "RSS ≤ 8 × file")]:
    kb = rss_kb(name)
    rr = ratio(kb, size_kb)
    cell = tgt
    if name != "big-xmllint":
        ok = None if rr is None else rr <= 8
        targets.append((f"{label} peak memory ≤ 8 × the {big_stats['bytes'] / 2**20:.0f} MiB file", fmt_r(rr), ok))
        cell = f"{tgt} {verdict(ok)}"
    p(f"| {label} | {fmt_t(med(name))} | {fmt_mb(kb)} | {fmt_r(rr)} | {cell} |")
p("")

# --- scaling -------------------------------------------------------------
scale = [int(s) for s in meta["scale"].split()]
p("### Scaling: `policy-rewrite check` on the raw tree")
p("")
p("| Files | Median | Per file | Peak RSS |")
p("|---:|---:|---:|---:|")
per = {}
for s in sorted(scale):
    t = med(f"scale-{s}")
    kb = rss_kb(f"scale-{s}")
    per[s] = (t / s if t else None, kb)
    p(f"| {s:,} | {fmt_t(t)} | {'n/a' if t is None else f'{t / s * 1e6:.0f} µs'} | {fmt_mb(kb)} |")
p("")
largest = max(scale)
kb = per[largest][1]
if largest >= 50000:
    ok = None if kb is None else kb <= 48 * 1024
    targets.append((f"peak memory ≤ 48 MiB at {largest:,} files", fmt_mb(kb), ok))
else:
    targets.append(("peak memory ≤ 48 MiB at 50,000 files", "not measured (--quick)", None))
lo, hi = min(scale), max(scale)
if lo != hi and per[lo][0] and per[hi][0]:
    p(f"Time per file at {hi:,} files is {per[hi][0] / per[lo][0]:.2f} × that at {lo:,}; "
      f"peak RSS {fmt_mb(per[hi][1])} vs {fmt_mb(per[lo][1])}.")
    p("")

# --- targets --------------------------------------------------------------
p("### Targets")
p("")
p("| Target | Measured | Result |")
p("|---|---:|---|")
for t, m, ok in targets:
    p(f"| {t} | {m} | {verdict(ok)} |")
p("")
p(f"Notes: `check` summary on the raw tree: `{meta['check_summary_raw']}`. "
  f"After `migrate --write`, {meta['left_after_write']} files of the wf copy still mention x-functions-key; "
  f"after xmlstarlet, {meta['left_after_xmlstarlet']} (its XPath is case-sensitive and misses `X-Functions-Key`). "
  "xmlstarlet re-serialises every file it edits: it re-indents to two spaces, writes `<base/>` for `<base />`, "
  "adds or rewrites the XML declaration and drops the byte-order mark; policy-rewrite changes only the bytes of the edit.")
report = "\n".join(out)
print(report)

if UPDATE:
    with open(UPDATE, encoding="utf-8") as fh:
        text = fh.read()
    begin, end = text.find(BEGIN_MARK), text.find(END_MARK)
    if begin < 0 or end < begin:
        sys.exit(f"bench-report.py: {UPDATE} lacks the lines {BEGIN_MARK!r} and {END_MARK!r}")
    text = text[: begin + len(BEGIN_MARK)] + "\n\n" + report + "\n\n" + text[end:]
    tmp = UPDATE + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, UPDATE)
    print(f"bench-report.py: updated {UPDATE}", file=sys.stderr)
