"""Audit pack benchmark: the pack of a system of 100 clauses over 1,000,000 evidence records.

Not a test. Run it in an odoo shell on a database with svcms_audit installed (see bench/README.md):

    SVCMS_DB=<db> python3 scripts/svcms.py shell < bench/audit_pack.py
    AUDIT_PACK_BENCH_RECORDS=100000 SVCMS_DB=<db> python3 scripts/svcms.py shell < bench/audit_pack.py

or from a shell session: ``exec(open("bench/audit_pack.py").read()); run(env, records=1_000_000)``.

The data are built with SQL (INSERT ... SELECT over generate_series, copying the row of one complaint
and one nonconformity made with the ORM, so every NOT NULL column gets a valid value), timed, then ROLLED
BACK: the database is left as it was.
"""

import time

from odoo.tools import SQL


def _columns(env, table, replaced):
    """The table's columns except id, with the expressions of ``replaced`` substituted."""
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


def _copy_rows(env, table, template_id, count, replaced):
    """Insert ``count`` copies of row ``template_id`` (``n`` = 0..count-1 in ``replaced``); return their ids."""
    columns, select = _columns(env, table, replaced)
    rows = env.execute_query(
        SQL(
            "INSERT INTO %(table)s (%(columns)s) SELECT %(select)s FROM %(table)s t, generate_series(0, %(last)s) n"
            " WHERE t.id = %(template)s ORDER BY n RETURNING id",
            table=SQL.identifier(table),
            columns=columns,
            select=select,
            last=count - 1,
            template=template_id,
        )
    )
    return [row[0] for row in rows]


def build(env, records=1_000_000, clauses=100, nonconformities=10_000):
    """A system whose standard has ``clauses`` clauses, ``records`` complaints over the last two years (the
    evidence of 8.3.2), ``nonconformities`` nonconformities on random clauses, one audit with a line per clause."""
    Clause = env["svcms.clause"]
    system = env["svcms.management.system"].create({"name": "BENCH SMS", "code": "BENCH", "standard": "iso20000"})
    existing = Clause.search_count([("standard", "=", "iso20000")])
    Clause.create(
        [
            {"standard": "iso20000", "code": f"B.{n}", "name": f"Bench clause {n}", "sequence": 100000 + n}
            for n in range(max(clauses - existing, 0))
        ]
    )
    catalogue = Clause.search([("standard", "=", "iso20000")])
    partner = env["res.partner"].create({"name": "BENCH customer"})
    complaint = env["svcms.complaint"].create(
        {"subject": "BENCH", "description": "BENCH", "partner_id": partner.id, "date_received": env.cr.now()}
    )
    nc = env["svcms.nonconformity"].create(
        {"name": "BENCH NC", "management_system_id": system.id, "description": "<p>BENCH</p>"}
    )
    env.flush_all()  # the rows are copied in SQL: the templates' computed columns must be written first
    replaced = {"date_received": SQL("t.date_received - (n %% 730) * interval '1 day'")}
    if "reference" in env["svcms.complaint"]._fields:
        replaced["reference"] = SQL("'BENCH-' || n")
    _copy_rows(env, "svcms_complaint", complaint.id, records - 1, replaced)
    nc_ids = _copy_rows(env, "svcms_nonconformity", nc.id, nonconformities, {"name": SQL("'BENCH NC ' || n")})
    field = env["svcms.nonconformity"]._fields["clause_ids"]
    env.execute_query(
        SQL(
            "INSERT INTO %s (%s, %s) SELECT nc, (%s::int[])[1 + (nc %% %s)] FROM unnest(%s::int[]) nc",
            SQL.identifier(field.relation),
            SQL.identifier(field.column1),
            SQL.identifier(field.column2),
            catalogue.ids,
            len(catalogue),
            nc_ids,
        )
    )
    env.execute_query(
        SQL(
            "UPDATE svcms_nonconformity SET state = CASE WHEN id %% 3 = 0 THEN 'closed' ELSE 'open' END"
            " WHERE id = ANY(%s)",
            nc_ids,
        )
    )
    audit = env["svcms.audit"].create(
        {"name": "BENCH audit", "management_system_id": system.id, "date_start": "2026-01-10", "date_end": "2026-01-11"}
    )
    env["svcms.audit.line"].create(
        [
            {"audit_id": audit.id, "clause_id": clause.id, "question": "BENCH", "result": "conform"}
            for clause in catalogue
        ]
    )
    env.execute_query(SQL("UPDATE svcms_audit SET state = 'in_progress' WHERE id = %s", audit.id))
    env.execute_query(
        SQL("ANALYZE svcms_complaint; ANALYZE svcms_nonconformity; ANALYZE %s", SQL.identifier(field.relation))
    )
    env.invalidate_all()
    total = env.execute_query(SQL("SELECT count(*) FROM svcms_complaint"))[0][0]
    return system, len(catalogue), total


def _timed(label, function):
    env = function.__self__.env
    env.invalidate_all()
    start = time.perf_counter()
    queries = env.cr.sql_log_count
    result = function()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s, {env.cr.sql_log_count - queries} queries")
    return elapsed, result


def run(env, records=1_000_000):
    """Build the data, time the pack (data, XLSX, HTML of the PDF), roll everything back."""
    cr = env.cr
    cr.execute("SAVEPOINT audit_pack_bench")
    try:
        start = time.perf_counter()
        system, clauses, total = build(env, records)
        types = len(env["svcms.clause"]._svcms_evidence_models())
        print(
            f"built: {clauses} clauses, {total} complaints, {types} evidence record types"
            f" in {time.perf_counter() - start:.0f} s"
        )
        today = env.cr.now().date()
        pack = env["svcms.audit.pack"].create(
            {"management_system_id": system.id, "date_from": today.replace(year=today.year - 1), "date_to": today}
        )
        _timed("pack data (cold)", pack._svcms_pack_data)
        _elapsed, data = _timed("pack data (warm)", pack._svcms_pack_data)
        row = next(row for row in data["clauses"] if row["code"] == "8.3.2")
        print(f"8.3.2 evidence: {row['evidence']}; open NCs {row['open_nc_count']}; flagged {len(data['flagged'])}")
        _timed("XLSX", pack._svcms_pack_xlsx)
        report = env["ir.actions.report"]
        start = time.perf_counter()
        queries = cr.sql_log_count
        report._render_qweb_html("svcms_audit.action_report_audit_pack", pack.ids)
        print(f"PDF body (HTML): {time.perf_counter() - start:.2f} s, {cr.sql_log_count - queries} queries")
    finally:
        cr.execute("ROLLBACK TO SAVEPOINT audit_pack_bench")
        env.invalidate_all()


if "env" in globals():
    run(env, records=int(__import__("os").environ.get("AUDIT_PACK_BENCH_RECORDS", 1_000_000)))  # noqa: F821
