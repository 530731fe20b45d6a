from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

ASSESSMENT_ACTIVITY = "svcms_itsm.mail_activity_type_security_assessment"


class SvcmsSecurityControl(models.Model):
    """An information security control (ISO/IEC 20000-1 8.7.3, ISO/IEC 27001 Annex A) with its owner, the
    risks it treats and the periodic assessment of those risks."""

    _name = "svcms.security.control"
    _description = "Information Security Control"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.lang.mixin",
        "svcms.evidence.mixin",
        "svcms.cron.failure.mixin",
    ]
    _order = "reference, id"
    _check_company_auto = True
    _rec_names_search = ["reference", "name"]

    # the controls in force are the evidence of 8.7.3, whatever the period
    _svcms_evidence_clauses = {"iso20000": ("8.7.3",)}
    _svcms_evidence_date_field = None
    _svcms_evidence_domain = [("status", "!=", "not_applicable")]

    name = fields.Char(required=True, translate=True, tracking=True)
    reference = fields.Char(string="Annex A Reference", tracking=True, index=True, help="e.g. ISO/IEC 27001:2022 A.5.7")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    owner_id = fields.Many2one("res.users", tracking=True, domain=[("share", "=", False)])
    status = fields.Selection(
        [
            ("planned", "Planned"),
            ("implemented", "Implemented"),
            ("effective", "Effective"),
            ("not_applicable", "Not Applicable"),
        ],
        required=True,
        default="planned",
        tracking=True,
        index=True,
    )
    description = fields.Html()
    risk_ids = fields.Many2many("svcms.risk", string="Risks Treated", check_company=True)
    last_assessment_date = fields.Date(string="Last Risk Assessment", tracking=True)
    assessment_interval = fields.Integer(
        string="Assessment Interval (months)",
        default=12,
        help="The risks this control treats are assessed again this many months after the last assessment.",
    )
    next_assessment_date = fields.Date(
        string="Next Risk Assessment",
        compute="_compute_next_assessment_date",
        store=True,
        index="btree_not_null",
    )
    assessment_activity_planned = fields.Boolean(
        readonly=True,
        copy=False,
        help="Technical: a reminder was scheduled for the current next assessment date.",
    )

    @api.constrains("assessment_interval")
    def _check_assessment_interval(self):
        for control in self:
            if control.assessment_interval <= 0:
                raise ValidationError(
                    self.env._(
                        "%(control)s: the assessment interval must be at least one month.",
                        control=control.display_name,
                    )
                )

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for control in self:
            control.display_name = f"[{control.reference}] {control.name}" if control.reference else control.name

    @api.depends("last_assessment_date", "assessment_interval", "create_date")
    def _compute_next_assessment_date(self):
        for control in self:
            start = control.last_assessment_date or (control.create_date and control.create_date.date())
            control.next_assessment_date = (
                start + relativedelta(months=control.assessment_interval)
                if start and control.assessment_interval > 0
                else False
            )

    def write(self, vals):
        if "last_assessment_date" in vals or "assessment_interval" in vals:
            vals = dict(vals, assessment_activity_planned=False)
        return super().write(vals)

    def action_record_assessment(self):
        """The risks of these controls were assessed today: the next assessment moves on, the reminder is done."""
        self.write({"last_assessment_date": fields.Date.context_today(self)})
        self.sudo().activity_feedback([ASSESSMENT_ACTIVITY], user_id=self.env.uid)
        return True

    # ------------------------------------------------------------------ reminders

    @api.model
    def _assessment_due_domain(self):
        return Domain.AND(
            [
                [
                    ("next_assessment_date", "<=", fields.Date.context_today(self)),
                    ("assessment_activity_planned", "=", False),
                    ("status", "!=", "not_applicable"),
                ],
                self._svcms_cron_retry_domain(),
            ]
        )

    @api.model
    def _cron_remind_assessments(self, batch_size=200):
        """One reminder per control whose periodic risk assessment is due, for its owner; never a second one
        for the same due date."""
        domain = self._assessment_due_domain()
        controls = self.search(domain, order="next_assessment_date, id", limit=batch_size)
        controls._svcms_cron_process(lambda batch: batch._svcms_schedule_assessment_activity())
        remaining = self.search_count(domain) if len(controls) == batch_size else 0
        self.env["ir.cron"]._commit_progress(len(controls), remaining=remaining)
        return True

    def _svcms_schedule_assessment_activity(self):
        """The owner's reminder to assess the control's risks; none while one is still open."""

        def reminder(control):
            owner = control.owner_id or control.create_uid
            addressed = control._svcms_for_user(owner)
            return {
                "user_id": owner.id,
                "date_deadline": control.next_assessment_date,
                "summary": addressed.env._(
                    "Assess the risks of security control %(control)s", control=addressed.display_name
                ),
            }

        self._svcms_schedule_activities_once(self.env.ref(ASSESSMENT_ACTIVITY), reminder)
        self.write({"assessment_activity_planned": True})
