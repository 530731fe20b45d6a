"""The SLA engine's contract, through the smallest consumer there is (not through complaints)."""

from datetime import datetime

import pytz

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged

SH = "Asia/Shanghai"


def utc(local_string):
    local = pytz.timezone(SH).localize(datetime.strptime(local_string, "%Y-%m-%d %H:%M"))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestSlaConsumer(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["svcms.sla.policy"].search([]).write({"active": False})
        cls.env["svcms.sla.agreement"].search([]).write({"active": False})
        cls.user = new_test_user(cls.env, login="sla_consumer", groups="svcms_base.group_svcms_user")
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Always (test consumer)",
                "tz": SH,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"day {day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )

    @classmethod
    def _policy(cls, model, *targets, **values):
        return cls.env["svcms.sla.policy"].create(
            {
                "name": f"{model} policy",
                "res_model": model,
                "calendar_id": cls.calendar.id,
                "tz": SH,
                "target_ids": [Command.create({"warning_percent": 0, **target}) for target in targets],
                **values,
            }
        )

    @staticmethod
    def line(record, metric="resolution"):
        return record.sla_line_ids.filtered(lambda line: line.metric == metric)

    # ------------------------------------------------------------------ a selection state
    def test_state_pauses_and_stops_the_clock(self):
        self._policy(
            "svcms.sla.test.ticket",
            {
                "name": "4 h",
                "metric": "resolution",
                "duration": 4,
                "stop_states": "done",
                "pause_states": "waiting",
                "cancel_states": "cancelled",
            },
        )
        Ticket = self.env["svcms.sla.test.ticket"].with_user(self.user)
        with freeze_time(utc("2026-03-09 09:00")):
            ticket = Ticket.create({"name": "T1"})
        line = self.line(ticket)
        self.assertEqual((line.state, line.deadline), ("running", utc("2026-03-09 13:00")))
        with freeze_time(utc("2026-03-09 10:00")):
            ticket.state = "waiting"
        self.assertEqual(line.state, "paused")
        with freeze_time(utc("2026-03-09 12:00")):
            ticket.state = "open"
        self.assertEqual(line.deadline, utc("2026-03-09 15:00"), "the pause is not counted")
        with freeze_time(utc("2026-03-09 14:00")):
            ticket.state = "done"
        self.assertEqual((line.state, ticket.sla_status), ("met", "met"))

    def test_own_and_common_events(self):
        self._policy(
            "svcms.sla.test.ticket",
            {"name": "parts 8 h", "metric": "parts", "duration": 8, "stop_event": "parts_arrived"},
            {"name": "response 1 h", "metric": "first_response", "duration": 1, "stop_event": "first_response"},
        )
        events = dict(self.env["svcms.sla.test.ticket"]._svcms_sla_event_selection())
        self.assertEqual(
            set(events), {"first_response", "resolution", "waiting_customer", "parts_arrived"}, "common + its own"
        )
        self.assertIn(("parts", "Spare Parts Delivery"), self.env["svcms.sla.target"]._selection_metric())
        ticket = self.env["svcms.sla.test.ticket"].with_user(self.user).create({"name": "T2"})
        ticket._svcms_sla_event("first_response")
        self.assertEqual(self.line(ticket, "first_response").state, "met")
        self.assertEqual(self.line(ticket, "parts").state, "running")
        ticket._svcms_sla_event("parts_arrived")
        self.assertEqual(self.line(ticket, "parts").state, "met")
        with self.assertRaises(UserError):
            ticket._svcms_sla_event("on_site")

    def test_stored_field_computed_from_lines_follows_the_engine(self):
        self._policy(
            "svcms.sla.test.ticket", {"name": "1 h", "metric": "resolution", "duration": 1, "stop_states": "done"}
        )
        with freeze_time(utc("2026-03-09 09:00")):
            ticket = self.env["svcms.sla.test.ticket"].with_user(self.user).create({"name": "T3"})
        self.assertEqual(ticket.breached_count, 0)
        with freeze_time(utc("2026-03-09 10:30")):
            self.env["svcms.sla.line"]._cron_check_deadlines()
        self.env.flush_all()
        self.env.cr.execute("SELECT breached_count FROM svcms_sla_test_ticket WHERE id = %s", [ticket.id])
        self.assertEqual(self.env.cr.fetchone()[0], 1, "the SQL write of the cron was marked modified")
        self.assertEqual(ticket.sla_status, "breached")

    # ------------------------------------------------------------------ a many2one stage
    def _stages(self):
        Stage = self.env["svcms.sla.test.stage"]
        return Stage.create(
            [{"name": "新建", "code": "new"}, {"name": "处理中", "code": "doing"}, {"name": "关闭", "code": "closed"}]
        )

    def test_stages_are_named_by_code_and_survive_export_and_import(self):
        stages = self._stages()
        with self.assertRaises(ValidationError):
            self._policy(
                "svcms.sla.test.job",
                {"name": "by id", "metric": "resolution", "duration": 2, "stop_states": str(stages[2].id)},
            )
        policy = self._policy(
            "svcms.sla.test.job",
            {"name": "2 h", "metric": "resolution", "duration": 2, "stop_states": "closed"},
        )
        names = [
            "name",
            "res_model",
            "tz",
            "target_ids/name",
            "target_ids/metric",
            "target_ids/duration",
            "target_ids/stop_states",
        ]
        rows = policy.export_data(names)["datas"]
        # "another database": the policy and the stages go, the stages come back with other ids
        policy.unlink()
        old_ids = set(stages.ids)
        stages.unlink()
        stages = self._stages()
        self.assertFalse(old_ids & set(stages.ids))
        result = self.env["svcms.sla.policy"].load(names, rows)
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        imported = self.env["svcms.sla.policy"].browse(result["ids"])
        self.assertEqual(imported.target_ids.stop_states, "closed")
        job = self.env["svcms.sla.test.job"].with_user(self.user).create({"name": "J1", "stage_id": stages[0].id})
        self.assertEqual(self.line(job).state, "running")
        job.stage_id = stages[1]
        self.assertEqual(self.line(job).state, "running")
        job.stage_id = stages[2]
        self.assertEqual(self.line(job).state, "met", "the imported policy stops on the stage of that code")
