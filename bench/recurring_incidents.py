"""Recurring-incident detection benchmark: propose problems among 1,000,000 incidents.

Not a test. Run it in an odoo shell on a database with svcms_itsm installed:

    python3 scripts/svcms.py shell < bench/recurring_incidents.py

or from a shell session: ``exec(open("bench/recurring_incidents.py").read()); run(env)``.

The incidents are inserted with SQL (INSERT ... SELECT over generate_series, copying one incident made with
the ORM so every NOT NULL column gets a valid value): reported over the last ``days`` days, spread over
``cis`` configuration items and ``categories`` categories, plus ``hot_cis`` CIs with ``hot_incidents`` recent
incidents each (the recurring ones). Then ``svcms.problem._svcms_detect_recurring_incidents()`` runs twice
(the second run finds nothing new), timed and with its SQL query count, and everything is ROLLED BACK.
"""

import time

from odoo import fields
from odoo.tools import SQL


def _columns(env, table, replaced):
    names = [
        row[0]
        for row in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'"
                " ORDER BY ordinal_position",
                table,
            )
        )
    ]
    select = [replaced.get(name, SQL.identifier("t", name)) for name in names]
    return SQL(", ").join(SQL.identifier(name) for name in names), SQL(", ").join(select)


def build(env, incidents=1_000_000, cis=50_000, categories=50, days=365, hot_cis=20, hot_incidents=50):
    ci_type = env["svcms.ci.type"].create({"name": "BENCH type", "code": "BENCH-TYPE"})
    template_ci = env["svcms.ci"].create({"name": "BENCH CI", "identifier": "BENCH-CI", "type_id": ci_type.id})
    category_ids = env["svcms.incident.category"].create([{"name": f"BENCH {n}"} for n in range(categories)]).ids
    template = env["svcms.incident"].create({"subject": "BENCH incident"})
    env.flush_all()
    columns, select = _columns(
        env,
        "svcms_ci",
        {"identifier": SQL("'BENCH-CI-' || n"), "name": SQL("'BENCH CI ' || n")},
    )
    ci_ids = [
        row[0]
        for row in env.execute_query(
            SQL(
                "INSERT INTO svcms_ci (%s) SELECT %s FROM svcms_ci t, generate_series(1, %s) n WHERE t.id = %s"
                " ORDER BY n RETURNING id",
                columns,
                select,
                cis,
                template_ci.id,
            )
        )
    ]
    hot = hot_cis * hot_incidents
    now = fields.Datetime.now()
    columns, select = _columns(
        env,
        "svcms_incident",
        {
            "name": SQL("'BENCH/' || n"),
            # the hot incidents in the last 10 days, the others over the whole period
            "date_reported": SQL(
                "%(now)s::timestamp - CASE WHEN n <= %(hot)s THEN (n %% 10) * INTERVAL '1 day'"
                " ELSE (n %% (%(days)s * 24)) * INTERVAL '1 hour' END",
                now=now,
                hot=hot,
                days=days,
            ),
            "category_id": SQL("(%s::int[])[1 + n %% %s]", category_ids, categories),
            "state": SQL("CASE WHEN n %% 10 = 0 THEN 'new' ELSE 'closed' END"),
            "problem_id": SQL("NULL"),
        },
    )
    field = env["svcms.incident"]._fields["ci_ids"]
    env.execute_query(
        SQL(
            """
            WITH inserted AS (
                INSERT INTO svcms_incident (%(columns)s)
                SELECT %(select)s FROM svcms_incident t, generate_series(1, %(count)s) n WHERE t.id = %(template)s
                RETURNING id, name
            )
            INSERT INTO %(rel)s (%(incident_col)s, %(ci_col)s)
            SELECT i.id,
                   (%(cis)s::int[])[1 + CASE WHEN SUBSTRING(i.name FROM 7)::int <= %(hot)s
                                             THEN SUBSTRING(i.name FROM 7)::int %% %(hot_cis)s
                                             ELSE ((SUBSTRING(i.name FROM 7)::bigint * 7919) %% %(ci_count)s)::int END]
              FROM inserted i
            """,
            columns=columns,
            select=select,
            count=incidents,
            template=template.id,
            rel=SQL.identifier(field.relation),
            incident_col=SQL.identifier(field.column1),
            ci_col=SQL.identifier(field.column2),
            cis=ci_ids,
            hot=hot,
            hot_cis=hot_cis,
            ci_count=cis,
        )
    )
    env.cr.execute("ANALYZE svcms_incident")
    env.cr.execute(SQL("ANALYZE %s", SQL.identifier(field.relation)))
    env.invalidate_all()


def _measure(env, label):
    env.invalidate_all()
    start_queries = env.cr.sql_log_count
    start = time.perf_counter()
    problems = env["svcms.problem"]._svcms_detect_recurring_incidents()
    env.flush_all()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - start_queries
    linked = env["svcms.incident"].search_count([("problem_id", "in", problems.ids)]) if problems else 0
    print(f"{label}: {elapsed:.2f} s, {queries} queries, {len(problems)} problems proposed, {linked} incidents linked")
    return elapsed, queries, len(problems)


def run(env, incidents=1_000_000, threshold=8, window=30, **kwargs):
    params = env["ir.config_parameter"].sudo()
    params.set_param("svcms_itsm.recurring_incident_threshold", str(threshold))
    params.set_param("svcms_itsm.recurring_incident_window_days", str(window))
    env.cr.execute("SAVEPOINT bench_recurring")
    try:
        start = time.perf_counter()
        build(env, incidents=incidents, **kwargs)
        [(total,)] = env.execute_query(SQL("SELECT COUNT(*) FROM svcms_incident"))
        print(f"built {incidents} incidents in {time.perf_counter() - start:.1f} s ({total} in the table)")
        print(f"threshold {threshold} incidents in {window} days")
        start = time.perf_counter()
        queries = env.cr.sql_log_count
        groups = env["svcms.problem"]._svcms_recurring_groups(threshold, window)
        print(
            f"grouping alone: {time.perf_counter() - start:.2f} s, {env.cr.sql_log_count - queries} queries, "
            f"{len(groups)} groups, {sum(len(g[3]) for g in groups)} incidents"
        )
        first = _measure(env, "first run")
        second = _measure(env, "second run (nothing new)")
        return first, second
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_recurring")
        env.invalidate_all()
        env.cr.rollback()


if __name__ == "__main__" or "env" in globals():
    run(globals()["env"])
