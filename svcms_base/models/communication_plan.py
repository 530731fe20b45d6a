from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# Interval between two communications of each frequency; "on event" has no schedule.
FREQUENCY_DELTAS = {
    "daily": relativedelta(days=1),
    "weekly": relativedelta(weeks=1),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
    "half_yearly": relativedelta(months=6),
    "yearly": relativedelta(years=1),
}


class SvcmsCommunicationPlan(models.Model):
    """One line of the communication plan (clause 7.4): what, when, with whom, how and who."""

    _name = "svcms.communication.plan"
    _description = "Communication Plan Item"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.4",)}
    _svcms_evidence_date_field = None  # the communication plan in force
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(string="What", required=True, tracking=True, help="Subject of the communication.")
    sequence = fields.Integer(default=10)
    direction = fields.Selection(
        [("internal", "Internal"), ("external", "External")],
        required=True,
        default="internal",
        index=True,
    )
    frequency = fields.Selection(
        [
            ("daily", "Daily"),
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("half_yearly", "Half-yearly"),
            ("yearly", "Yearly"),
            ("on_event", "On Event"),
        ],
        required=True,
        default="monthly",
        tracking=True,
    )
    timing = fields.Char(string="When", help="e.g. first Monday of the month, within 24 hours of a major incident.")
    audience = fields.Char(string="With Whom", required=True)
    channel = fields.Selection(
        [
            ("meeting", "Meeting"),
            ("email", "E-mail"),
            ("report", "Written Report"),
            ("notice", "Notice Board"),
            ("im", "Instant Messaging / Intranet"),
            ("phone", "Phone / SMS"),
            ("website", "Website / Public Account"),
            ("training", "Training"),
            ("other", "Other"),
        ],
        string="How",
        required=True,
        default="meeting",
    )
    responsible_id = fields.Many2one(
        "res.users", string="Who", default=lambda self: self.env.user, index=True, tracking=True
    )
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True)
    clause_id = fields.Many2one("svcms.clause")
    last_done_date = fields.Date(string="Last Done", tracking=True)
    next_date = fields.Date(string="Next Due", compute="_compute_next_date", store=True, index=True, readonly=False)
    records = fields.Text(string="Records Kept", help="Minutes, reports or messages that evidence the communication.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    @api.depends("last_done_date", "frequency")
    def _compute_next_date(self):
        for item in self:
            delta = FREQUENCY_DELTAS.get(item.frequency)
            if item.last_done_date and delta:
                item.next_date = item.last_done_date + delta
            elif not delta:
                item.next_date = False
            else:
                # Never held yet: keep the first due date the user planned.
                item.next_date = item.next_date

    def action_mark_done(self):
        today = fields.Date.context_today(self)
        self.write({"last_done_date": today})
        for item in self:
            item.message_post(body=self.env._("Communication held on %s.", fields.Date.to_string(today)))
        return True
