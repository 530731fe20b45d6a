"""The commands: run, test, stop, shell, i18n, env, bench (see cli.py for their help)."""

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import PY, REPO, addons, cache_dir, die, free_port, port_in_use, say
from .odoo_src import TEST_ADDONS, odoo_cmd, odoo_src
from .postgres import PrivateCluster, check_db_name, database_server, db_exists, drop_db, module_states, sql
from .venv import ensure_venv


def prepare():
    src = odoo_src()
    say(f"Odoo source: {src}")
    ensure_venv(src)
    return src


# The demo company is Chinese: a database created for China gets CNY and Odoo's Chinese
# localisation (l10n_cn: chart of accounts, VAT) when accounting is installed.
DEMO_COUNTRY = "CN"


def init_database(src, params, db):
    """Create an empty database with demo data whose main company is in China."""
    res = subprocess.run(
        odoo_cmd(src, params, "init", db, "--with-demo", "--country", DEMO_COUNTRY, subcommand="db"),
        capture_output=True,
        text=True,
    )
    if res.returncode:
        die(f"Creating the database '{db}' failed:\n{res.stdout[-2000:]}{res.stderr[-2000:]}")


def cmd_run(_args):
    src = prepare()
    ensure_report_tools()
    port = int(os.environ.get("SVCMS_HTTP_PORT", "8069"))
    if port_in_use(port):
        die(
            f"Port {port} is already in use (another Odoo running?). Stop it, or choose another port:\n"
            f"  SVCMS_HTTP_PORT=8070 make run"
        )
    db = check_db_name(os.environ.get("SVCMS_DB", "svcms"))
    params, _cluster = database_server()
    mods = ",".join(addons())
    if not db_exists(params, db):
        say(
            f"Creating the demo database '{db}' with demo data and Chinese (zh_CN); installing {mods} "
            f"(first time: several minutes) ..."
        )
        init_database(src, params, db)
        res = subprocess.run(
            odoo_cmd(
                src,
                params,
                "-d",
                db,
                "-i",
                mods,
                "--with-demo",
                "--load-language=en_US,zh_CN",
                "--stop-after-init",
                "--log-level=warn",
            )
        )
        if res.returncode or module_states(params, db, addons()) != dict.fromkeys(addons(), "installed"):
            drop_db(params, db)
            die("Installing the addons failed (see the log above); the half-built database was dropped.")
    else:
        states = module_states(params, db, addons())
        installed = [m for m, state in states.items() if state == "installed"]
        missing = [m for m, state in states.items() if state != "installed"]
        steps = (["-u", ",".join(installed)] if installed else []) + (["-i", ",".join(missing)] if missing else [])
        say(
            f"Database '{db}' exists: upgrading {', '.join(installed) or 'nothing'}"
            f"{'; installing ' + ', '.join(missing) if missing else ''} ..."
        )
        res = subprocess.run(odoo_cmd(src, params, "-d", db, *steps, "--stop-after-init", "--log-level=warn"))
        if res.returncode:
            die("Upgrading the addons failed (see the log above).")
    serve = ["-d", db, f"--http-port={port}", f"--db-filter=^{re.escape(db)}$", *prefork_options(port)]
    say(f"Odoo is starting on http://localhost:{port}  (login: admin / password: admin). Ctrl-C stops it.")
    os.execv(str(PY), odoo_cmd(src, params, *serve))


def prefork_options(port):
    """``SVCMS_WORKERS=N``: Odoo's prefork server with N HTTP workers, 2 cron workers and the websocket
    (gevent) port next to the HTTP port; without it, the threaded server of development."""
    workers = os.environ.get("SVCMS_WORKERS", "").strip()
    if not workers:
        return []
    if not workers.isdigit() or int(workers) < 1:
        die(f"SVCMS_WORKERS must be a number of HTTP workers (1 or more), not {workers!r}.")
    say(f"Prefork server: {workers} HTTP workers, 2 cron workers, websocket on port {port + 3}.")
    return [
        f"--workers={workers}",
        "--max-cron-threads=2",
        f"--gevent-port={port + 3}",
        "--limit-time-real=300",
        "--limit-time-cpu=120",
        "--limit-memory-soft=1610612736",
        "--limit-memory-hard=2147483648",
    ]


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def ensure_browser():
    browser = next(filter(None, map(shutil.which, BROWSERS)), None)
    if not browser and os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing Chromium for the browser tours (apt-get install chromium) ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False)
        browser = shutil.which("chromium")
    if browser:
        warm_up_browser(browser)
        return
    die(
        "The browser tours need Chromium or Google Chrome on PATH.\n"
        "Install it, e.g. on Debian/Ubuntu: sudo apt-get install chromium"
    )


