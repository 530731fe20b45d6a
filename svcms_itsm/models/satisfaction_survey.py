import random

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

SCORES = [
    ("1", "1 - Very Dissatisfied"),
    ("2", "2 - Dissatisfied"),
    ("3", "3 - Neutral"),
    ("4", "4 - Satisfied"),
    ("5", "5 - Very Satisfied"),
]


class SvcmsSatisfactionSurvey(models.Model):
    """Customer satisfaction with one service over one period (ISO/IEC 20000-1 8.3.2), sampled from the
    customers whose incidents were closed in that period."""

    _name = "svcms.satisfaction.survey"
    _description = "Customer Satisfaction Survey"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("8.3.2",)}
    _svcms_evidence_date_field = "period_start"
    _svcms_evidence_domain = [("state", "=", "answered")]
    _order = "period_start desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    service_id = fields.Many2one("svcms.service", required=True, index=True, check_company=True)
    relationship_id = fields.Many2one(
        "svcms.customer.relationship", compute="_compute_relationship_id", store=True, index="btree_not_null"
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(required=True)
    contact_id = fields.Many2one("res.partner", string="Respondent")
    score = fields.Selection(SCORES, tracking=True)
    score_value = fields.Integer(string="Score (1-5)", compute="_compute_score_value", store=True, aggregator="avg")
    comment = fields.Text()
    state = fields.Selection(
        [("sampled", "Sampled"), ("answered", "Answered")], compute="_compute_state", store=True, index=True
    )
    answered_date = fields.Date(readonly=True, copy=False)

    _one_per_period = models.Constraint(
        "UNIQUE(partner_id, service_id, period_start)", "A customer is surveyed once per service and period."
    )
    _period_order = models.Constraint("CHECK(period_end >= period_start)", "A period cannot end before it starts.")

    @api.depends("score")
    def _compute_score_value(self):
        for survey in self:
            survey.score_value = int(survey.score) if survey.score else 0

    @api.depends("score")
    def _compute_state(self):
        for survey in self:
            survey.state = "answered" if survey.score else "sampled"

    @api.depends("partner_id", "company_id")
    def _compute_relationship_id(self):
        relationships = self.env["svcms.customer.relationship"].search(
            [("partner_id", "in", self.partner_id.commercial_partner_id.ids)]
        )
        for survey in self:
            survey.relationship_id = relationships.filtered(
                lambda r, s=survey: r.partner_id == s.partner_id.commercial_partner_id and r.company_id == s.company_id
            )[:1]

    @api.depends("partner_id", "service_id", "period_start")
    def _compute_display_name(self):
        for survey in self:
            survey.display_name = (
                f"{survey.partner_id.name or ''} / {survey.service_id.name or ''} / {survey.period_start or ''}"
            )

    def write(self, vals):
        if vals.get("score") and not vals.get("answered_date"):
            vals["answered_date"] = fields.Date.context_today(self)
        if {"partner_id", "service_id", "period_start", "period_end"} & set(vals) and self.filtered("score"):
            raise UserError(self.env._("An answered survey keeps its customer, service and period."))
        return super().write(vals)

    @api.model
    def _svcms_candidates(self, date_from, date_to):
        """{customer: services} of the customers served between the two dates: incidents closed and IT service
        requests done in the period (one aggregate each)."""
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + relativedelta(days=1))
        served = (
            ("svcms.incident", "closed", "closed_date", "service_ids"),
            ("svcms.service.fulfilment", "done", "done_date", "service_id"),
        )
        candidates = {}
        for model, state, date_field, service_field in served:
            groups = (
                self.env[model]
                .sudo()
                ._read_group(
                    [
                        ("state", "=", state),
                        (date_field, ">=", start),
                        (date_field, "<", end),
                        ("commercial_partner_id", "!=", False),
                        ("company_id", "=", self.env.company.id),
                    ],
                    ["commercial_partner_id", service_field],
                    ["__count"],
                )
            )
            for partner, service, _count in groups:
                if service:
                    candidates[partner] = candidates.get(partner, service.browse()) | service
        return candidates

    @api.model
    def _svcms_sample(self, date_from, date_to, count):
        """Survey ``count`` customers chosen at random among those served in the period: one survey per
        customer, service and period (customers already surveyed for the period are not drawn again)."""
        if count <= 0:
            raise UserError(self.env._("Sample at least one customer."))
        if date_to < date_from:
            raise UserError(self.env._("The period cannot end before it starts."))
        candidates = self._svcms_candidates(date_from, date_to)
        existing = self.search([("period_start", "=", date_from), ("partner_id", "in", [p.id for p in candidates])])
        done = {(s.partner_id, s.service_id) for s in existing}
        pairs = {
            partner: services.filtered(lambda s, p=partner: (p, s) not in done)
            for partner, services in candidates.items()
        }
        pool = [partner for partner, services in pairs.items() if services]
        chosen = random.sample(pool, min(count, len(pool)))
        return self.create(
            [
                {
                    "partner_id": partner.id,
                    "service_id": service.id,
                    "period_start": date_from,
                    "period_end": date_to,
                }
                for partner in chosen
                for service in pairs[partner]
            ]
        )
