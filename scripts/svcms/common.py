"""Paths, messages and settings shared by every command."""

import os
import socket
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
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


def free_port(start):
    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    die(f"No free TCP port found from {start}.")


def port_in_use(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return True
    return False


def machine_summary():
    """``(cores, cpu model, memory)`` of this machine for benchmark results (Linux; elsewhere the cores only)."""
    cpu, memory = "unknown", "unknown"
    try:
        models = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
        total = [
            line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
        ]
        memory = f"{int(total[0]) / 1024**2:.1f} GiB" if total else memory
    except (OSError, IndexError, ValueError):
        pass
    return os.cpu_count(), cpu, memory
