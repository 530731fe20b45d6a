"""A PostgreSQL server for Odoo (the one named by PG* variables, or a private cluster) and parameterised SQL.

SQL runs in the virtualenv's Python (psycopg2 is not in the standard library): values are passed as
query parameters, identifiers such as database names through ``psycopg2.sql.Identifier``. Never build
SQL text with f-strings or ``%``/``format`` on values.
"""

import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
from pathlib import Path

from .common import PG_ROLE, PY, UNPRIVILEGED_USER, cache_dir, die, free_port, say

# Database names we create or accept from SVCMS_DB: also safe in --db-filter and file paths.
DB_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}")

# Runs in the virtualenv: argv[1] is a JSON object {conn, dbname, query, params, identifiers}.
_SQL_RUNNER = """
import json, sys
import psycopg2
from psycopg2 import sql

job = json.loads(sys.argv[1])
conn = psycopg2.connect(dbname=job["dbname"], **job["conn"])
conn.autocommit = True
query = sql.SQL(job["query"]).format(*(sql.Identifier(name) for name in job["identifiers"]))
with conn.cursor() as cr:
    cr.execute(query, job["params"])
    print(json.dumps(cr.fetchall() if cr.description else []))
conn.close()
"""


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
        self.port_file.write_text(str(free_port(54329)))
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
                port = free_port(port + 1)
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


def check_db_name(name):
    """Return ``name`` if it is a plain database name (letters, digits, ``_ . -``), else stop with advice."""
    if not DB_NAME.fullmatch(name or ""):
        die(f"Invalid database name {name!r}: use letters, digits, '_', '.' or '-' (at most 63 characters).")
    return name


def sql(db_params, dbname, query, params=None, identifiers=()):
    """Run ``query`` on database ``dbname``; return its rows (a list of lists).

    ``params`` are psycopg2 query parameters (``%s`` in ``query``); ``identifiers`` (database, table or
    role names) replace the ``{}`` placeholders, quoted by ``psycopg2.sql.Identifier``.
    """
    job = {
        "conn": db_params,
        "dbname": dbname,
        "query": query,
        "params": list(params) if params is not None else None,
        "identifiers": list(identifiers),
    }
    res = subprocess.run([str(PY), "-c", _SQL_RUNNER, json.dumps(job)], capture_output=True, text=True)
    if res.returncode:
        raise RuntimeError(res.stderr.strip())
    return json.loads(res.stdout)


def db_exists(db_params, name):
    return bool(sql(db_params, "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def drop_db(db_params, name):
    check_db_name(name)
    with contextlib.suppress(RuntimeError):
        sql(db_params, "postgres", "DROP DATABASE IF EXISTS {} WITH (FORCE)", identifiers=[name])
    shutil.rmtree(cache_dir() / "data" / "filestore" / name, ignore_errors=True)


def module_states(db_params, db, modules):
    rows = sql(db_params, db, "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [list(modules)])
    states = dict(rows)
    return {m: states.get(m, "absent") for m in modules}
