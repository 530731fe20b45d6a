#!/usr/bin/env python3
"""One run of the SLA benchmark, inside Odoo, against one throwaway database; prints one JSON line.

    python bench/bench_sla.py --db DB --system ours|peer --variant sla|floor [--records N] [--open N]
        -- <odoo options: --addons-path=... --db_host=... ...>

"ours" is svcms_base (record model: svcms.complaint, SLA engine: svcms.sla.*); "peer" is OCA
helpdesk_mgmt_sla (record model: helpdesk.ticket). "floor" runs the same steps with no SLA
policy, so "sla - floor" is what the SLA costs. Both use the same working calendar (Mon-Fri
08:00-12:00 and 13:00-17:00, Asia/Shanghai, with the 2026 Chinese public holidays), the same
target (16 working hours to resolve, paused while waiting for the customer) and the same records,
created and written in batches with the context an import uses (no tracking, no creation note).

Steps (wall time and SQL queries, commits included):
  1. create --records records with one resolution target each;
  2. pause (waiting for the customer) and resume every record once, then close them;
  3. breach detection over --open open records (seeded first, not measured; then the clock is
     moved 40 days ahead). Ours runs its scheduled action; the peer has no breach detection (it
     only recomputes on write): we measure the closest thing it has, searching its expired tickets.
"""

import argparse
import json
import sys
import time
from datetime import datetime, timedelta

HOLIDAYS_2026 = [
    ((1, 1), (1, 3)),
    ((2, 15), (2, 23)),
    ((4, 4), (4, 6)),
    ((5, 1), (5, 5)),
    ((6, 19), (6, 21)),
    ((9, 25), (9, 27)),
    ((10, 1), (10, 7)),
]
TZ = "Asia/Shanghai"
TARGET_HOURS = 16
IMPORT_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo-src", required=True, help="Odoo 19.0 source tree (the folder holding odoo-bin)")
    parser.add_argument("--system", choices=["ours", "peer"], required=True)
    parser.add_argument("--variant", choices=["sla", "floor"], required=True)
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--open", type=int, default=100000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--breach-batch", type=int, default=10000)
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    args.odoo_args = [a for a in args.odoo_args if a != "--"]
    return args


class Meter:
    """Wall time and SQL queries of a block, commit included."""

    def __init__(self, cr):
        self.cr = cr
        self.results = {}

    def measure(self, name, func):
        self.cr.commit()
        queries, start = self.cr.sql_log_count, time.perf_counter()
        extra = func()
        self.cr.commit()
        self.results[name] = {
            "seconds": round(time.perf_counter() - start, 3),
            "queries": self.cr.sql_log_count - queries,
            **(extra or {}),
        }


def make_calendar(env):
    import pytz

    calendar = env["resource.calendar"].create(
        {
            "name": "Bench office hours",
            "tz": TZ,
            "attendance_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"{day}-{start}",
                        "dayofweek": str(day),
                        "hour_from": start,
                        "hour_to": stop,
                        "day_period": "morning" if start < 12 else "afternoon",
                    },
                )
                for day in range(5)
                for start, stop in ((8, 12), (13, 17))
            ],
        }
    )
    tz = pytz.timezone(TZ)
    env["resource.calendar.leaves"].create(
        [
            {
                "name": f"Holiday {m1}-{d1}",
                "calendar_id": calendar.id,
                "date_from": tz.localize(datetime(2026, m1, d1)).astimezone(pytz.utc).replace(tzinfo=None),
                "date_to": (tz.localize(datetime(2026, m2, d2)) + timedelta(days=1))
                .astimezone(pytz.utc)
                .replace(tzinfo=None),
            }
            for (m1, d1), (m2, d2) in HOLIDAYS_2026
        ]
    )
    return calendar


def batches(records, size):
    for index in range(0, len(records), size):
        yield records[index : index + size]