def warm_up_browser(browser):
    """Start the browser once before the tests: Odoo gives a tour's Chromium 10 s to open its devtools port and
    skips the tour otherwise, and the very first start on a fresh machine (font cache, profile, disk cache) can
    take longer than that."""
    with tempfile.TemporaryDirectory(prefix="svcms-chrome-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--dump-dom", "about:blank"]  # fmt: skip
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            say("Chromium did not answer within 120 s; the browser tours may be skipped (and then fail).")


def ensure_report_tools():
    """PDF printing: wkhtmltopdf, a CJK font (Chinese printouts) and pdftotext (the tests read the PDFs back)."""
    missing = {}
    if not shutil.which("wkhtmltopdf"):
        missing["wkhtmltopdf"] = "wkhtmltopdf"
    fonts = ""
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True).stdout
    if not fonts.strip():
        missing["a Chinese font"] = "fonts-noto-cjk"
    if not shutil.which("pdftotext"):
        missing["pdftotext"] = "poppler-utils"
    if not missing:
        return
    packages = sorted(set(missing.values()))
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"Installing what PDF printing needs (apt-get install {' '.join(packages)}) ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env, check=False)
        if shutil.which("wkhtmltopdf") and shutil.which("pdftotext"):
            return
    print(
        f"\nWARNING: PDF printing needs {', '.join(missing)}: Print fails and the report tests fail without them.\n"
        f"  On Debian/Ubuntu: sudo apt-get install {' '.join(packages)}\n"
        "  (for page headers and footers drawn by wkhtmltopdf itself: the patched wkhtmltox 0.12.6.1 build, "
        "see README.md, Printing)\n",
        file=sys.stderr,
        flush=True,
    )


LOG_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_SKIP = re.compile(r"\bodoo\.[\w.]+: skipped (\S+) : (.*)")
LOG_PROBLEM = re.compile(r" (ERROR|CRITICAL) \S+ ")


def run_odoo_tests(src, params, db, mods):
    # the test-only addons of the addons under test are installed (and tested) beside them
    test_mods = [name for name, tested in TEST_ADDONS.items() if set(tested) <= set(mods)]
    tags = os.environ.get("SVCMS_TEST_TAGS") or ",".join(f"/{m}" for m in mods + test_mods)
    log_path = cache_dir() / f"test-{db}.log"
    cmd = odoo_cmd(
        src,
        params,
        "-d",
        db,
        "-i",
        ",".join(mods + test_mods),
        "--with-demo",
        "--load-language=en_US,zh_CN",
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        f"--http-port={free_port(18069)}",
        "--log-level=info",
        "--max-cron-threads=0",
        test_addons=True,
    )
    say(f"Installing {', '.join(mods)} into a fresh database '{db}' and running their Odoo tests ...")
    result, skipped, problems = None, [], []
    with (
        open(log_path, "w") as log,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace") as proc,
    ):
        for line in proc.stdout:
            log.write(line)
            if match := LOG_RESULT.search(line):
                result = tuple(int(g) for g in match.groups())
            if match := LOG_SKIP.search(line):
                skipped.append(f"{match.group(1)}: {match.group(2)}")
            if LOG_PROBLEM.search(line):
                problems.append(line.rstrip())
            if " INFO " not in line or "Starting " in line or "skipped" in line:
                sys.stdout.write(line)
        rc = proc.wait()
    with contextlib.suppress(OSError):
        (cache_dir() / "last-test.log").unlink(missing_ok=True)
        (cache_dir() / "last-test.log").symlink_to(log_path)
    return rc, result, skipped, problems, log_path


