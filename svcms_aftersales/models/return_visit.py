from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain


class SvcmsReturnVisit(models.Model):
    """A return visit (回访): a call to the customer some days after their request was closed."""

    _name = "svcms.return.visit"
    _description = "Return Visit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "planned_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, translate=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    request_id = fields.Many2one(
        "svcms.service.request", string="Service Request", index="btree_not_null", check_company=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    phone = fields.Char(related="partner_id.phone")
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        default=lambda self: self.env.user,
        tracking=True,
        domain=[("share", "=", False)],
    )
    planned_date = fields.Date(string="Planned Date", required=True, index=True, tracking=True)
    done_date = fields.Date(string="Visited On", readonly=True, copy=False, index=True)
    phone_script = fields.Text(string="Phone Script")
    satisfaction = fields.Integer(
        string="Satisfaction",
        default=0,
        tracking=True,
        aggregator="avg",
        help="1 (very dissatisfied) to 5 (very satisfied).",
    )
    comments = fields.Text(string="Customer Comments")
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("missed", "Missed"), ("cancelled", "Cancelled")],
        string="Status",
        required=True,
        default="planned",
        tracking=True,
        index=True,
        copy=False,
    )

    @api.constrains("satisfaction")
    def _check_satisfaction(self):
        for visit in self:
            if not 0 <= visit.satisfaction <= 5:
                raise ValidationError(self.env._("Satisfaction is a score from 1 to 5."))

    def action_done(self):
        for visit in self:
            if visit.state not in ("planned", "missed"):
                raise UserError(self.env._("Only a planned or missed visit can be completed."))
            if not visit.satisfaction:
                raise UserError(self.env._("Record the customer's satisfaction (1 to 5) of visit %s.", visit.name))
        self.write({"state": "done", "done_date": fields.Date.context_today(self)})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_reset_to_planned(self):
        self.write({"state": "planned", "done_date": False})

    # ------------------------------------------------------------------ planning
    @api.model
    def _plan_for_requests(self, requests):
        """Plan one visit per closed request that has none yet, N days (company setting) after closing."""
        existing = set(self.sudo().search([("request_id", "in", requests.ids)]).request_id.ids)
        today = fields.Date.context_today(self)
        vals_list = []
        for request in requests:
            if request.id in existing:
                continue
            company = request.company_id
            vals_list.append(
                {
                    "name": self.env._("Return visit: %s", request.name),
                    "request_id": request.id,
                    "partner_id": request.partner_id.id,
                    "company_id": company.id,
                    "planned_date": today + timedelta(days=company.svcms_return_visit_delay),
                    "phone_script": self._default_phone_script(request),
                    "user_id": False,
                }
            )
        return self.sudo().create(vals_list)

    def _default_phone_script(self, request):
        return self.env._(
            "Hello %(customer)s, this is the after-sales service of %(company)s calling about your service "
            "request %(request)s. Is the product working well now? How satisfied are you with our service, "
            "from 1 (very dissatisfied) to 5 (very satisfied)? Do you have any other comments or needs?",
            customer=request.partner_id.name,
            company=request.company_id.name,
            request=request.name,
        )

    # ------------------------------------------------------------------ cron
    def _missed_domain(self):
        today = fields.Date.context_today(self)
        return Domain.OR(
            Domain("company_id", "=", company.id)
            & Domain("state", "=", "planned")
            & Domain("planned_date", "<", today - timedelta(days=company.svcms_return_visit_missed_after))
            for company in self.env["res.company"].sudo().search([])
        )

    @api.model
    def _mark_missed_visits(self, batch_size=1000):
        """Mark one batch of overdue planned visits as missed; return (done, remaining)."""
        domain = self._missed_domain()
        visits = self.sudo().search(domain, limit=batch_size, order="planned_date, id")
        visits.write({"state": "missed"})
        remaining = self.sudo().search_count(domain) if len(visits) == batch_size else 0
        return len(visits), remaining

    @api.model
    def _cron_mark_missed_visits(self, batch_size=1000):
        """Daily: planned visits overdue by more than the company's grace period become missed."""
        while True:
            done, remaining = self._mark_missed_visits(batch_size)
            if not self.env.context.get("cron_id"):
                return
            time_left = self.env["ir.cron"]._commit_progress(done, remaining=remaining)
            if not remaining or time_left <= 0:
                return
