"""Finding the Odoo 19.0 source (ODOO_SRC, the cache, or a download) and building odoo-bin command lines."""

import os
import re
import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from .common import ODOO_ARCHIVE_URL, ODOO_SERIES, PY, REPO, cache_dir, die, say


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


# --------------------------------------------------------------------------- Odoo
# Test-only addons (e.g. a minimal consumer of the SLA engine): on the addons path and installed only in
# the throwaway database of `svcms.py test`, never by `make run`.
TEST_ADDONS_DIR = REPO / "tests" / "addons"
# test addon: the addons it tests (installed when all of them are)
TEST_ADDONS = {
    "svcms_sla_test_consumer": ("svcms_base",),
    "svcms_view_queries": ("svcms_base", "svcms_aftersales", "svcms_audit", "svcms_itsm"),
}


def odoo_cmd(src, db_params, *args, subcommand=None, test_addons=False):
    cmd = [str(PY), str(src / "odoo-bin")]
    extra = f",{TEST_ADDONS_DIR}" if test_addons else ""
    cmd += [f"--addons-path={src / 'odoo' / 'addons'},{src / 'addons'},{REPO}{extra}"]
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
