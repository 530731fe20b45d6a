"""`make bench`: the SLA engine of svcms_base against OCA helpdesk_mgmt_sla.

Builds two throwaway databases on the same Odoo and PostgreSQL (svcms_base; helpdesk_mgmt_sla from
its 19.0 wheels, downloaded without dependencies into the cache, never into the repository), copies
each into a "floor" (no SLA policy) and an "sla" database, runs bench_sla.py on the four, prints a
table and records it with the machine in bench/README.md. Called by `python3 scripts/svcms.py bench`.

Environment: SVCMS_BENCH_RECORDS (default 10000), SVCMS_BENCH_OPEN (default 100000).
"""

import json
import os
import platform
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEER_PACKAGES = ["odoo-addon-helpdesk_mgmt_sla>=19.0,<19.1", "odoo-addon-helpdesk_mgmt>=19.0,<19.1"]
SYSTEMS = {"ours": ("svcms_bench_ours", "svcms_base"), "peer": ("svcms_bench_peer", "helpdesk_mgmt_sla")}
STEPS = [("create", "1. create"), ("pause_resume_close", "2. pause/resume/close"), ("breach_detection", "3. breaches")]
MARK_START, MARK_END = "<!-- bench-results:start -->", "<!-- bench-results:end -->"


def peer_addons(cache, python, say):
    """The peer's addons, unpacked from its PyPI wheels into the cache (outside the repository)."""
    root = Path(cache) / "peer-addons"
    site = root / "site"
    if not (site / "odoo" / "addons" / "helpdesk_mgmt_sla" / "__manifest__.py").exists():
        wheels = root / "wheels"
        wheels.mkdir(parents=True, exist_ok=True)
        say("Downloading the OCA helpdesk_mgmt_sla and helpdesk_mgmt 19.0 wheels (no dependencies) ...")
        subprocess.run(
            [
                python,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "-q",
                "--dest",
                str(wheels),
                *PEER_PACKAGES,
            ],
            check=True,
        )
        for wheel in sorted(wheels.glob("odoo_addon_helpdesk_mgmt*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(site)
    return site / "odoo" / "addons"


def machine(params, sql, python):
    from svcms.common import machine_summary  # scripts/ is on the path: commands.py calls this module

    cores, cpu, ram = machine_summary()
    pg = sql(params, "postgres", "SELECT version()")[0][0].split(" on ")[0]
    py = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)
    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "nproc": cores,
        "ram": ram,
        "cpu": cpu,
        "postgresql": pg,
        "python": py.stdout.strip(),
        "os": platform.platform(),
    }


