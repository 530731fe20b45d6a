"""Incident SLA benchmark: 10,000 incidents and 10,000 complaints created with their SLA lines, in batches.

Not a test. Run it in an odoo shell on a database with svcms_itsm installed (the demo database will do):

    python3 scripts/svcms.py shell < bench/incident_sla.py

or from a shell session: ``exec(open("bench/incident_sla.py").read()); run(env, count=10_000)``.

Both models get one response and one resolution target per record (the incident policies of
svcms_itsm's data, per priority; for complaints an equivalent policy is created for the run). Records
are created with ``create`` in batches of ``batch`` and the context an import uses
(``tracking_disable``, ``mail_create_nolog``). The queries (``cursor.sql_log_count``) and the wall
time per record are printed for both models. Everything is ROLLED BACK at the end.

Result on the shared 2-core machine (30 Nov 2026, svcms_itsm without demo data, batches of 1,000, other
test runs in parallel):

    model               records  SLA lines  queries  q/record  ms/record
    svcms.incident        10000      20000    20443     2.044      9.592
    svcms.complaint       10000      20000    20401     2.040     10.619
"""

import time

from odoo import Command

IMPORT_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


def _complaint_policy(env):
    return env["svcms.sla.policy"].create(
        {
            "name": "BENCH complaint policy",
            "sequence": 0,
            "res_model": "svcms.complaint",
            "calendar_id": env.company.resource_calendar_id.id,
            "tz": "Asia/Shanghai",
            "target_ids": [
                Command.create(
                    {
                        "name": "BENCH response",
                        "metric": "first_response",
                        "duration": 2,
                        "stop_states": "acknowledged,investigating,resolved,closed",
                        "cancel_states": "cancelled",
                    }
                ),
                Command.create(
                    {
                        "name": "BENCH resolution",
                        "metric": "resolution",
                        "duration": 24,
                        "stop_states": "resolved,closed",
                        "pause_states": "waiting",
                        "cancel_states": "cancelled",
                    }
                ),
            ],
        }
    )


def _measure(env, model, values, batch):
    Model = env[model].with_context(**IMPORT_CONTEXT)
    cr = env.cr
    env.flush_all()
    queries, started = cr.sql_log_count, time.perf_counter()
    created = 0
    for start in range(0, len(values), batch):
        records = Model.create(values[start : start + batch])
        env.flush_all()
        created += len(records)
        env.invalidate_all()
    elapsed = time.perf_counter() - started
    queries = cr.sql_log_count - queries
    lines = env["svcms.sla.line"].search_count([("res_model", "=", model)])
    return {"records": created, "queries": queries, "seconds": elapsed, "sla_lines": lines}


def run(env, count=10_000, batch=1_000):
    partner = env["res.partner"].create({"name": "BENCH caller", "email": "bench.caller@example.cn"})
    team = env.ref("svcms_itsm.team_service_desk")
    _complaint_policy(env)
    priorities = ["1", "2", "3"]
    incidents = [
        {
            "subject": f"BENCH incident {n}",
            "description": "<p>bench</p>",
            "partner_id": partner.id,
            "team_id": team.id,
            "user_id": env.uid,  # no assignment policy in the measure
            "impact": priorities[n % 3],
            "urgency": priorities[(n // 3) % 3],
        }
        for n in range(count)
    ]
    complaints = [
        {"subject": f"BENCH complaint {n}", "description": "<p>bench</p>", "partner_id": partner.id}
        for n in range(count)
    ]
    results = {}
    try:
        results["svcms.incident"] = _measure(env, "svcms.incident", incidents, batch)
        results["svcms.complaint"] = _measure(env, "svcms.complaint", complaints, batch)
    finally:
        env.cr.rollback()
        env.invalidate_all()
    print(f"{'model':<18} {'records':>8} {'SLA lines':>10} {'queries':>8} {'q/record':>9} {'ms/record':>10}")
    for model, result in results.items():
        print(
            f"{model:<18} {result['records']:>8} {result['sla_lines']:>10} {result['queries']:>8} "
            f"{result['queries'] / result['records']:>9.3f} {1000 * result['seconds'] / result['records']:>10.3f}"
        )
    return results


if "env" in globals():
    run(env)  # noqa: F821 (the odoo shell's environment)
