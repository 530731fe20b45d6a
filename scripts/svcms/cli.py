"""Command line: `python3 scripts/svcms.py <command>` (argparse; every command has --help)."""

import argparse
import signal
import sys
import textwrap

from . import commands

ENVIRONMENT = """\
environment (all optional):
  ODOO_SRC          Odoo 19.0 source tree (the folder holding odoo-bin)
  SVCMS_CACHE       cache directory (default: $XDG_CACHE_HOME/svcms or ~/.cache/svcms)
  SVCMS_HTTP_PORT   port `run` serves on (default 8069)
  SVCMS_DB          demo database name (default svcms)
  SVCMS_MODULES     comma-separated addons to install (default: every svcms_* addon)
  SVCMS_TEST_TAGS   --test-tags for `test` (default: every svcms addon), e.g. /svcms_base:TestDocument
  PGHOST/PGPORT/PGUSER/PGPASSWORD  use this PostgreSQL server if it answers
"""

# name: (function, one-line help, description shown by `<name> --help`)
COMMANDS = {
    "run": (
        commands.cmd_run,
        "serve the demo database on http://localhost:8069 (admin/admin)",
        "Create the virtualenv and find Odoo 19 if needed, start PostgreSQL, create the demo database "
        "(SVCMS_DB, every svcms addon with demo data and Chinese) or upgrade its addons, then serve Odoo on "
        "SVCMS_HTTP_PORT until Ctrl-C.",
    ),
    "test": (
        commands.cmd_test,
        "fresh throwaway database, every Odoo test and the pytest suite",
        "Install the addons (SVCMS_MODULES, default all) with demo data and Chinese into a throwaway database, "
        "run their Odoo tests (SVCMS_TEST_TAGS, default every addon; tours in headless Chromium; a skipped test "
        "fails), then the pytest suite in tests/. Prints 'N passed, N failed', exits non-zero on any failure, "
        "and drops the database. The Odoo log is in <cache>/test-<db>.log.",
    ),
    "stop": (
        commands.cmd_stop,
        "stop the private PostgreSQL cluster",
        "Stop the private PostgreSQL cluster under the cache directory (not a server named by PG* variables).",
    ),
    "shell": (
        commands.cmd_shell,
        "odoo shell on the demo database",
        "Open an odoo shell on the demo database (SVCMS_DB); a script can be piped in on stdin.",
    ),
    "i18n": (
        commands.cmd_i18n,
        "refresh every addon's .pot and zh_CN.po from the code",
        "Install the addons with zh_CN into a throwaway database and export i18n/<addon>.pot and i18n/zh_CN.po "
        "(existing translations kept, new terms empty).",
    ),
    "env": (
        commands.cmd_env,
        "print the Odoo source, database parameters, Python and cache as JSON",
        "Print, as one JSON object, what other tools need: the Odoo source, the PostgreSQL connection "
        "parameters, the virtualenv's Python and the cache directory.",
    ),
    "bench": (
        commands.cmd_bench,
        "benchmark the SLA engine against OCA helpdesk_mgmt_sla (results in bench/README.md)",
        "Benchmark the SLA engine of svcms_base against OCA helpdesk_mgmt_sla in throwaway databases "
        "(SVCMS_BENCH_RECORDS, SVCMS_BENCH_OPEN) and record the results in bench/README.md.",
    ),
}


def parser():
    top = argparse.ArgumentParser(
        prog="svcms.py",
        description="SVCMS developer entry point: set up, run and test the addons on Odoo 19.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="command", metavar="<command>", title="commands")
    sub.required = True
    for name, (function, summary, description) in COMMANDS.items():
        cmd = sub.add_parser(
            name,
            help=summary,
            description=textwrap.fill(description, 100),
            epilog=ENVIRONMENT,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        cmd.set_defaults(function=function)
    return top


def main(argv=None):
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.function(args)
    return 0
