"""`make bench-faults`: a cron worker killed with SIGKILL in the middle of a batch (issue #11 §5). Not a test.

On a scratch database (``svcms_faults_<pid>``, svcms_base without demo data, dropped at the end; the demo
database is never touched) it creates many SLA lines already past their deadline (each escalates to a
manager after the breach) and many computed KPIs with months to measure, then for each of the two crons
(breach detection + escalations, KPI measurements):

1. starts the scheduled action in a separate ``odoo shell`` process, run by the cron runner itself
   (``ir.cron._run_job``: bounded batches, progress committed after each);
2. as soon as a first batch is committed, kills that process with SIGKILL;
3. checks that nothing is half-written: every breached line has its state and breach time, every
   escalation level has its activity, every KPI has all its periods measured or none;
4. runs the scheduled action again (as the scheduler's next runs would: each run stops after 10
   batches or its time) until the work is done and checks that the work is complete, each breach flagged
   once, each escalation sent once, each measurement recorded once.

The same file is the script the child ``odoo shell`` processes run (``SVCMS_FAULT_STEP``).
Environment: SVCMS_FAULT_LINES (default 20000: the breach cron works in batches of 5000),
SVCMS_FAULT_KPIS (default 1500).
"""

import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

STEP = os.environ.get("SVCMS_FAULT_STEP")


# ---------------------------------------------------------------------------- inside the odoo shell
def _child(env):
    from dateutil.relativedelta import relativedelta

    from odoo import fields
    from odoo.fields import Command

    if STEP == "setup":
        lines, kpis = int(os.environ["SVCMS_FAULT_LINES"]), int(os.environ["SVCMS_FAULT_KPIS"])
        env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True, mail_create_nolog=True))
        admin = env.ref("base.user_admin")
        env["svcms.sla.policy"].search([]).write({"active": False})
        calendar = env["resource.calendar"].create(
            {
                "name": "全天候",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    Command.create({"name": f"d{d}", "dayofweek": str(d), "hour_from": 0, "hour_to": 24})
                    for d in range(7)
                ],
            }
        )
        env["svcms.sla.policy"].create(
            {
                "name": "故障注入：一小时解决",
                "res_model": "svcms.complaint",
                "calendar_id": calendar.id,
                "tz": "Asia/Shanghai",
                "domain": "[]",
                "notify_outside_working_hours": True,
                "target_ids": [
                    Command.create(
                        {
                            "name": "解决",
                            "metric": "resolution",
                            "duration": 1.0,
                            "stop_states": "resolved,closed",
                            "cancel_states": "cancelled",
                            "warning_percent": 0.0,
                            "escalation_ids": [
                                Command.create(
                                    {"trigger": "after_breach", "delay": 0, "notify": "users", "user_ids": [admin.id]}
                                )
                            ],
                        }
                    )
                ],
            }
        )
        partner = env["res.partner"].create({"name": "佛山市顺德区美家电器商行"})
        for start in range(0, lines, 1000):
            env["svcms.complaint"].create(
                [
                    {"subject": f"空调安装漏水 {n}", "partner_id": partner.id, "description": "<p>室内机漏水</p>"}
                    for n in range(start, min(lines, start + 1000))
                ]
            )
        env.flush_all()
        # the lines are past their deadline: due for breach detection and the escalation after it
        env.cr.execute(
            "UPDATE svcms_sla_line SET deadline = now() at time zone 'UTC' - interval '2 hours',"
            " notify_next = now() at time zone 'UTC' - interval '2 hours' WHERE clock = 'running'"
        )
        system = env["svcms.management.system"].create({"name": "故障注入体系", "code": "FAULT"})
        today = fields.Date.context_today(env.user)
        env["svcms.kpi"].create(
            [
                {
                    "name": f"故障注入指标 {n}",
                    "management_system_id": system.id,
                    "source": "computed",
                    "definition_id": env.ref("svcms_base.kpi_def_document_registered").id,
                    "date_start": today - relativedelta(months=24),
                    "target": 1,
                }
                for n in range(kpis)
            ]
        )
        env["ir.config_parameter"].set_param("svcms_base.kpi_cron_batch_size", "100")
        env.cr.commit()
        print("RESULT", json.dumps({"lines": lines, "kpis": kpis}), flush=True)
    elif STEP in ("run_sla", "run_kpi"):
        xmlid = {"run_sla": "svcms_base.ir_cron_sla_check_deadlines", "run_kpi": "svcms_base.ir_cron_kpi_measurements"}
        cron = env.ref(xmlid[STEP])
        env.cr.execute("SELECT *, 0 AS timed_out_counter FROM ir_cron WHERE id = %s", [cron.id])
        job = env.cr.dictfetchone()
        env.cr.commit()
        type(cron)._run_job(job)  # the cron runner's own loop: batches, progress committed after each
        print("RESULT", json.dumps({"done": True}), flush=True)
    elif STEP == "check":
        cr = env.cr
        queries = {
            "lines": "SELECT count(*) FROM svcms_sla_line",
            "breached": "SELECT count(*) FROM svcms_sla_line WHERE breached",
            "half_breached": "SELECT count(*) FROM svcms_sla_line WHERE breached IS DISTINCT FROM"
            " (state = 'breached') OR breached IS DISTINCT FROM (breach_datetime IS NOT NULL)",
            "escalated": "SELECT count(*) FROM svcms_sla_line WHERE escalation_level >= 1",
            "escalation_activities": "SELECT count(*) FROM mail_activity WHERE res_model = 'svcms.complaint'"
            " AND activity_type_id = (SELECT res_id FROM ir_model_data WHERE module = 'svcms_base'"
            " AND name = 'mail_activity_type_sla_escalation')",
            "complaints_with_two_escalations": "SELECT count(*) FROM (SELECT res_id FROM mail_activity"
            " WHERE res_model = 'svcms.complaint' AND activity_type_id = (SELECT res_id FROM ir_model_data"
            " WHERE module = 'svcms_base' AND name = 'mail_activity_type_sla_escalation')"
            " GROUP BY res_id HAVING count(*) > 1) t",
            "kpis": "SELECT count(*) FROM svcms_kpi WHERE source = 'computed'",
            "kpis_measured": "SELECT count(DISTINCT kpi_id) FROM svcms_kpi_measurement",
            "measurements": "SELECT count(*) FROM svcms_kpi_measurement",
            "duplicate_measurements": "SELECT count(*) - count(DISTINCT (kpi_id, period_start))"
            " FROM svcms_kpi_measurement",
            "kpis_partly_measured": "SELECT count(*) FROM (SELECT kpi_id, count(*) n FROM svcms_kpi_measurement"
            " GROUP BY kpi_id) t WHERE n <> (SELECT max(n) FROM (SELECT count(*) n FROM svcms_kpi_measurement"
            " GROUP BY kpi_id) m)",
        }
        result = {}
        for name, query in queries.items():
            cr.execute(query)
            result[name] = cr.fetchone()[0]
        print("RESULT", json.dumps(result), flush=True)


