#!/usr/bin/env python3
"""SVCMS developer entry point: set up, run and test the addons on Odoo 19.

Standard library only: this script creates the virtualenv everything else runs in.

    python3 scripts/svcms.py run      # demo database on http://localhost:8069 (admin/admin)
    python3 scripts/svcms.py test     # fresh database, every Odoo test + the pytest suite
    python3 scripts/svcms.py stop     # stop the private PostgreSQL cluster
    python3 scripts/svcms.py shell    # odoo shell on the demo database

Environment (all optional):
    ODOO_SRC          Odoo 19.0 source tree (the folder holding odoo-bin)
    SVCMS_CACHE       cache directory (default: $XDG_CACHE_HOME/svcms or ~/.cache/svcms)
    SVCMS_HTTP_PORT   port `run` serves on (default 8069)
    SVCMS_DB          demo database name (default svcms)
    SVCMS_MODULES     comma-separated addons to install (default: every svcms_* addon)
    SVCMS_TEST_TAGS   extra --test-tags for `test` (default: every svcms addon)
    PGHOST/PGPORT/PGUSER/PGPASSWORD  use this PostgreSQL server if it answers
"""

import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
PY = VENV / "bin" / "python"
ODOO_SERIES = "19.0"
ODOO_ARCHIVE_URL = "https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz"
PG_ROLE = "odoo"
UNPRIVILEGED_USER = "nobody"


def say(msg):
    print(f"==> {msg}", flush=True)


def die(msg, code=2):
    print(f"\nERROR: {msg}\n", file=sys.stderr, flush=True)
    sys.exit(code)


def cache_dir():
    if os.environ.get("SVCMS_CACHE"):
        path = Path(os.environ["SVCMS_CACHE"])
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "svcms"
    path.mkdir(parents=True, exist_ok=True)
    return path


def addons():
    found = sorted(p.parent.name for p in REPO.glob("svcms_*/__manifest__.py"))
    wanted = os.environ.get("SVCMS_MODULES")
    return [m.strip() for m in wanted.split(",")] if wanted else found


# --------------------------------------------------------------------------- Odoo source
def _is_odoo_19(path):
    release = Path(path) / "odoo" / "release.py"
    if not (Path(path) / "odoo-bin").is_file() or not release.is_file():
        return False
    return re.search(r"version_info\s*=\s*\(\s*19\s*,\s*0\b", release.read_text()) is not None


def _download_odoo(target):
    say(f"Downloading the official Odoo {ODOO_SERIES} source into {target} (about 300 MB) ...")
    tmp = Path(tempfile.mkdtemp(prefix="odoo-dl-", dir=target.parent))
    try:
        archive = tmp / "odoo.tar.gz"
        with urllib.request.urlopen(ODOO_ARCHIVE_URL, timeout=60) as resp, open(archive, "wb") as out:
            shutil.copyfileobj(resp, out)
        say("Unpacking the Odoo source ...")
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(tmp)
        (top,) = [p for p in tmp.iterdir() if p.is_dir()]
        top.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def odoo_src():
    env_src = os.environ.get("ODOO_SRC")
    if env_src:
        if not _is_odoo_19(env_src):
            die(f"ODOO_SRC={env_src} is not an Odoo 19.0 source tree (no odoo-bin or wrong version).")
        return Path(env_src).resolve()
    cached = cache_dir() / f"odoo-{ODOO_SERIES}"
    if _is_odoo_19(cached):
        return cached
    if cached.exists() and any(cached.iterdir()):
        die(f"{cached} exists but is not an Odoo 19.0 source tree: remove it or set ODOO_SRC.")
    try:
        cached.rmdir() if cached.exists() else None
        _download_odoo(cached)
    except Exception as exc:  # noqa: BLE001 - any network failure ends in the same advice
        die(
            f"No Odoo {ODOO_SERIES} source found and the download failed ({exc}).\n"
            f"Do one of these, then run the command again:\n"
            f"  * set ODOO_SRC to an Odoo {ODOO_SERIES} checkout (the folder with odoo-bin):\n"
            f"      git clone --depth 1 -b {ODOO_SERIES} https://github.com/odoo/odoo.git /path/to/odoo\n"
            f"      export ODOO_SRC=/path/to/odoo\n"
            f"  * or unpack {ODOO_ARCHIVE_URL}\n"
            f"    so that {cached}/odoo-bin exists."
        )
    if not _is_odoo_19(cached):
        die(f"The downloaded source in {cached} is not Odoo {ODOO_SERIES}.")
    return cached


