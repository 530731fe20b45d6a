from datetime import datetime

import pytz

from odoo.fields import Command
from odoo.tests import TransactionCase


class SlaCase(TransactionCase):
    """Calendars, a customer and a policy factory shared by the SLA and complaint tests.

    Complaints are the consumer model: they inherit svcms.sla.mixin and declare their states.
    The demo policies are archived so that each test sees only the policies it creates.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        cls.env["svcms.sla.policy"].search([]).write({"active": False})
        cls.env["svcms.sla.agreement"].search([]).write({"active": False})
        cls.office_shanghai = cls._calendar("Office Shanghai", "Asia/Shanghai")
        cls.office_berlin = cls._calendar("Office Berlin", "Europe/Berlin")
        cls.always = cls._calendar("Always", "Europe/Berlin", hours=[(0, 24)], days=tuple(range(7)))
        cls.customer = cls.env["res.partner"].create(
            {"name": "佛山市顺德区美家电器商行", "email": "meijia@example.com"}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "广州市天河区李先生", "email": "li@example.com"})

    @classmethod
    def _calendar(cls, name, tz, hours=((8, 12), (13, 17)), days=(0, 1, 2, 3, 4)):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{name} {day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": "morning" if start < 12 else "afternoon",
                        }
                    )
                    for day in days
                    for start, stop in hours
                ],
            }
        )

    @classmethod
    def _policy(cls, name="Resolution", calendar=None, tz=None, hours=4.0, domain="[]", sequence=10, **target):
        calendar = calendar or cls.office_shanghai
        escalations = target.pop("escalations", [])
        policy_vals = target.pop("policy_vals", {})
        values = {
            "name": name,
            "metric": "resolution",
            "duration": hours,
            "stop_states": "resolved,closed",
            "pause_states": "waiting",
            "restart_states": "reopened",
            "cancel_states": "cancelled",
            "warning_percent": 0.0,
            "escalation_ids": [Command.create(step) for step in escalations],
        }
        values.update(target)
        return cls.env["svcms.sla.policy"].create(
            {
                "name": name,
                "res_model": "svcms.complaint",
                "calendar_id": calendar.id,
                "tz": tz or calendar.tz,
                "domain": domain,
                "sequence": sequence,
                "target_ids": [Command.create(values)],
                **policy_vals,
            }
        )

    @classmethod
    def _complaint(cls, partner=None, **values):
        return cls.env["svcms.complaint"].create(
            {
                "subject": values.pop("subject", "空调安装漏水"),
                "partner_id": (partner or cls.customer).id,
                "description": "<p>安装后第二天室内机漏水</p>",
                **values,
            }
        )

    @staticmethod
    def utc(local_string, tz):
        """Naive UTC datetime of a local wall-clock time, e.g. utc("2026-03-06 16:00", "Asia/Shanghai")."""
        local = pytz.timezone(tz).localize(datetime.strptime(local_string, "%Y-%m-%d %H:%M"))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @staticmethod
    def line(record, metric="resolution"):
        return record.sla_line_ids.filtered(lambda line: line.metric == metric)
