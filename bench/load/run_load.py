#!/usr/bin/env python3
"""``make bench-load``: SVCMS under load (issue #11 §4). Not a test; see bench/README.md, "Load".

1. Locust in its own virtualenv ``.venv-bench`` (its gevent differs from Odoo's), made on first use.
2. The demo database (``SVCMS_DB``, default ``svcms_bench``: the load writes into it) served by
   ``scripts/svcms.py run`` in prefork mode (``SVCMS_WORKERS``, default 4 HTTP workers + 2 cron workers) on a
   free port, in the background; waits for ``/web/health``.
3. Prepares what the mix needs, as admin over XML-RPC: the integration user (group After-sales Integration), the
   delivered serials the warehouse users may return (and cancel again).
4. Locust headless: a warm-up that is not measured (BENCH_WARMUP, 30s: every worker loads the registry, views
   and assets), then BENCH_USERS (50) users, BENCH_SPAWN_RATE (5)/s, BENCH_RUN_TIME (5m); CSV statistics.
5. Stops the server (always), prints and writes the Markdown table into bench/results/.

Standard library only (it runs with the system Python, like scripts/svcms.py).
"""

import csv
import os
import platform
import re
import signal
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from svcms.common import free_port, machine_summary, say  # noqa: E402 - scripts/ is not a package of the repository

BENCH_VENV = REPO / ".venv-bench"
LOCUST = BENCH_VENV / "bin" / "locust"
RESULTS = REPO / "bench" / "results"
ADMIN_PASSWORD = os.environ.get("BENCH_ADMIN_PASSWORD", "admin")
INTEGRATION_LOGIN = "bench_integration"
# the reason the warehouse users give their return orders (locustfile.py): an interrupted run's are cancelled
RETURN_REASON = "负载测试：客户退货"
# p95 of each SVCMS action against the same kind of stock Odoo action in the same run (issue #11 §4)
ANCHOR_RATIO_TARGET = 1.5


def ensure_locust():
    if LOCUST.exists():
        return
    say(f"Creating {BENCH_VENV.name} with Locust (bench/load/requirements.txt) ...")
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    pip = [str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-r", str(HERE / "requirements.txt")], check=True)


def start_server(db, port, workers, log_path):
    env = {**os.environ, "SVCMS_DB": db, "SVCMS_HTTP_PORT": str(port), "SVCMS_WORKERS": str(workers)}
    say(f"Starting Odoo on port {port} ({workers} HTTP workers) with the database '{db}'; log: {log_path}")
    log = open(log_path, "w")  # closed by stop_server
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "svcms.py"), "run"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the prefork workers are stopped with it
    )
    proc.log = log
    return proc


def stop_server(proc):
    if proc.poll() is None:
        say("Stopping the server ...")
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass
    proc.log.close()


