"""The developer script: every command has --help, and no SQL is built from f-strings."""

import re
import subprocess
import sys
import tokenize

import pytest

COMMANDS = ("run", "test", "stop", "shell", "i18n", "env", "bench")
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|TRUNCATE|GRANT|REVOKE)\b")


def script(repo, *args):
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "svcms.py"), *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_every_command(repo):
    res = script(repo, "--help")
    assert res.returncode == 0, res.stderr
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", res.stdout, re.M), f"--help does not describe `{command}`"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(repo, command):
    res = script(repo, command, "--help")
    assert res.returncode == 0, res.stderr
    assert f"usage: svcms.py {command}" in res.stdout


def test_unknown_command_is_refused(repo):
    res = script(repo, "no-such-command")
    assert res.returncode == 2
    assert "invalid choice" in res.stderr


def f_strings(path):
    """(line, text) of every f-string literal in ``path`` (Python 3.10-3.13 tokenizers)."""
    found, parts, start = [], None, None
    with tokenize.open(path) as handle:
        for token in tokenize.generate_tokens(handle.readline):
            kind = tokenize.tok_name[token.type]
            if kind == "STRING" and "f" in re.match(r"[A-Za-z]*", token.string).group().lower():
                found.append((token.start[0], token.string))
            elif kind == "FSTRING_START":
                parts, start = [token.string], token.start[0]
            elif parts is not None:
                parts.append(token.string)
                if kind == "FSTRING_END":
                    found.append((start, "".join(parts)))
                    parts = None
    return found


def test_f_string_detector_sees_sql(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('name = "x"\nquery = f\'DROP DATABASE "{name}"\'\nok = "SELECT 1"\n')
    assert [line for line, text in f_strings(sample) if SQL_WORDS.search(text)] == [2]


def test_no_sql_built_with_f_strings(repo):
    paths = sorted((repo / "scripts").rglob("*.py")) + sorted((repo / "bench").rglob("*.py"))
    assert paths
    offenders = [
        f"{path.relative_to(repo)}:{line}: {text}"
        for path in paths
        for line, text in f_strings(path)
        if SQL_WORDS.search(text)
    ]
    assert not offenders, "SQL built with f-strings (use query parameters / psycopg2.sql.Identifier):\n" + "\n".join(
        offenders
    )