if STEP and "env" in globals():
    _child(env)  # noqa: F821 - defined by odoo shell


# ---------------------------------------------------------------------------- driver
REPO = Path(globals().get("__file__", "bench/x")).resolve().parent.parent  # no __file__ in odoo shell
MARK = "## Faults: two cron workers, SIGKILL mid-batch"


def _shell(odoo_cmd, src, params, db, step, extra=None):
    env = dict(os.environ, SVCMS_FAULT_STEP=step, **(extra or {}))
    cmd = odoo_cmd(src, params, "-d", db, "--log-level=warn", "--no-http", subcommand="shell")
    return subprocess.Popen(
        cmd, stdin=open(__file__), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )


def _result(process):
    out, _ = process.communicate()
    found = [line for line in out.splitlines() if line.startswith("RESULT ")]
    if process.returncode not in (0, None) or not found:
        raise RuntimeError(f"odoo shell failed (rc {process.returncode}):\n{out[-4000:]}")
    return json.loads(found[-1][len("RESULT ") :])


def _count(sql, params, db, query):
    return int(sql(params, db, query)[0][0])


def main():
    sys.path.insert(0, str(REPO / "scripts"))
    from svcms.commands import prepare
    from svcms.odoo_src import odoo_cmd
    from svcms.postgres import database_server, drop_db, sql

    src = prepare()
    params, cluster = database_server()
    db = f"svcms_faults_{os.getpid()}"
    sizes = {
        "SVCMS_FAULT_LINES": os.environ.get("SVCMS_FAULT_LINES", "20000"),
        "SVCMS_FAULT_KPIS": os.environ.get("SVCMS_FAULT_KPIS", "1500"),
    }
    rows = []
    try:
        print(f"Creating the scratch database {db} (svcms_base, no demo) ...", flush=True)
        subprocess.run(
            odoo_cmd(src, params, "-d", db, "-i", "svcms_base", "--stop-after-init", "--log-level=warn", "--no-http"),
            check=True,
        )
        started = time.monotonic()
        setup = _result(_shell(odoo_cmd, src, params, db, "setup", sizes))
        print(f"Data: {setup} in {time.monotonic() - started:.0f} s", flush=True)
        progress_sql = {
            "run_sla": "SELECT count(*) FROM svcms_sla_line WHERE breached",
            "run_kpi": "SELECT count(*) FROM svcms_kpi_measurement",
        }
        for step, label in (("run_sla", "breach detection + escalations"), ("run_kpi", "KPI measurements")):
            child = _shell(odoo_cmd, src, params, db, step)
            started = time.monotonic()
            while child.poll() is None and _count(sql, params, db, progress_sql[step]) == 0:
                time.sleep(0.05)
            time.sleep(0.3)  # into the next batch
            killed = child.poll() is None
            if killed:
                os.kill(child.pid, signal.SIGKILL)
            child.communicate()
            killed_at = time.monotonic() - started
            after_kill = _result(_shell(odoo_cmd, src, params, db, "check"))
            # the next runs of the scheduler: each stops after 10 batches or its time, until all is done
            started, runs = time.monotonic(), 0
            while runs < 20:
                _result(_shell(odoo_cmd, src, params, db, step))
                runs += 1
                final = _result(_shell(odoo_cmd, src, params, db, "check"))
                if _complete(step, final):
                    break
            rerun = (time.monotonic() - started, runs)
            rows.append((label, killed, killed_at, after_kill, rerun, final))
            print(label, "killed" if killed else "NOT KILLED (finished first)", after_kill, final, flush=True)
    finally:
        drop_db(params, db)
        if cluster:
            cluster.stop_if_idle()
    ok = _report(rows, sizes)
    sys.exit(0 if ok else 1)


