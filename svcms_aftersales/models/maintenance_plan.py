import logging

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.svcms_base.models.cron_failure_mixin import take_for_cron
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class SvcmsMaintenancePlan(models.Model):
    """Preventive maintenance (巡检/保养) of the installed base of one product.

    Every delivered serial of the product gets a maintenance visit (a service request of type
    maintenance) each `interval_months` after its delivery, created `lead_days` ahead by a cron.
    A visit exists once per plan, serial and due date (unique index on the request). The cron takes the
    plans one by one, each in its own savepoint: a plan that fails is logged, counted and reported on the
    plan, then retried on the next day's run, while the other plans go on.
    """

    _name = "svcms.maintenance.plan"
    _description = "Maintenance Plan"
    _inherit = ["mail.thread", "svcms.lang.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("2.4.2", "3.1.4")}
    _svcms_evidence_date_field = None  # the maintenance plans in force
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", required=True, index=True, check_company=True, tracking=True
    )
    interval_months = fields.Integer(string="Interval (months)", required=True, default=12, tracking=True)
    lead_days = fields.Integer(
        string="Lead Time (days)", default=14, help="Visits are created this many days before they are due."
    )
    checklist = fields.Html(help="What the technician checks and services on each visit.")
    request_ids = fields.One2many("svcms.service.request", "maintenance_plan_id", string="Visits")
    visit_count = fields.Integer(compute="_compute_visit_count", string="Visits Count")
    last_generation_date = fields.Date(
        string="Visits Generated On", readonly=True, copy=False, help="Last day the cron generated this plan's visits."
    )
    generation_failure_count = fields.Integer(
        string="Failed Generations",
        readonly=True,
        copy=False,
        help="Consecutive runs of the cron that failed on this plan; back to 0 after a successful run.",
    )
    generation_error = fields.Text(string="Last Generation Error", readonly=True, copy=False)

    _interval_positive = models.Constraint(
        "CHECK(interval_months > 0)", "The maintenance interval must be at least one month."
    )
    _lead_days_positive = models.Constraint("CHECK(lead_days >= 0)", "The lead time cannot be negative.")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_visits(self):
        if self.env.su:
            return
        planned = self.filtered("request_ids")
        if planned:
            raise UserError(
                self.env._(
                    "The maintenance plan %(name)s has visits: archive it instead of deleting it.",
                    name=planned[0].name,
                )
            )

    def _compute_visit_count(self):
        counts = {
            plan.id: count
            for plan, count in self.env["svcms.service.request"]._read_group(
                [("maintenance_plan_id", "in", self.ids)], ["maintenance_plan_id"], ["__count"]
            )
        }
        for plan in self:
            plan.visit_count = counts.get(plan.id, 0)

    def _installed_base(self):
        """{(product, lot): (partner, delivery date)} for serials of these products now at a customer."""
        products = self.product_tmpl_id.product_variant_ids
        quants = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", products.ids),
                    ("lot_id", "!=", False),
                    ("location_id.usage", "=", "customer"),
                    ("quantity", ">", 0),
                ],
                ["lot_id"],
            )
        )
        lots = self.env["stock.lot"].union(*(lot for (lot,) in quants))
        last_lines = (
            self.env["stock.move.line"]
            .sudo()
            ._read_group(
                [("lot_id", "in", lots.ids), ("state", "=", "done"), ("location_dest_id.usage", "=", "customer")],
                ["lot_id"],
                ["id:max"],
            )
        )
        move_lines = self.env["stock.move.line"].sudo().browse([line_id for _lot, line_id in last_lines])
        return {
            line.lot_id: (line.picking_partner_id or line.move_id.partner_id, line.date.date()) for line in move_lines
        }

    def _due_visits(self, today):
        """(plan, lot, partner, due date) of every visit to create now, oldest first."""
        base = self._installed_base()
        last_due = {
            (plan.id, lot.id): due
            for plan, lot, due in self.env["svcms.service.request"]._read_group(
                [("maintenance_plan_id", "in", self.ids), ("lot_id", "in", [lot.id for lot in base])],
                ["maintenance_plan_id", "lot_id"],
                ["maintenance_due_date:max"],
            )
        }
        visits = []
        for plan in self:
            horizon = today + relativedelta(days=plan.lead_days)
            for lot, (partner, delivery_date) in base.items():
                if lot.product_id.product_tmpl_id != plan.product_tmpl_id or not partner:
                    continue
                start = last_due.get((plan.id, lot.id)) or delivery_date
                due = start + relativedelta(months=plan.interval_months)
                if due <= horizon:
                    visits.append((plan, lot, partner, due))
        visits.sort(key=lambda visit: visit[3])
        return visits

    def _prepare_visit_values(self, lot, partner, due_date):
        self.ensure_one()
        return {
            "partner_id": partner.commercial_partner_id.id if partner.commercial_partner_id else partner.id,
            "company_id": self.company_id.id,
            "request_type": "maintenance",
            "channel": "phone",
            "product_id": lot.product_id.id,
            "lot_id": lot.id,
            "maintenance_plan_id": self.id,
            "maintenance_due_date": due_date,
            "description": self.checklist or False,
        }

    def _generate_visits(self, limit=None):
        """Create the due visits (at most `limit`); returns (created requests, visits still due)."""
        today = fields.Date.context_today(self)
        visits = self._due_visits(today)
        batch = visits[:limit] if limit else visits
        requests = self.env["svcms.service.request"].create(
            [plan._prepare_visit_values(lot, partner, due) for plan, lot, partner, due in batch]
        )
        return requests, len(visits) - len(batch)

    def action_generate_visits(self):
        self._generate_visits()
        return self.action_view_visits()

    def action_view_visits(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Maintenance Visits"),
            "res_model": "svcms.service.request",
            "view_mode": "list,form",
            "domain": [("maintenance_plan_id", "=", self.id)],
            "context": {"default_maintenance_plan_id": self.id, "default_request_type": "maintenance"},
        }

    # ------------------------------------------------------------------ cron
    @api.model
    def _cron_pending_domain(self):
        today = fields.Date.context_today(self)
        return ["|", ("last_generation_date", "=", False), ("last_generation_date", "<", today)]

    @api.model
    def _cron_generate_visits(self, batch_size=200):
        """Daily: generate the due maintenance visits, plan by plan, in bounded batches.

        Within a cron job, progress is committed after each batch and the job goes on until every plan
        was handled today or its time is up; outside a cron (tests, shell) one batch is done."""
        created = self.env["svcms.service.request"]
        while True:
            requests, plans_done, remaining = self._generate_visits_batch(batch_size)
            created |= requests
            if not self.env.context.get("cron_id"):
                return created
            time_left = self.env["ir.cron"]._commit_progress(plans_done, remaining=remaining)
            if not remaining or time_left <= 0 or not (plans_done or requests):
                # nothing done: the pending plans are another worker's (or failed today)
                return created

    @api.model
    def _generate_visits_batch(self, batch_size):
        """Handle pending plans until ``batch_size`` visits are created: (visits, plans handled, plans pending).

        Each plan runs in a savepoint. A plan whose visits were all created is marked generated today; one
        that fails is rolled back, logged, counted and marked too, so that no run stops on it again today.
        """
        created = self.env["svcms.service.request"]
        handled = 0
        for plan in self.search(self._cron_pending_domain(), order="id"):
            if len(created) >= batch_size:
                break
            if not take_for_cron(plan):  # another worker is generating (or has generated) its visits
                continue
            try:
                with self.env.cr.savepoint():
                    requests, remaining = plan._generate_visits(limit=batch_size - len(created))
                    if not remaining:
                        plan.write(
                            {
                                "last_generation_date": fields.Date.context_today(plan),
                                "generation_failure_count": 0,
                                "generation_error": False,
                            }
                        )
            except Exception as error:
                _logger.exception("Maintenance plan %s (id %s): generating visits failed", plan.name, plan.id)
                plan._record_generation_failure(error)
                handled += 1
                continue
            created |= requests
            if not remaining:
                handled += 1
        return created, handled, self.search_count(self._cron_pending_domain())

    def _record_generation_failure(self, error):
        self.ensure_one()
        count = self.generation_failure_count + 1
        message = str(error.args[0]) if isinstance(error, UserError) and error.args else repr(error)
        self.write(
            {
                "last_generation_date": fields.Date.context_today(self),
                "generation_failure_count": count,
                "generation_error": message,
            }
        )
        noted = self._svcms_for_company()
        noted.message_post(
            body=Markup("<p>%s</p><pre>%s</pre>")
            % (
                noted.env._(
                    "Generating the maintenance visits failed (%(count)s time(s) in a row); "
                    "the next daily run tries again.",
                    count=count,
                ),
                message,
            ),
        )