def run_one(python, repo, src, params, odoo_cmd, addons_path, system, variant, db, records, open_records, say):
    say(f"Benchmark: {system} / {variant} ({records} records, {open_records} open) ...")
    options = odoo_cmd(src, params)[2:] + [addons_path]
    cmd = [
        python,
        str(repo / "bench" / "bench_sla.py"),
        "--db",
        db,
        "--odoo-src",
        str(src),
        "--system",
        system,
        "--variant",
        variant,
        "--records",
        str(records),
        "--open",
        str(open_records),
        "--",
        *options,
        "--log-level=warn",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT ") :])
    raise RuntimeError(f"bench_sla.py failed for {system}/{variant}:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")


def table(results):
    lines = [
        "| system | variant | " + " | ".join(f"{label} s | {label} queries" for _key, label in STEPS) + " |",
        "|---|---|" + "---:|---:|" * len(STEPS),
    ]
    for result in results:
        cells = []
        for key, _label in STEPS:
            step = result["steps"][key]
            cells += [f"{step['seconds']:.2f}", str(step["queries"])]
        lines.append(f"| {result['system']} | {result['variant']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(results, records, open_records, batch=1000, breach_batch=10000):
    by = {(r["system"], r["variant"]): r["steps"] for r in results}
    step = "create"
    ours_cost = (by[("ours", "sla")][step]["seconds"] - by[("ours", "floor")][step]["seconds"]) / records * 1000
    peer_cost = (by[("peer", "sla")][step]["seconds"] - by[("peer", "floor")][step]["seconds"]) / records * 1000
    ours_q = by[("ours", "sla")][step]["queries"] - by[("ours", "floor")][step]["queries"]
    peer_q = by[("peer", "sla")][step]["queries"] - by[("peer", "floor")][step]["queries"]
    batches = -(-records // batch)
    pause_ours = by[("ours", "sla")]["pause_resume_close"]
    pause_peer = by[("peer", "sla")]["pause_resume_close"]
    breach = by[("ours", "sla")]["breach_detection"]
    peer_breach = by[("peer", "sla")]["breach_detection"]
    breach_batches = max(-(-open_records // breach_batch), 1)
    checks = [
        (
            f"Step 1, SLA cost per record: ours {ours_cost:.3f} ms, peer {peer_cost:.3f} ms "
            f"(target: ours at most a fifth of the peer's, {peer_cost / 5:.3f} ms)",
            peer_cost > 0 and ours_cost <= peer_cost / 5,
        ),
        (
            f"Step 1, queries the SLA adds: ours {ours_q} for {batches} batches of {batch} "
            f"({ours_q / batches:.1f} per batch, {ours_q / records:.4f} per record); peer {peer_q} "
            f"({peer_q / records:.2f} per record)",
            ours_q / batches < 50,
        ),
        (
            f"Step 2, pause/resume/close with SLA: ours {pause_ours['seconds']:.2f} s / {pause_ours['queries']} "
            f"queries, peer {pause_peer['seconds']:.2f} s / {pause_peer['queries']} queries (target: faster)",
            pause_ours["seconds"] < pause_peer["seconds"],
        ),
        (
            f"Step 3, breach detection over {open_records} open records: {breach.get('late')} lines flagged "
            f"breached in {breach['seconds']:.2f} s, {breach['queries']} queries in {breach_batches} batches of "
            f"{breach_batch} ({breach['queries'] / breach_batches:.1f} per batch; target under 20 s). The peer "
            f"flags nothing: searching its {peer_breach.get('late')} expired tickets took "
            f"{peer_breach['seconds']:.2f} s",
            breach["seconds"] < 20 and breach.get("late", 0) >= open_records,
        ),
    ]
    return "\n".join(f"- {'MET' if ok else 'MISSED'}: {text}" for text, ok in checks)


def write_readme(report):
    readme = HERE / "README.md"
    text = readme.read_text() if readme.exists() else f"# SLA benchmark\n\n{MARK_START}\n{MARK_END}\n"
    if MARK_START not in text:
        text += f"\n{MARK_START}\n{MARK_END}\n"
    head, rest = text.split(MARK_START, 1)
    _old, tail = rest.split(MARK_END, 1)
    readme.write_text(f"{head}{MARK_START}\n{report}\n{MARK_END}{tail}")


def main(src, params, *, odoo_cmd, drop_db, sql, say, python, cache, repo):
    records = int(os.environ.get("SVCMS_BENCH_RECORDS", "10000"))
    open_records = int(os.environ.get("SVCMS_BENCH_OPEN", "100000"))
    peer = peer_addons(cache, python, say)
    addons_path = f"--addons-path={src / 'odoo' / 'addons'},{src / 'addons'},{repo},{peer}"
    dbs = [base for base, _module in SYSTEMS.values()]
    dbs += [f"{base}_{variant}" for base in list(dbs) for variant in ("floor", "sla")]
    results = []
    try:
        for base, module in SYSTEMS.values():
            drop_db(params, base)
            say(f"Installing {module} (without demo data) into the throwaway database {base} ...")
            subprocess.run(
                odoo_cmd(
                    src,
                    params,
                    addons_path,
                    "-d",
                    base,
                    "-i",
                    module,
                    "--stop-after-init",
                    "--log-level=warn",
                    "--max-cron-threads=0",
                ),
                check=True,
            )
        for system, (base, _module) in SYSTEMS.items():
            for variant in ("floor", "sla"):
                db = f"{base}_{variant}"
                drop_db(params, db)
                sql(params, "postgres", "CREATE DATABASE {} TEMPLATE {}", identifiers=[db, base])
                results.append(
                    run_one(
                        python,
                        repo,
                        src,
                        params,
                        odoo_cmd,
                        addons_path,
                        system,
                        variant,
                        db,
                        records,
                        open_records,
                        say,
                    )
                )
                drop_db(params, db)
    finally:
        for db in dbs:
            drop_db(params, db)
    info = machine(params, sql, python)
    seeds = ", ".join(f"{r['system']}: {r['seed_seconds']} s" for r in results if "seed_seconds" in r)
    report = "\n".join(
        [
            f"Last run: {info['date']} on {info['nproc']} cores ({info['cpu']}), {info['ram']} RAM, "
            f"{info['postgresql']}, Python {info['python']}, {info['os']}.",
            f"Records: {records} (steps 1-2, batches of 1000); open records for step 3: {open_records} "
            f"(seeded with the SLA, not measured: {seeds}).",
            "",
            table(results),
            "",
            verdict(results, records, open_records),
        ]
    )
    print("\n" + report + "\n", flush=True)
    write_readme(report)
    say(f"Results recorded in {HERE / 'README.md'}")
