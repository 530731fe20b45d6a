#!/usr/bin/env python3
"""Management review benchmark: preparing the inputs of a review on large data; prints one JSON line.

    python bench/management_review.py --db DB --odoo-src SRC [--complaints 200000] [--sla-lines 500000]
        -- <odoo options: --addons-path=... --db_host=... ...>

Needs a database with svcms_audit and its demo data (one complaint and one SLA line at least: the rows
inserted are copies of them). Inserts --complaints complaints and --sla-lines SLA lines by SQL (spread
over the review period, every state, severity and satisfaction), plus 20,000 context issues and risks,
then times "Prepare Inputs" of a management review of the demo ITSM system (wall time and SQL queries)
twice: cold (caches cleared) and warm. Everything runs in one transaction that is rolled back: the
database is left as it was. Target (issue 10): < 5 s, queries independent of the number of records.
"""

import argparse
import json
import sys
import time
from datetime import date, timedelta


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo-src", required=True, help="Odoo 19.0 source tree (the folder holding odoo-bin)")
    parser.add_argument("--complaints", type=int, default=200000)
    parser.add_argument("--sla-lines", type=int, default=500000)
    parser.add_argument("--registers", type=int, default=20000, help="context issues and risks each")
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    args.odoo_args = [a for a in args.odoo_args if a != "--"]
    return args


def copy_rows(cr, table, count, overrides):
    """Insert ``count`` copies of the last row of ``table``, with ``overrides`` {column: SQL expression of n}."""
    from psycopg2 import sql

    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    cr.execute(sql.SQL("SELECT max(id) FROM {}").format(sql.Identifier(table)))
    template = cr.fetchone()[0]
    if not template:
        sys.exit(table + " is empty: install svcms_audit with its demo data first")
    select = sql.SQL(", ").join(
        sql.SQL(overrides[column]) if column in overrides else sql.Identifier("t", column) for column in columns
    )
    query = sql.SQL(
        "INSERT INTO {table} ({names}) SELECT {select} FROM {table} t, generate_series(1, %s) n " "WHERE t.id = %s"
    ).format(
        table=sql.Identifier(table),
        names=sql.SQL(", ").join(map(sql.Identifier, columns)),
        select=select,
    )
    cr.execute(query, [count, template])


def main():
    args = parse_args()
    sys.path.insert(0, args.odoo_src)
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(args.odoo_args, setup_logging=True)
    registry = Registry(args.db)
    result = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        today = date.today()
        start = today - timedelta(days=365)
        seeding = time.perf_counter()
        copy_rows(
            cr,
            "svcms_complaint",
            args.complaints,
            {
                "name": "'BENCH/' || n",
                "date_received": f"timestamp '{start}' + mod(n, 365) * interval '1 day'",
                "state": "(ARRAY['new','investigating','resolved','closed','cancelled'])[1 + mod(n, 5)]",
                "severity": "(ARRAY['low','normal','high','critical'])[1 + mod(n, 4)]",
                "satisfaction": "CASE WHEN mod(n, 3) = 0 THEN (1 + mod(n, 5))::varchar END",
                "satisfaction_score": "CASE WHEN mod(n, 3) = 0 THEN 1 + mod(n, 5) ELSE 0 END",
            },
        )
        copy_rows(
            cr,
            "svcms_sla_line",
            args.sla_lines,
            {
                "res_id": "1000000000 + n",  # one line per (record, metric): fake records, counted only
                "start_datetime": f"timestamp '{start}' + mod(n, 365) * interval '1 day'",
                "state": "(ARRAY['met','met','met','breached','running'])[1 + mod(n, 5)]",
                "excluded": "false",
            },
        )
        copy_rows(
            cr,
            "svcms_context_issue",
            args.registers,
            {"create_date": f"timestamp '{start}' + mod(n, 365) * interval '1 day'", "write_date": "now()"},
        )
        copy_rows(cr, "svcms_risk", args.registers, {"reference": "'BENCH-R' || n"})
        cr.execute("ANALYZE svcms_complaint; ANALYZE svcms_sla_line; ANALYZE svcms_context_issue; ANALYZE svcms_risk")
        result["seed_seconds"] = round(time.perf_counter() - seeding, 1)
        env.invalidate_all()
        system = env.ref("svcms_base.demo_system_itsm")
        review = env["svcms.management.review"].create(
            {
                "name": "Benchmark review",
                "management_system_id": system.id,
                "period_start": start,
                "period_end": today,
                "review_date": today,
            }
        )
        for run in ("cold", "warm"):
            env.flush_all()
            env.invalidate_all()
            registry.clear_cache()
            queries, began = cr.sql_log_count, time.perf_counter()
            review._svcms_prepare_inputs()
            env.flush_all()
            result[run] = {"seconds": round(time.perf_counter() - began, 3), "queries": cr.sql_log_count - queries}
        figures = {i.section: i.figures for i in review.input_ids}
        result["complaints_counted"] = figures["complaints"].get("Complaints received")
        result["sla_lines_counted"] = figures["sla"].get("Service level targets measured")
        result["records"] = {"complaints": args.complaints, "sla_lines": args.sla_lines, "registers": args.registers}
        cr.rollback()
    print("BENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