def wait_for_health(proc, url, timeout):
    """The first run creates the database (minutes); later ones upgrade the addons first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"The server stopped (exit code {proc.returncode}) before answering; see its log.")
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(3)
    raise SystemExit(f"The server did not answer {url}/web/health within {timeout} s.")


def server_errors(log_path):
    with open(log_path, errors="replace") as log:
        return sum(1 for line in log if " ERROR " in line or " CRITICAL " in line)


# Odoo's request log line: "POST /web/dataset/call_kw/m/web_read#m.web_read HTTP/1.1" 200 - <queries> <sql s> <other s>
REQUEST_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) - (\d+) ([\d.]+) ([\d.]+)')


def server_profile(log_path, offset):
    """Per route of the measured run (the log from ``offset``): requests, SQL queries and server time on average.
    Machine-independent where latencies are not: the query counts."""
    routes = {}
    with open(log_path, "rb") as log:
        log.seek(offset)
        for line in log.read().decode(errors="replace").splitlines():
            match = REQUEST_LINE.search(line)
            if not match:
                continue
            method, path, _status, queries, sql_s, other_s = match.groups()
            path, _hash, called = path.split("?")[0].partition("#")
            if path.startswith("/xmlrpc/"):
                path = f"{path} {called}".rstrip()  # the model and method an XML-RPC call named
            else:
                path = re.sub(r"^/[a-z]{2}_[A-Z]{2}(?=/)", "", path)  # the language prefix of the portal pages
                path = re.sub(r"/\d+(?=/|$)", "/<id>", path)
            entry = routes.setdefault(f"{method} {path}", [0, 0, 0.0])
            entry[0] += 1
            entry[1] += int(queries)
            entry[2] += float(sql_s) + float(other_s)
    lines = [
        "",
        "Server side (Odoo's request log, measured run):",
        "",
        "| route | requests | queries (avg) | server ms (avg) |",
    ]
    lines.append("|---|---:|---:|---:|")
    for route, (count, queries, seconds) in sorted(routes.items()):
        lines.append(f"| {route} | {count} | {queries / count:.0f} | {1000 * seconds / count:.0f} |")
    return "\n".join(lines) + "\n"


def prepare_data(url, db):
    """As admin: the integration user, and the serials at customers that no open return order takes back."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", ADMIN_PASSWORD, {})
    if not uid:
        raise SystemExit("admin could not log in (BENCH_ADMIN_PASSWORD, default admin).")
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, ADMIN_PASSWORD, model, method, list(args), kwargs)

    group = call("ir.model.data", "check_object_reference", "svcms_aftersales", "group_aftersales_integration")[1]
    if not call("res.users", "search", [("login", "=", INTEGRATION_LOGIN)]):
        call(
            "res.users",
            "create",
            {
                "name": "负载测试接口",
                "login": INTEGRATION_LOGIN,
                "password": INTEGRATION_LOGIN,
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
                "group_ids": [(6, 0, [group])],
            },
        )
    ours = [("reason", "=", RETURN_REASON), ("state", "in", ("draft", "waiting"))]
    left_open = call("svcms.return.order", "search", ours)
    if left_open:
        say(f"Cancelling {len(left_open)} return orders an interrupted run left open ...")
        call("svcms.return.order", "action_cancel", left_open)
    delivered = call(
        "stock.move.line",
        "search_read",
        [("lot_id", "!=", False), ("state", "=", "done"), ("location_dest_id.usage", "=", "customer")],
        ["lot_id"],
    )
    serials = []
    for lot_id in sorted({line["lot_id"][0] for line in delivered}):
        done = [("lot_id", "=", lot_id), ("state", "=", "done")]
        last = call("stock.move.line", "search_read", done, ["location_dest_id"], order="date desc, id desc", limit=1)
        usage = call("stock.location", "read", [last[0]["location_dest_id"][0]], ["usage"])[0]["usage"]
        not_cancelled = [("lot_id", "=", lot_id), ("state", "!=", "cancelled")]
        open_returns = call("svcms.return.order", "search_count", not_cancelled)
        if usage == "customer" and not open_returns:
            serials.append(call("stock.lot", "read", [lot_id], ["name"])[0]["name"])
    return serials


def read_stats(prefix):
    with open(f"{prefix}_stats.csv", newline="") as f:
        return [row for row in csv.DictReader(f) if row["Name"] != "Aggregated"]


def anchor_of(name):
    """Writes compare with saving a quotation; lists, searches, kanbans and portal lists with the sale order list;
    forms and pages with the sale order form."""
    if any(word in name for word in (" create", " cancel", " receipt", " save")):
        return "anchor: sale order save"
    if any(word in name for word in (" list", " search", " kanban")):
        return "anchor: sale order list"
    return "anchor: sale order form"


def machine():
    """CPU model, cores and memory, for the results."""
    cores, cpu, memory = machine_summary()
    return f"{cores} cores ({cpu}), {memory} RAM"


