from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from .cron_failure_mixin import CRON_FAILURE_FIELDS

LIKELIHOOD = [
    ("1", "1 - Rare"),
    ("2", "2 - Unlikely"),
    ("3", "3 - Possible"),
    ("4", "4 - Likely"),
    ("5", "5 - Almost Certain"),
]
IMPACT = [
    ("1", "1 - Negligible"),
    ("2", "2 - Minor"),
    ("3", "3 - Moderate"),
    ("4", "4 - Major"),
    ("5", "5 - Severe"),
]
LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
# Bands on the 5 x 5 matrix (score = likelihood x impact): low 1-4, medium 5-9, high 10-16,
# critical 17-25. On this matrix "critical" means 20 or 25: a likely or certain event with a major or
# severe impact, which the manual says top management must decide on.
LEVEL_BANDS = ((4, "low"), (9, "medium"), (16, "high"))

RISK_TREATMENTS = ("accept", "mitigate", "transfer", "avoid")
OPPORTUNITY_TREATMENTS = ("accept", "exploit", "enhance", "share")


def score_level(score):
    """Level of a likelihood x impact score, False when the item is not rated yet."""
    if not score:
        return False
    for upper, level in LEVEL_BANDS:
        if score <= upper:
            return level
    return "critical"


class SvcmsRisk(models.Model):
    """A risk or an opportunity of the management system (clause 6.1) and its treatment."""

    _name = "svcms.risk"
    _description = "Risk or Opportunity"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.cron.failure.mixin",
        "svcms.lang.mixin",
        "svcms.evidence.mixin",
    ]
    _svcms_evidence_clauses = {"iso20000": ("6.1",)}
    _svcms_evidence_date_field = None  # the risk register as it stands
    _order = "score desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["reference", "name"]

    reference = fields.Char(readonly=True, copy=False, index=True, default=lambda self: self.env._("New"))
    name = fields.Char(required=True, tracking=True)
    risk_type = fields.Selection(
        [("risk", "Risk"), ("opportunity", "Opportunity")],
        string="Type",
        required=True,
        default="risk",
        index=True,
        tracking=True,
    )
    description = fields.Text()
    cause = fields.Text(string="Causes")
    consequence = fields.Text(string="Consequences")
    state = fields.Selection(
        [
            ("identified", "Identified"),
            ("assessed", "Assessed"),
            ("treated", "Treated"),
            ("closed", "Closed"),
        ],
        required=True,
        default="identified",
        index=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True, tracking=True)
    process_ids = fields.Many2many("svcms.process", string="Processes", check_company=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    context_issue_ids = fields.Many2many(
        "svcms.context.issue",
        "svcms_risk_context_issue_rel",
        "risk_id",
        "issue_id",
        string="Context Issues",
        check_company=True,
    )
    interested_party_ids = fields.Many2many("svcms.interested.party", string="Interested Parties", check_company=True)
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    # group_expand: the heat map shows every row and column of the 5 x 5 matrix, even empty ones.
    likelihood = fields.Selection(LIKELIHOOD, tracking=True, group_expand=True)
    impact = fields.Selection(
        IMPACT, tracking=True, group_expand=True, help="For an opportunity: the size of the benefit."
    )
    score = fields.Integer(compute="_compute_score", store=True, aggregator="max", help="Likelihood x impact.")
    level = fields.Selection(
        LEVELS,
        compute="_compute_score",
        store=True,
        index=True,
        help="Low: score 1-4, medium: 5-9, high: 10-16, critical: 17-25.",
    )

    treatment = fields.Selection(
        [
            ("accept", "Accept"),
            ("mitigate", "Mitigate"),
            ("transfer", "Transfer"),
            ("avoid", "Avoid"),
            ("exploit", "Exploit"),
            ("enhance", "Enhance"),
            ("share", "Share"),
        ],
        tracking=True,
        help="Risks: accept, mitigate, transfer or avoid. Opportunities: accept, exploit, enhance or share.",
    )
    treatment_plan = fields.Text(help="Actions decided, resources, who and by when.")
    residual_likelihood = fields.Selection(LIKELIHOOD, tracking=True)
    residual_impact = fields.Selection(IMPACT, tracking=True)
    residual_score = fields.Integer(compute="_compute_residual_score", store=True, aggregator="max")
    residual_level = fields.Selection(LEVELS, compute="_compute_residual_score", store=True)

    review_date = fields.Date(string="Next Review Date", index=True, tracking=True)
    review_activity_planned = fields.Boolean(
        copy=False,
        help="Technical: a review activity was scheduled for the current review date.",
    )

    _reference_company_uniq = models.Constraint(
        "UNIQUE(reference, company_id)",
        "The reference of a risk or opportunity must be unique per company.",
    )

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for risk in self:
            has_reference = risk.reference and risk.id
            risk.display_name = f"[{risk.reference}] {risk.name}" if has_reference else risk.name

    @api.depends("likelihood", "impact")
    def _compute_score(self):
        for risk in self:
            risk.score = int(risk.likelihood or 0) * int(risk.impact or 0)
            risk.level = score_level(risk.score)

    @api.depends("residual_likelihood", "residual_impact")
    def _compute_residual_score(self):
        for risk in self:
            risk.residual_score = int(risk.residual_likelihood or 0) * int(risk.residual_impact or 0)
            risk.residual_level = score_level(risk.residual_score)

    @api.constrains("risk_type", "treatment")
    def _check_treatment_fits_type(self):
        for risk in self.filtered("treatment"):
            allowed = RISK_TREATMENTS if risk.risk_type == "risk" else OPPORTUNITY_TREATMENTS
            if risk.treatment not in allowed:
                labels = dict(self._fields["treatment"]._description_selection(self.env))
                raise ValidationError(
                    self.env._(
                        "%(treatment)s is not a treatment for %(item)s. Risks are accepted, mitigated, "
                        "transferred or avoided; opportunities are accepted, exploited, enhanced or shared.",
                        treatment=labels[risk.treatment],
                        item=risk.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        new_label = self.env._("New")
        for vals in vals_list:
            if not vals.get("reference") or vals["reference"] == new_label:
                vals["reference"] = self.env["ir.sequence"].next_by_code("svcms.risk") or new_label
        return super().create(vals_list)

    def write(self, vals):
        # A new review date deserves its own reminder.
        if "review_date" in vals and "review_activity_planned" not in vals:
            vals = dict(vals, review_activity_planned=False)
        if {"review_date", "owner_id"} & set(vals):
            # What failed before may work now: the next run tries again.
            vals = {**vals, **dict.fromkeys(CRON_FAILURE_FIELDS, False)}
        return super().write(vals)

    # ------------------------------------------------------------------ workflow
    def action_assess(self):
        unrated = self.filtered(lambda r: not (r.likelihood and r.impact))
        if unrated:
            raise UserError(
                self.env._(
                    "Rate the likelihood and the impact before marking as assessed: %s",
                    ", ".join(unrated.mapped("display_name")),
                )
            )
        self.write({"state": "assessed"})
        return True

    def action_treat(self):
        self.filtered(lambda r: r.state == "identified").action_assess()
        missing = self.filtered(lambda r: not r.treatment or not (r.residual_likelihood and r.residual_impact))
        if missing:
            raise UserError(
                self.env._(
                    "Choose a treatment and rate the residual likelihood and impact before marking as treated: %s",
                    ", ".join(missing.mapped("display_name")),
                )
            )
        self.write({"state": "treated"})
        return True

    def action_close(self):
        self.write({"state": "closed"})
        return True

    def action_reopen(self):
        self.write({"state": "identified"})
        return True

    def action_plan_treatment(self):
        """Open the activity scheduler preset with the "Risk treatment" activity type."""
        activity_type = self.env.ref("svcms_base.mail_activity_type_risk_treatment")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan Treatment Action"),
            "res_model": "mail.activity.schedule",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": self.ids,
                "active_id": self[:1].id,
                "default_activity_type_id": activity_type.id,
            },
        }

    # ------------------------------------------------------------------ review reminders
    @api.model
    def _review_due_domain(self):
        """Risks whose review reminder is due, leaving out those the cron failed on today."""
        return Domain.AND(
            [
                [
                    ("review_date", "<=", fields.Date.context_today(self)),
                    ("review_activity_planned", "=", False),
                    ("state", "!=", "closed"),
                ],
                self._svcms_cron_retry_domain(),
            ]
        )

    @api.model
    def _cron_schedule_reviews(self, batch_size=200):
        """Schedule one review activity per risk whose review date has come, in bounded batches.

        The batch runs in a savepoint; if it fails, each risk runs in its own: a broken one is rolled
        back, logged and marked (failure count and last error, shown in its form), the others are
        reminded, and the next daily run tries it again.
        """
        domain = self._review_due_domain()
        risks = self.search(domain, order="review_date, id", limit=batch_size)
        risks._svcms_cron_process(lambda batch: batch._schedule_review_activity())
        remaining = self.search_count(domain) if len(risks) == batch_size else 0
        self.env["ir.cron"]._commit_progress(len(risks), remaining=remaining)

    def _schedule_review_activity(self):
        if not self:
            return
        self._svcms_schedule_activities_once(
            self.env.ref("svcms_base.mail_activity_type_risk_review"), lambda risk: risk._review_activity_values()
        )
        self.write({"review_activity_planned": True})

    def _review_activity_values(self):
        owner = self.owner_id or self.create_uid
        addressed = self._svcms_for_user(owner)  # in the language of the owner (the cron has none)
        return {
            "user_id": owner.id,
            "date_deadline": self.review_date,
            "summary": addressed.env._("Review %s", addressed.display_name),
        }