class Ours:
    model = "svcms.complaint"

    def __init__(self, env, sla):
        self.env = env
        partner = env["res.partner"].create({"name": "佛山市顺德区美家电器商行"})
        self.partner_id = partner.id
        env["svcms.sla.policy"].with_context(active_test=False).search([]).write({"active": False})
        if sla:
            env["svcms.sla.policy"].create(
                {
                    "name": "Bench resolution",
                    "res_model": self.model,
                    "calendar_id": make_calendar(env).id,
                    "tz": TZ,
                    "target_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "16 h",
                                "metric": "resolution",
                                "duration": TARGET_HOURS,
                                "stop_states": "resolved,closed",
                                "pause_states": "waiting",
                                "warning_percent": 0,
                            },
                        )
                    ],
                }
            )
        else:
            make_calendar(env)

    def create(self, count, batch, prefix):
        Complaint = self.env[self.model]
        ids = []
        for start in range(0, count, batch):
            records = Complaint.create(
                [
                    {"subject": f"{prefix} {i}", "partner_id": self.partner_id, "description": "<p>bench</p>"}
                    for i in range(start, min(start + batch, count))
                ]
            )
            ids += records.ids
            self.env.cr.commit()
            self.env.invalidate_all()
        return ids

    def transitions(self, ids, batch):
        Complaint = self.env[self.model]
        for state in ("waiting", "investigating", "closed"):
            for chunk in batches(ids, batch):
                Complaint.browse(chunk).write({"state": state})
                self.env.cr.commit()
                self.env.invalidate_all()

    def detect(self, breach_batch):
        self.env["svcms.sla.line"]._cron_check_deadlines(batch_size=breach_batch)
        return self.env["svcms.sla.line"].search_count([("state", "=", "breached")])

    def lines(self):
        return self.env["svcms.sla.line"].search_count([])


class Peer:
    model = "helpdesk.ticket"

    def __init__(self, env, sla):
        self.env = env
        partner = env["res.partner"].create({"name": "佛山市顺德区美家电器商行"})
        self.partner_id = partner.id
        calendar = make_calendar(env)
        self.stages = {
            name: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{name}")
            for name in ("new", "in_progress", "awaiting", "done")
        }
        # closing a ticket mails the customer in the peer; ours does not: no mail on either side
        self.stages["done"].mail_template_id = False
        self.team = env["helpdesk.ticket.team"].create(
            {"name": "Bench team", "use_sla": sla, "resource_calendar_id": calendar.id}
        )
        if sla:
            env["helpdesk.sla"].create(
                {
                    "name": "Bench resolution",
                    "team_ids": [(6, 0, self.team.ids)],
                    "hours": TARGET_HOURS,
                    "days": 0,
                    "stage_id": self.stages["done"].id,
                    "ignore_stage_ids": [(6, 0, self.stages["awaiting"].ids)],
                }
            )

    def create(self, count, batch, prefix):
        Ticket = self.env[self.model]
        ids = []
        for start in range(0, count, batch):
            records = Ticket.create(
                [
                    {
                        "name": f"{prefix} {i}",
                        "partner_id": self.partner_id,
                        "description": "<p>bench</p>",
                        "team_id": self.team.id,
                    }
                    for i in range(start, min(start + batch, count))
                ]
            )
            ids += records.ids
            self.env.cr.commit()
            self.env.invalidate_all()
        return ids

    def transitions(self, ids, batch):
        Ticket = self.env[self.model]
        for name in ("awaiting", "in_progress", "done"):
            for chunk in batches(ids, batch):
                Ticket.browse(chunk).write({"stage_id": self.stages[name].id})
                self.env.cr.commit()
                self.env.invalidate_all()

    def detect(self, breach_batch):
        return self.env[self.model].search_count([("sla_expired", "=", True)])

    def lines(self):
        return self.env["helpdesk.ticket.sla"].search_count([])


def main():
    args = parse_args()
    sys.path.insert(0, args.odoo_src)
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(args.odoo_args, setup_logging=True)
    registry = Registry(args.db)
    sla = args.variant == "sla"
    result = {"system": args.system, "variant": args.variant, "records": args.records, "open": args.open}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, IMPORT_CONTEXT)
        system = (Ours if args.system == "ours" else Peer)(env, sla)
        cr.commit()
        meter = Meter(cr)
        created = {}

        def step1():
            created["ids"] = system.create(args.records, args.batch, "投诉")
            return {"lines": system.lines()}

        meter.measure("create", step1)
        meter.measure("pause_resume_close", lambda: system.transitions(created["ids"], args.batch))
        if sla and args.open:
            seed_start = time.perf_counter()
            system.create(args.open, max(args.batch, 5000), "未结")
            cr.commit()
            result["seed_seconds"] = round(time.perf_counter() - seed_start, 1)
        from freezegun import freeze_time

        # tick: the frozen clock runs on, so the wall time of the step is measured
        with freeze_time(datetime.now() + timedelta(days=40), tick=True):
            meter.measure("breach_detection", lambda: {"late": system.detect(args.breach_batch)})
        result["steps"] = meter.results
    print("BENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
