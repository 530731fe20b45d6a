"""Each addon installs with pip into an existing Odoo 19, as OCA addons do (whool build backend)."""

import ast
import os
import subprocess
import sys
import zipfile
from email.parser import Parser

import pytest

# Odoo's own addons come with the `odoo` distribution; others are wheels named odoo-addon-<name>.
ODOO_CORE = ("odoo==19.0.*",)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory, repo, addons):
    """Build the wheel of every addon with pip (PEP 517, whool fetched from the package registry)."""
    out = tmp_path_factory.mktemp("wheels")
    env = dict(os.environ, WHOOL_POST_VERSION_STRATEGY_OVERRIDE="none", PIP_DISABLE_PIP_VERSION_CHECK="1")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), *(str(repo / a) for a in addons)],
        check=True,
        env=env,
        cwd=repo,
    )
    return {path.name.split("-")[0].removeprefix("odoo_addon_"): path for path in out.glob("*.whl")}


def _metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode()), archive.namelist()


def test_every_addon_has_a_wheel(wheels, addons):
    assert sorted(wheels) == addons


@pytest.mark.parametrize("addon", ["svcms_base", "svcms_aftersales", "svcms_audit", "svcms_itsm"])
def test_wheel_metadata(wheels, repo, addons, addon):
    manifest = ast.literal_eval((repo / addon / "__manifest__.py").read_text())
    metadata, files = _metadata(wheels[addon])
    assert metadata["Name"] == f"odoo-addon-{addon}"
    assert metadata["Version"] == manifest["version"]
    requires = set(metadata.get_all("Requires-Dist"))
    expected = set(ODOO_CORE)
    expected |= {f"odoo-addon-{dep}==19.0.*" for dep in manifest["depends"] if dep in addons}
    expected |= set(manifest.get("external_dependencies", {}).get("python", []))
    assert requires == expected
    # the addon lands in Odoo's addons namespace, data files and translations included
    assert f"odoo/addons/{addon}/__manifest__.py" in files
    assert f"odoo/addons/{addon}/i18n/zh_CN.po" in files
    assert any(name.startswith(f"odoo/addons/{addon}/security/") for name in files)
