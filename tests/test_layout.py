"""The addons' shape: readme fragments, shared test fixtures in tests/common.py, demo helpers apart."""

import re

import pytest

README_FRAGMENTS = ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md", "CONTRIBUTORS.md")


@pytest.mark.parametrize("fragment", README_FRAGMENTS)
def test_every_addon_has_readme_fragments(repo, addons, fragment):
    for addon in addons:
        path = repo / addon / "readme" / fragment
        assert path.is_file() and path.read_text().strip(), f"{addon}: readme/{fragment} is missing or empty"


def test_test_modules_share_fixtures_only_through_common(repo, addons):
    """A test module imports fixtures from tests/common.py, never from another test module."""
    offenders = []
    for addon in addons:
        for path in sorted((repo / addon / "tests").glob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                found = re.match(r"\s*from \.(\w+) import", line)
                if found and found.group(1) != "common":
                    offenders.append(f"{path.relative_to(repo)}:{number}: {line.strip()}")
    assert not offenders, "import shared fixtures from tests/common.py:\n" + "\n".join(offenders)


def test_demo_helpers_stay_out_of_production_models(repo, addons):
    """Demo-story code lives in models/demo_story.py, not in the models users work with."""
    offenders = [
        str(path.relative_to(repo))
        for addon in addons
        for path in sorted((repo / addon / "models").glob("*.py"))
        if path.name != "demo_story.py" and re.search(r"def _svcms_demo_\w*\(", path.read_text())
    ]
    assert not offenders, f"demo helpers in production models: {offenders}"