# --------------------------------------------------------------------------- virtualenv
def _odoo_requirements(src):
    """Odoo's pins, adjusted for what installs here, without touching Odoo's files."""
    lines = []
    for line in (src / "requirements.txt").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("psycopg2=="):
            line = line.replace("psycopg2==", "psycopg2-binary==", 1)  # no libpq headers needed
        elif stripped.startswith("cbor2==5.4.2"):
            line = line.replace("cbor2==5.4.2", "cbor2==5.4.6", 1)  # 5.4.2 does not build on 3.11
        elif stripped.startswith("python-ldap"):
            continue  # needs libldap headers; only the optional auth_ldap uses it
        lines.append(line)
    return "\n".join(lines) + "\n"


def ensure_venv(src):
    if not (sys.version_info[:2] >= (3, 10) and sys.version_info[:2] <= (3, 13)):
        die(f"Odoo 19 needs Python 3.10-3.13; this is {sys.version.split()[0]}.")
    reqs = _odoo_requirements(src)
    ours = (REPO / "requirements.txt").read_text()
    stamp_value = hashlib.sha256((reqs + ours + sys.version).encode()).hexdigest()
    stamp = VENV / ".svcms-stamp"
    if stamp.is_file() and stamp.read_text() == stamp_value and PY.exists():
        return
    if not PY.exists():
        say(f"Creating the virtualenv in {VENV} ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    say("Installing Odoo 19 and SVCMS requirements into the virtualenv (first time: a few minutes) ...")
    req_file = VENV / "odoo-requirements.txt"
    req_file.write_text(reqs)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip", "setuptools", "wheel"], check=True)
    subprocess.run([*pip, "-r", str(req_file), "-r", str(REPO / "requirements.txt")], check=True)
    stamp.write_text(stamp_value)


# --------------------------------------------------------------------------- PostgreSQL
def _pg_bindir():
    candidates = []
    if shutil.which("pg_config"):
        with contextlib.suppress(Exception):
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    candidates += versions
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).parent)
    for cand in candidates:
        if (cand / "initdb").exists() and (cand / "pg_ctl").exists() and (cand / "postgres").exists():
            return cand
    die(
        "No PostgreSQL server binaries (initdb, pg_ctl, postgres) found.\n"
        "Install them, e.g. on Debian/Ubuntu: sudo apt-get install postgresql\n"
        "(PostgreSQL 13 or newer), or point PGHOST/PGPORT/PGUSER/PGPASSWORD at a running server."
    )


def _can_connect(params):
    code = (
        "import psycopg2,json,sys;p=json.loads(sys.argv[1]);"
        "psycopg2.connect(dbname='postgres',connect_timeout=3,**p).close()"
    )
    res = subprocess.run([str(PY), "-c", code, json.dumps(params)], capture_output=True, text=True)
    return res.returncode == 0


def _external_pg():
    if not any(os.environ.get(v) for v in ("PGHOST", "PGPORT", "PGUSER")):
        return None
    params = {
        "host": os.environ.get("PGHOST") or None,
        "port": os.environ.get("PGPORT") or None,
        "user": os.environ.get("PGUSER") or None,
        "password": os.environ.get("PGPASSWORD") or None,
    }
    params = {k: v for k, v in params.items() if v}
    if params.get("user") == "postgres":
        say("PGUSER=postgres: Odoo refuses that role, using a private cluster instead.")
        return None
    if _can_connect(params):
        say(f"Using the PostgreSQL server named by PG* variables ({params.get('host', 'socket')}).")
        return params
    say("The PostgreSQL server named by PG* variables does not answer; using a private cluster.")
    return None


