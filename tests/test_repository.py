"""What the repository itself promises: valid manifests, well-formed XML, translations, docs, lint."""

import ast
import re
import shutil
import subprocess

import polib
import pytest
from lxml import etree


def manifest(repo, addon):
    return ast.literal_eval((repo / addon / "__manifest__.py").read_text())


def test_there_are_addons(addons):
    assert "svcms_base" in addons


@pytest.mark.parametrize("key", ["name", "version", "license", "author", "depends", "summary"])
def test_manifest_keys(repo, addons, key):
    for addon in addons:
        assert key in manifest(repo, addon), f"{addon}: manifest lacks {key}"


def test_manifest_version_is_19(repo, addons):
    for addon in addons:
        version = manifest(repo, addon)["version"]
        assert re.fullmatch(r"19\.0\.\d+\.\d+\.\d+", version), f"{addon}: version {version} is not 19.0.x.y.z"


def test_manifest_license_matches_odoo(repo, addons):
    for addon in addons:
        assert manifest(repo, addon)["license"] == "LGPL-3", addon
    assert "LESSER GENERAL PUBLIC LICENSE" in (repo / "LICENSE").read_text()


def test_manifest_files_exist(repo, addons):
    for addon in addons:
        data = manifest(repo, addon)
        for key in ("data", "demo"):
            for rel in data.get(key, []):
                assert (repo / addon / rel).is_file(), f"{addon}: {key} file {rel} is missing"


def test_every_data_file_is_listed(repo, addons):
    for addon in addons:
        data = manifest(repo, addon)
        listed = set(data.get("data", [])) | set(data.get("demo", []))
        for folder in ("views", "security", "data", "demo", "report", "wizards"):
            for path in (repo / addon / folder).glob("*"):
                if path.suffix in (".xml", ".csv"):
                    rel = str(path.relative_to(repo / addon))
                    assert rel in listed, f"{addon}: {rel} is not loaded by the manifest"


def test_xml_well_formed(repo):
    for path in repo.glob("svcms_*/**/*.xml"):
        etree.parse(str(path))


def test_no_pre_17_view_syntax(repo):
    for path in repo.glob("svcms_*/**/*.xml"):
        text = path.read_text()
        assert not re.search(r"\battrs=|<tree[ >]|\bstates=\"", text), f"{path}: pre-17 view syntax"


def test_every_addon_ships_chinese(repo, addons):
    for addon in addons:
        po_path = repo / addon / "i18n" / "zh_CN.po"
        pot_path = repo / addon / "i18n" / f"{addon}.pot"
        assert po_path.is_file(), f"{addon}: no i18n/zh_CN.po"
        assert pot_path.is_file(), f"{addon}: no i18n/{addon}.pot"
        po = polib.pofile(str(po_path))
        pot = polib.pofile(str(pot_path))
        translated = {entry.msgid for entry in po if entry.msgstr}
        missing = [entry.msgid for entry in pot if entry.msgid not in translated]
        assert not missing, f"{addon}: {len(missing)} terms without Chinese, e.g. {missing[:5]}"


def test_readme_commands_exist(repo):
    readme = (repo / "README.md").read_text()
    makefile = (repo / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    used = set(re.findall(r"`make ([a-z][\w-]*)", readme))
    assert {"run", "test"} <= used, "README must name `make run` and `make test`"
    assert used <= targets, f"README names make targets that do not exist: {used - targets}"
    assert re.search(r"^make test$", (repo / ".ci" / "run").read_text(), re.M), ".ci/run must call make test"


def test_pre_commit_hooks_pass(repo, tmp_path):
    pre_commit = repo / ".venv" / "bin" / "pre-commit"
    assert pre_commit.exists(), "pre-commit is not installed in .venv"
    if not (repo / ".git").exists() or not shutil.which("git"):
        pytest.fail("pre-commit needs the git checkout")
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    res = subprocess.run(
        [str(pre_commit), "run", "--files", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"PRE_COMMIT_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert res.returncode == 0, res.stdout + res.stderr


def _action_methods(repo):
    for path in sorted(repo.glob("svcms_*/models/*.py")) + sorted(repo.glob("svcms_*/wizards/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("action_"):
                yield path.relative_to(repo), node


def test_public_actions_return_something_rpc_can_carry(repo):
    """XML-RPC cannot marshal None: every public action_* ends in a return of True or an action."""
    offenders = []
    for path, node in _action_methods(repo):
        returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
        bare = [n for n in returns if n.value is None or (isinstance(n.value, ast.Constant) and n.value.value is None)]
        last = node.body[-1]
        ends_well = isinstance(last, ast.Raise) or (isinstance(last, ast.Return) and last.value is not None)
        if bare or not ends_well:
            offenders.append(f"{path}:{node.lineno} {node.name}")
    assert not offenders, "action_* methods that can return None:\n" + "\n".join(offenders)