def _complete(step, result):
    if step == "run_sla":
        return result["breached"] == result["lines"] == result["escalated"] == result["escalation_activities"]
    return result["kpis_measured"] == result["kpis"]


def _report(rows, sizes):
    from svcms.common import machine_summary

    cores, cpu, ram = machine_summary()
    ok = True
    lines = [
        f"`make bench-faults` on {time.strftime('%Y-%m-%d')}: {cores} CPU ({cpu}), {ram} RAM, "
        f"Python {platform.python_version()}; {sizes['SVCMS_FAULT_LINES']} overdue SLA lines (each escalating "
        f"after the breach), {sizes['SVCMS_FAULT_KPIS']} computed KPIs with 24 monthly periods each (batches of "
        "100 KPIs).",
        "",
        "| batch | SIGKILL after | after the kill | half-written | next runs | after them | duplicates |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, killed, killed_at, after, rerun, final in rows:
        if label.startswith("breach"):
            half = after["half_breached"] + abs(after["escalated"] - after["escalation_activities"])
            half += final["half_breached"] + abs(final["escalated"] - final["escalation_activities"])
            dup = final["complaints_with_two_escalations"]
            complete = _complete("run_sla", final)
            before = f"{after['breached']}/{after['lines']} breached, {after['escalation_activities']} escalations"
            done = f"{final['breached']}/{final['lines']} breached, {final['escalation_activities']} escalations"
        else:
            half = after["kpis_partly_measured"] + final["kpis_partly_measured"]
            dup = final["duplicate_measurements"]
            complete = _complete("run_kpi", final)
            before = f"{after['kpis_measured']}/{after['kpis']} KPIs, {after['measurements']} measurements"
            done = f"{final['kpis_measured']}/{final['kpis']} KPIs, {final['measurements']} measurements"
        ok = ok and killed and not half and not dup and complete
        lines.append(
            f"| {label} | {killed_at:.1f} s{'' if killed else ' (finished first)'} | {before} | {half} "
            f"| {rerun[1]} run(s), {rerun[0]:.1f} s | {done} | {dup} |"
        )
    lines.append("")
    lines.append("Result: " + ("PASS: nothing half-written, the rerun completed the work once." if ok else "FAIL"))
    text = "\n".join(lines) + "\n"
    print(text)
    readme = REPO / "bench" / "README.md"
    content = readme.read_text()
    head, _sep, _old = content.partition(MARK)
    readme.write_text(head.rstrip("\n") + "\n\n" + MARK + "\n\n" + _intro() + text)
    return ok


def _intro():
    return (
        "Two workers: `svcms_base/tests/test_cron_concurrency.py` (and the maintenance-visit test of "
        "svcms_aftersales) run the same cron code in two threads with their own connections, started "
        "together after both took their snapshot: each record is processed once (see the docstring of "
        "`svcms_base/models/cron_failure_mixin.py`). Without the take of `_svcms_cron_process` the tests "
        "fail: every reminder is scheduled twice, the KPI and risk crons fail to serialize.\n\n"
        "SIGKILL: `bench/fault_sigkill.py` (below) kills the cron process right after its first committed "
        "batch, checks the counts, runs the cron again and checks them again.\n\n"
    )


if __name__ == "__main__" and not STEP:
    main()