def run_pytest(params, db, src):
    env = {
        **os.environ,
        "SVCMS_TEST_DB": db,
        "SVCMS_DB_PARAMS": json.dumps(params),
        "ODOO_SRC": str(src),
        "SVCMS_DATA_DIR": str(cache_dir() / "data"),
    }
    say("Running the cross-addon pytest suite (tests/) ...")
    proc = subprocess.run(
        [str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(REPO / "tests")],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    counts = {k: 0 for k in ("passed", "failed", "error", "skipped")}
    tail = proc.stdout.strip().splitlines()[-1:] or [""]
    for num, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", tail[0]):
        counts["error" if word.startswith("error") else word] += int(num)
    return proc.returncode, counts


def cmd_test(_args):
    src = prepare()
    ensure_browser()
    ensure_report_tools()
    mods = addons()
    params, cluster = database_server()
    db = f"svcms_test_{os.getpid()}"
    passed = failed = skip_count = 0
    try:
        drop_db(params, db)
        init_database(src, params, db)
        rc, result, skipped, problems, log_path = run_odoo_tests(src, params, db, mods)
        runs, odoo_failed = (result[2], result[0] + result[1]) if result else (0, 0)
        states = module_states(params, db, mods) if db_exists(params, db) else {}
        not_installed = {m: s for m, s in states.items() if s != "installed"} if states else dict.fromkeys(mods)
        if not_installed:
            print(f"FAIL: addons not installed: {not_installed}")
            failed += 1
        if rc or result is None:
            print(
                f"FAIL: Odoo exited with code {rc}{' and reported no test result' if result is None else ''}; "
                f"log: {log_path}"
            )
            if not odoo_failed:
                failed += 1
        if runs == 0:
            print("FAIL: Odoo ran no test.")
            failed += 1
        if skipped:
            print("FAIL: skipped Odoo tests count as failures (a tour that does not run proves nothing):")
            for item in skipped:
                print(f"  - {item}")
        if problems and not odoo_failed:
            print("FAIL: errors were logged during the run:")
            for item in problems[:20]:
                print(f"  {item}")
            failed += 1
        py_rc, py = run_pytest(params, db, src) if db_exists(params, db) else (1, {"failed": 1})
        if py_rc and not (py.get("failed") or py.get("error")):
            failed += 1
        passed = max(runs - odoo_failed - len(skipped), 0) + py.get("passed", 0)
        failed += odoo_failed + py.get("failed", 0) + py.get("error", 0) + len(skipped)
        skip_count = py.get("skipped", 0)
    finally:
        drop_db(params, db)
        if cluster:
            cluster.stop_if_idle()
    summary = f"{passed} passed, {failed} failed" + (f", {skip_count} skipped" if skip_count else "")
    print(summary, flush=True)
    sys.exit(1 if failed or skip_count else 0)


def cmd_stop(_args):
    PrivateCluster().stop()


def cmd_shell(_args):
    src = prepare()
    params, _cluster = database_server()
    db = check_db_name(os.environ.get("SVCMS_DB", "svcms"))
    os.execv(str(PY), odoo_cmd(src, params, "-d", db, subcommand="shell"))


def cmd_i18n(_args):
    """Refresh every addon's .pot and zh_CN.po (existing translations kept, new terms empty)."""
    src = prepare()
    params, cluster = database_server()
    db = f"svcms_i18n_{os.getpid()}"
    mods = addons()
    try:
        drop_db(params, db)
        say(f"Installing {', '.join(mods)} with zh_CN into '{db}' to export their terms ...")
        subprocess.run(
            odoo_cmd(
                src,
                params,
                "-d",
                db,
                "-i",
                ",".join(mods),
                "--load-language=en_US,zh_CN",
                "--stop-after-init",
                "--log-level=warn",
            ),
            check=True,
        )
        say("Exporting i18n/<addon>.pot and i18n/zh_CN.po ...")
        conf = cache_dir() / "i18n-odoo.conf"
        conf.write_text("[options]\n" + "".join(f"db_{k} = {v}\n" for k, v in params.items()))
        base = odoo_cmd(src, {}, subcommand="i18n")[:3]
        export = [*base, "i18n", "export", "-c", str(conf), "-d", db]
        subprocess.run([*export, "-l", "pot", "--", *mods], check=True)
        # Odoo reads the translations of Python messages from the .po it is about to overwrite: write each
        # zh_CN.po to a temporary file first, then put it in place.
        with tempfile.TemporaryDirectory() as tmp:
            for mod in mods:
                target = Path(tmp) / f"{mod}.po"
                subprocess.run([*export, "-l", "zh_CN", "-o", str(target), "--", mod], check=True)
                shutil.move(target, REPO / mod / "i18n" / "zh_CN.po")
    finally:
        drop_db(params, db)
        if cluster:
            cluster.stop_if_idle()


def cmd_env(_args):
    """Print shell exports for the other tools (bench, i18n export)."""
    src = prepare()
    params, _cluster = database_server()
    print(json.dumps({"odoo_src": str(src), "db": params, "python": str(PY), "cache": str(cache_dir())}))


def cmd_bench(_args):
    """Benchmark the SLA engine against OCA helpdesk_mgmt_sla in throwaway databases (see bench/README.md)."""
    src = prepare()
    params, cluster = database_server()
    sys.path.insert(0, str(REPO / "bench"))
    import run_bench  # bench/ is not a package of the addons

    try:
        run_bench.main(
            src,
            params,
            odoo_cmd=odoo_cmd,
            drop_db=drop_db,
            sql=sql,
            say=say,
            python=str(PY),
            cache=cache_dir(),
            repo=REPO,
        )
    finally:
        if cluster:
            cluster.stop_if_idle()
