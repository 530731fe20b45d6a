import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.cron_failure_mixin import take_for_cron
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

_logger = logging.getLogger(__name__)


class SvcmsReturnVisit(models.Model):
    """A return visit (回访): a call to the customer some days after their request was closed."""

    _name = "svcms.return.visit"
    _description = "Return Visit"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("8.3.2",), "gbt27922": ("3.1.2",)}
    _svcms_evidence_date_field = "done_date"
    _svcms_evidence_domain = [("state", "=", "done")]
    _order = "planned_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "done": Transition(("planned", "missed"), "done", "done_by_id", "done_date"),
        "miss": Transition(("planned",), "missed"),
        "cancel": Transition(("planned",), "cancelled", "cancelled_by_id", "cancelled_date"),
        "reset_to_planned": Transition(("missed", "cancelled"), "planned"),
    }
    _svcms_workflow_fields = ("cron_failure_count", "cron_failure_message")
    # What the customer said is evidence (satisfaction KPI): fixed once the visit is done or cancelled.
    _svcms_frozen_fields = ("company_id", "request_id", "partner_id", "satisfaction", "comments")
    _svcms_editable_states = ("planned", "missed")
    # A visit done or missed counts in the return visit KPIs: cancel it, never delete it.
    _svcms_deletable_states = ("planned", "cancelled")

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
    planned_date = fields.Date(required=True, index=True, tracking=True)
    done_by_id = fields.Many2one("res.users", string="Visited By", readonly=True, copy=False)
    done_date = fields.Date(string="Visited On", readonly=True, copy=False, index=True)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    phone_script = fields.Text()
    satisfaction = fields.Integer(
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
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    cron_failure_count = fields.Integer(
        string="Scheduler Failures",
        readonly=True,
        copy=False,
        help="Times the daily job could not mark this visit missed. It tries again after the other visits.",
    )
    cron_failure_message = fields.Text(string="Last Scheduler Error", readonly=True, copy=False)
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    can_reset_to_planned = fields.Boolean(compute="_compute_svcms_can")

    @api.constrains("satisfaction")
    def _check_satisfaction(self):
        for visit in self:
            if not 0 <= visit.satisfaction <= 5:
                raise ValidationError(self.env._("Satisfaction is a score from 1 to 5."))

    def action_done(self):
        self._svcms_check_transition("done")
        for visit in self:
            if not visit.satisfaction:
                raise UserError(self.env._("Record the customer's satisfaction (1 to 5) of visit %s.", visit.name))
        return self._svcms_transition("done")

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_reset_to_planned(self):
        return self._svcms_transition("reset_to_planned")

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
    def _mark_missed_visits(self, batch_size=1000, skip_ids=None):
        """Mark one batch of overdue planned visits as missed; return (done, remaining).

        Each visit is marked in its own savepoint: one that fails is logged, counted on the visit
        (``cron_failure_count``, with the error) and added to ``skip_ids``, so that the rest of the batch and of
        the run goes on. Visits that failed before come last, so they never hold up the others, and are tried
        again on every run until they are fixed.
        """
        skip_ids = set() if skip_ids is None else skip_ids
        domain = self._missed_domain() & Domain("id", "not in", list(skip_ids))
        visits = self.sudo().search(domain, limit=batch_size, order="cron_failure_count, planned_date, id")
        done = 0
        for visit in take_for_cron(visits):  # a visit another worker is marking is its business
            try:
                with self.env.cr.savepoint():
                    visit._svcms_transition("miss")
                done += 1
            except Exception as error:
                _logger.exception("Return visit %s could not be marked missed; skipped.", visit.id)
                skip_ids.add(visit.id)
                visit._svcms_record_cron_failure(error)
        remaining = (
            self.sudo().search_count(domain & Domain("id", "not in", list(skip_ids)))
            if len(visits) == batch_size
            else 0
        )
        return done, remaining

    def _svcms_record_cron_failure(self, error):
        """Keep the failure on the visit, visible to the team, in a savepoint of its own."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._svcms_write_workflow(
                    {"cron_failure_count": self.cron_failure_count + 1, "cron_failure_message": str(error)}
                )
                if self.cron_failure_count == 1:
                    noted = self._svcms_for_company()
                    noted.message_post(
                        body=noted.env._(
                            "The daily job could not mark this visit missed: %s. It will try again on its next run; "
                            "please check the visit.",
                            error,
                        )
                    )
        except Exception:
            _logger.exception("Could not record the scheduler failure on return visit %s.", self.id)

    @api.model
    def _cron_mark_missed_visits(self, batch_size=1000):
        """Daily: planned visits overdue by more than the company's grace period become missed."""
        skip_ids = set()
        while True:
            done, remaining = self._mark_missed_visits(batch_size, skip_ids)
            if not self.env.context.get("cron_id"):
                return True
            time_left = self.env["ir.cron"]._commit_progress(done, remaining=remaining)
            if not remaining or time_left <= 0:
                return True