def report(rows, args, stamp, log_errors):
    by_name = {row["Name"]: row for row in rows}
    anchors = {
        name: float(row["95%"]) for name, row in by_name.items() if name.startswith("anchor:") and row["95%"] != "N/A"
    }
    lines = [
        f"Run: {stamp} UTC on {machine()}, {platform.platform()}, Python {platform.python_version()}; "
        f"{args['users']} users, spawn rate {args['spawn_rate']}/s, {args['run_time']}, {args['workers']} HTTP workers "
        f"(prefork, 2 cron workers), database {args['db']}"
        + ("; statistics from the end of the ramp-up (BENCH_RESET_STATS)." if args["reset_stats"] else "."),
        "",
        "| action | requests | errors | p50 ms | p95 ms | p99 ms | p95 / anchor p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    missed = []
    total_requests = total_errors = 0
    for row in sorted(rows, key=lambda r: (r["Name"].startswith("anchor:"), r["Name"])):
        name, requests, errors = row["Name"], int(row["Request Count"]), int(row["Failure Count"])
        if not requests:
            continue  # e.g. the log-ins, with BENCH_RESET_STATS
        total_requests += requests
        total_errors += errors
        p95 = float(row["95%"]) if row["95%"] not in ("", "N/A") else 0.0
        ratio = ""
        if name.startswith("svcms:") and not name.endswith(("log in", "login page", "action", "views", "setup")):
            anchor = anchors.get(anchor_of(name))
            if anchor:
                value = p95 / anchor
                ratio = f"{value:.2f} ({anchor_of(name).split()[-1]})"
                if value > ANCHOR_RATIO_TARGET:
                    missed.append(f"{name}: p95 {p95:.0f} ms is {value:.2f}x the {anchor_of(name)} p95 {anchor:.0f} ms")
        lines.append(f"| {name} | {requests} | {errors} | {row['50%']} | {row['95%']} | {row['99%']} | {ratio} |")
    lines += [
        "",
        f"- {'MET' if not total_errors else 'MISSED'}: errors {total_errors} of {total_requests} requests (target 0)",
        f"- {'MET' if not missed else 'MISSED'}: p95 of each SVCMS action within {ANCHOR_RATIO_TARGET}x of the anchor "
        "(lists, searches, kanbans against the sale order list; forms and pages against its form; writes against "
        "saving a quotation; log in, action and views, loaded once per session, are not compared)",
        *(f"  - {item}" for item in missed),
        f"- server log: {log_errors} ERROR/CRITICAL lines",
    ]
    return "\n".join(lines) + "\n", total_errors


def main():
    # `kill <driver>` stops the server too (the finally below), as Ctrl-C does
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    ensure_locust()
    args = {
        "db": os.environ.get("SVCMS_DB", "svcms_bench"),
        "users": int(os.environ.get("BENCH_USERS", "50")),
        "spawn_rate": os.environ.get("BENCH_SPAWN_RATE", "5"),
        "run_time": os.environ.get("BENCH_RUN_TIME", "5m"),
        "workers": int(os.environ.get("SVCMS_WORKERS", "4")),
        "reset_stats": os.environ.get("BENCH_RESET_STATS", "") not in ("", "0"),
    }
    port = int(os.environ.get("SVCMS_HTTP_PORT") or free_port(18169))
    url = f"http://127.0.0.1:{port}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    prefix = RESULTS / f"load-{stamp.replace(' ', '-').replace(':', '')}"
    server = start_server(args["db"], port, args["workers"], f"{prefix}-server.log")
    try:
        wait_for_health(server, url, int(os.environ.get("BENCH_SERVER_TIMEOUT", "3600")))
        serials = prepare_data(url, args["db"])
        say(f"Serials the warehouse users return and cancel: {', '.join(serials) or 'none'}")
        env = {
            **os.environ,
            "BENCH_DB": args["db"],
            "BENCH_USERS": str(args["users"]),
            "BENCH_RETURN_SERIALS": ",".join(serials),
            "BENCH_INTEGRATION_LOGIN": INTEGRATION_LOGIN,
            "BENCH_INTEGRATION_PASSWORD": INTEGRATION_LOGIN,
        }
        locust = [str(LOCUST), "-f", str(HERE / "locustfile.py"), "--headless", "--host", url, "--only-summary"]
        locust += ["--stop-timeout", "30"]  # at the end, users finish their task (a return order is cancelled)
        warmup = os.environ.get("BENCH_WARMUP", "30s")
        if warmup not in ("", "0", "0s"):
            # not measured: every worker loads the registry, the views and the assets of every action once
            users = str(max(args["workers"] * 2, 8))
            say(f"Warm-up (not measured): {users} users for {warmup} ...")
            warm = [*locust, "--users", users, "--spawn-rate", users, "--run-time", warmup, "--loglevel", "WARNING"]
            subprocess.run(warm, env={**env, "BENCH_USERS": users}, cwd=HERE, stdout=subprocess.DEVNULL, check=False)
        measured = [
            *locust,
            *("--users", str(args["users"]), "--spawn-rate", args["spawn_rate"], "--run-time", args["run_time"]),
            *("--csv", str(prefix)),
        ]
        if args["reset_stats"]:
            measured.append("--reset-stats")  # steady state only: statistics restart once every user is in
        say(f"Locust: {args['users']} users for {args['run_time']} against {url} ...")
        log_offset = Path(f"{prefix}-server.log").stat().st_size
        subprocess.run(measured, env=env, cwd=HERE, check=False)
    finally:
        stop_server(server)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"Locust wrote no statistics ({prefix}_stats.csv): see its output above.")
    table, errors = report(read_stats(prefix), args, stamp, server_errors(f"{prefix}-server.log"))
    table += server_profile(f"{prefix}-server.log", log_offset)
    Path(f"{prefix}.md").write_text(table)
    (RESULTS / "load-latest.md").write_text(table)
    print("\n" + table)
    say(f"Written: {prefix}.md (and load-latest.md); CSV: {prefix}_stats.csv; server log: {prefix}-server.log")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
