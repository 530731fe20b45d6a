"""The project's virtualenv (.venv): Odoo 19's requirements, adjusted to install here, and ours."""

import hashlib
import subprocess
import sys

from .common import PY, REPO, VENV, die, say


def _odoo_requirements(src):
    """Odoo's pins, adjusted for what installs here, without touching Odoo's files."""
    lines = []
    for line in (src / "requirements.txt").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("psycopg2=="):
            line = line.replace("psycopg2==", "psycopg2-binary==", 1)  # no libpq headers needed
        elif stripped.startswith("cbor2==5.4.2"):
            line = line.replace("cbor2==5.4.2", "cbor2==5.4.6", 1)  # 5.4.2 does not build on 3.11
        elif stripped.startswith("polib==1.1.1"):
            line = line.replace("polib==1.1.1", "polib==1.2.0", 1)  # oca-odoo-pre-commit-hooks needs polib 1.2.*
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