def _free_port(start):
    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    die(f"No free TCP port found from {start}.")


class PrivateCluster:
    """A PostgreSQL cluster of our own under the cache directory, run unprivileged."""

    def __init__(self):
        self.as_root = os.geteuid() == 0
        base = cache_dir() / "pg"
        if self.as_root:
            # /root is not traversable by the unprivileged server user.
            base = Path("/var/tmp") / f"svcms-pg-{hashlib.sha1(str(cache_dir()).encode()).hexdigest()[:8]}"
        self.base = base
        self.data = base / "data"
        self.sock = base / "sock"
        self.log = base / "postgres.log"
        self.port_file = base / "port"
        self.bindir = _pg_bindir()

    def _run(self, args, **kw):
        if self.as_root:
            user = pwd.getpwnam(UNPRIVILEGED_USER)
            kw.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
            kw["env"] = {**os.environ, "HOME": str(self.base)}
        return subprocess.run(args, **kw)

    def _chown(self, path):
        if self.as_root:
            user = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(path, user.pw_uid, user.pw_gid)

    @property
    def port(self):
        return int(self.port_file.read_text())

    def params(self):
        return {"host": str(self.sock), "port": str(self.port), "user": PG_ROLE}

    def running(self):
        if not (self.data / "PG_VERSION").exists():
            return False
        res = self._run([str(self.bindir / "pg_ctl"), "status", "-D", str(self.data)], capture_output=True)
        return res.returncode == 0

    def init(self):
        say(f"Initialising a private PostgreSQL cluster in {self.data} ...")
        for path in (self.base, self.sock):
            path.mkdir(parents=True, exist_ok=True)
            self._chown(path)
        self.base.chmod(0o755)
        self.port_file.write_text(str(_free_port(54329)))
        self._chown(self.port_file)
        res = self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                PG_ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode:
            die(f"initdb failed:\n{res.stdout}\n{res.stderr}")

    def start(self):
        """Start the cluster if needed; return True when this call started it."""
        if not (self.data / "PG_VERSION").exists():
            self.init()
        if self.running():
            return False
        port = self.port
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                port = _free_port(port + 1)
                self.port_file.write_text(str(port))
        say(f"Starting the private PostgreSQL cluster (port {port}, socket {self.sock}) ...")
        opts = f"-p {port} -k {self.sock} -c listen_addresses=localhost -c fsync=off -c full_page_writes=off"
        res = self._run(
            [
                str(self.bindir / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                opts,
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode:
            tail = self.log.read_text()[-2000:] if self.log.exists() else ""
            die(f"PostgreSQL did not start:\n{res.stdout}{res.stderr}\n{tail}")
        return True

    def busy(self):
        """True while another client (a second run, a helper's test) uses the cluster."""
        try:
            rows = sql(
                self.params(),
                "postgres",
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
            )
        except RuntimeError:
            return False
        return rows[0][0] > 0

    def stop_if_idle(self):
        if self.busy():
            say("The private PostgreSQL cluster is still used by another run: leaving it running.")
        else:
            self.stop()

    def stop(self):
        if self.running():
            say("Stopping the private PostgreSQL cluster ...")
            self._run([str(self.bindir / "pg_ctl"), "stop", "-m", "fast", "-D", str(self.data)], capture_output=True)
        else:
            say("The private PostgreSQL cluster is not running.")


def database_server():
    """Return (connection params, cluster started by us or None)."""
    external = _external_pg()
    if external:
        return external, None
    cluster = PrivateCluster()
    started = cluster.start()
    return cluster.params(), (cluster if started else None)


# --------------------------------------------------------------------------- Odoo
def odoo_cmd(src, db_params, *args, subcommand=None):
    cmd = [str(PY), str(src / "odoo-bin")]
    cmd += [f"--addons-path={src / 'odoo' / 'addons'},{src / 'addons'},{REPO}"]
    cmd += [subcommand] if subcommand else []
    cmd += [f"--data-dir={cache_dir() / 'data'}"]
    if db_params.get("host"):
        cmd.append(f"--db_host={db_params['host']}")
    if db_params.get("port"):
        cmd.append(f"--db_port={db_params['port']}")
    if db_params.get("user"):
        cmd.append(f"--db_user={db_params['user']}")
    if db_params.get("password"):
        cmd.append(f"--db_password={db_params['password']}")
    return cmd + list(args)


def sql(db_params, dbname, query):
    code = (
        "import psycopg2,json,sys;p=json.loads(sys.argv[1]);"
        "c=psycopg2.connect(dbname=sys.argv[2],**p);c.autocommit=True;cr=c.cursor();cr.execute(sys.argv[3]);"
        "print(json.dumps(cr.fetchall() if cr.description else []))"
    )
    res = subprocess.run([str(PY), "-c", code, json.dumps(db_params), dbname, query], capture_output=True, text=True)
    if res.returncode:
        raise RuntimeError(res.stderr.strip())
    return json.loads(res.stdout)


def db_exists(db_params, name):
    return bool(sql(db_params, "postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def drop_db(db_params, name):
    with contextlib.suppress(RuntimeError):
        sql(db_params, "postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(cache_dir() / "data" / "filestore" / name, ignore_errors=True)


def module_states(db_params, db, modules):
    names = ",".join(f"'{m}'" for m in modules)
    rows = sql(db_params, db, f"SELECT name, state FROM ir_module_module WHERE name IN ({names})")
    states = dict(rows)
    return {m: states.get(m, "absent") for m in modules}


def port_in_use(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return True
    return False


def prepare():
    src = odoo_src()
    say(f"Odoo source: {src}")
    ensure_venv(src)
    return src


# --------------------------------------------------------------------------- commands
def cmd_run(_args):
    src = prepare()
    ensure_report_tools()
    port = int(os.environ.get("SVCMS_HTTP_PORT", "8069"))
    if port_in_use(port):
        die(
            f"Port {port} is already in use (another Odoo running?). Stop it, or choose another port:\n"
            f"  SVCMS_HTTP_PORT=8070 make run"
        )
    db = os.environ.get("SVCMS_DB", "svcms")
    params, _cluster = database_server()
    mods = ",".join(addons())
    if not db_exists(params, db):
        say(
            f"Creating the demo database '{db}' with demo data and Chinese (zh_CN); installing {mods} "
            f"(first time: several minutes) ..."
        )
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
    say(f"Odoo is starting on http://localhost:{port}  (login: admin / password: admin). Ctrl-C stops it.")
    os.execv(str(PY), odoo_cmd(src, params, "-d", db, f"--http-port={port}", f"--db-filter=^{db}$"))


def ensure_browser():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing Chromium for the browser tours (apt-get install chromium) ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False)
        if shutil.which("chromium"):
            return
    die(
        "The browser tours need Chromium or Google Chrome on PATH.\n"
        "Install it, e.g. on Debian/Ubuntu: sudo apt-get install chromium"
    )


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
    tags = os.environ.get("SVCMS_TEST_TAGS") or ",".join(f"/{m}" for m in mods)
    log_path = cache_dir() / f"test-{db}.log"
    cmd = odoo_cmd(
        src,
        params,
        "-d",
        db,
        "-i",
        ",".join(mods),
        "--with-demo",
        "--load-language=en_US,zh_CN",
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        f"--http-port={_free_port(18069)}",
        "--log-level=info",
        "--max-cron-threads=0",
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
    db = os.environ.get("SVCMS_DB", "svcms")
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
        subprocess.run(
            [*base, "i18n", "export", "-c", str(conf), "-d", db, "-l", "pot", "zh_CN", "--", *mods], check=True
        )
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


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "stop": cmd_stop,
    "shell": cmd_shell,
    "i18n": cmd_i18n,
    "env": cmd_env,
    "bench": cmd_bench,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    COMMANDS[argv[1]](argv[2:])


if __name__ == "__main__":
    main(sys.argv)
