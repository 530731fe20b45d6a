from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from .recall_line import REMEDIES


class SvcmsRecall(models.Model):
    """A recall campaign (召回) for a systematic defect of one product.

    The affected units are a set of serials or the serials produced in a date range; the affected
    customers are found from the done movements of those serials, so nobody has to know by heart
    who bought what. Serials whose last customer movement is a return are back in our hands: they
    are listed on the recall (to quarantine them in the warehouse) but no customer is contacted.
    """

    _name = "svcms.recall"
    _description = "Product Recall"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("2.5.2",)}
    _svcms_evidence_date_field = "date_start"
    _svcms_evidence_domain = [("state", "not in", ("draft", "cancelled"))]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "find_customers": Transition(("draft", "open"), None, "searched_by_id", "searched_date"),
        "open": Transition(("draft",), "open", "opened_by_id", "opened_date"),
        "notify": Transition(("open",), None, "notified_by_id", "notified_date"),
        "done": Transition(("open",), "done", "done_by_id", "done_date"),
        "cancel": Transition(("draft", "open"), "cancelled", "cancelled_by_id", "cancelled_date"),
        "reset_to_draft": Transition(("cancelled",), "draft"),
    }
    _svcms_workflow_fields = ("returned_lot_ids",)
    # What is recalled is settled when the recall starts: the customers found depend on it.
    _svcms_frozen_fields = (
        "company_id",
        "product_id",
        "scope",
        "lot_ids",
        "production_date_from",
        "production_date_to",
    )
    # Customers contacted about a recall are evidence: such a recall is cancelled, never deleted.
    _svcms_deletable_states = ("draft", "cancelled")

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/", index="trigram")
    title = fields.Char(required=True, tracking=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain=[("tracking", "!=", "none")],
    )
    scope = fields.Selection(
        [("serials", "Listed Serial Numbers"), ("production_dates", "Production Date Range")],
        string="Affected Units",
        required=True,
        default="serials",
        tracking=True,
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "svcms_recall_stock_lot_rel",
        "recall_id",
        "lot_id",
        string="Serial Numbers",
        domain="[('product_id', '=', product_id)]",
        check_company=True,
    )
    production_date_from = fields.Date(string="Produced From", tracking=True)
    production_date_to = fields.Date(string="Produced Until", tracking=True)
    defect_description = fields.Html(string="Defect")
    remedy = fields.Selection(REMEDIES, string="Default Remedy", required=True, default="repair", tracking=True)
    date_start = fields.Date(string="Start Date", default=fields.Date.context_today, required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain=[("share", "=", False)],
    )
    state = fields.Selection(
        [("draft", "Draft"), ("open", "In Progress"), ("done", "Completed"), ("cancelled", "Cancelled")],
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    line_ids = fields.One2many("svcms.recall.line", "recall_id", string="Customers", copy=False)
    returned_lot_ids = fields.Many2many(
        "stock.lot",
        "svcms_recall_returned_lot_rel",
        "recall_id",
        "lot_id",
        string="Returned Serial Numbers",
        readonly=True,
        copy=False,
        help="Affected serials already returned by their customer: quarantine them in the warehouse.",
    )
    line_count = fields.Integer(string="Affected Customers", compute="_compute_progress")
    done_count = fields.Integer(string="Completed Customers", compute="_compute_progress")
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")
    disclosure_ids = fields.One2many("svcms.defect.disclosure", "recall_id", string="Defect Disclosures")
    searched_by_id = fields.Many2one("res.users", string="Customers Searched By", readonly=True, copy=False)
    searched_date = fields.Datetime(string="Customers Searched On", readonly=True, copy=False)
    opened_by_id = fields.Many2one("res.users", string="Started By", readonly=True, copy=False, tracking=True)
    opened_date = fields.Datetime(string="Started On", readonly=True, copy=False)
    notified_by_id = fields.Many2one("res.users", string="Customers Notified By", readonly=True, copy=False)
    notified_date = fields.Datetime(string="Customers Notified On", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", string="Completed By", readonly=True, copy=False, tracking=True)
    done_date = fields.Datetime(string="Completed On", readonly=True, copy=False)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    cancelled_date = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    can_find_customers = fields.Boolean(compute="_compute_svcms_can")
    can_open = fields.Boolean(compute="_compute_svcms_can")
    can_notify = fields.Boolean(compute="_compute_svcms_can")
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    can_reset_to_draft = fields.Boolean(compute="_compute_svcms_can")

    @api.constrains("scope", "production_date_from", "production_date_to")
    def _check_production_dates(self):
        for recall in self.filtered(lambda r: r.scope == "production_dates"):
            if not recall.production_date_from or not recall.production_date_to:
                raise ValidationError(self.env._("A recall by production date needs a start and an end date."))
            if recall.production_date_from > recall.production_date_to:
                raise ValidationError(self.env._("The production date range of %s ends before it starts.", recall.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("svcms.recall") or "/"
        return super().create(vals_list)

    @api.depends("line_ids.state")
    def _compute_progress(self):
        counts = defaultdict(lambda: [0, 0])
        if self.ids:
            groups = self.env["svcms.recall.line"]._read_group(
                [("recall_id", "in", self.ids)], ["recall_id", "state"], ["__count"]
            )
            for recall, state, count in groups:
                counts[recall.id][0] += count
                if state == "done":
                    counts[recall.id][1] += count
        for recall in self:
            total, done = counts[recall.id] if recall.id else (len(recall.line_ids), 0)
            recall.line_count = total
            recall.done_count = done
            recall.progress = 100.0 * done / total if total else 0.0

    # ------------------------------------------------------------------ affected customers
    def _search_affected_units(self):
        """Last customer movement of every affected serial, in one SQL query.

        Served by the partial index ``stock_move_line__svcms_recall_lot_idx``
        (product_id, lot_id, date DESC, id DESC) WHERE state = 'done' AND lot_id IS NOT NULL, and for a
        production date range by ``stock_lot__svcms_recall_product_date_idx`` (product_id, create_date).

        :return: (delivered, returned): {partner_id: [lot_id, ...]} of units at customers, and the ids
            of serials whose last customer movement brought them back.
        """
        self.ensure_one()
        if self.scope == "serials":
            if not self.lot_ids:
                raise UserError(self.env._("Recall %s lists no serial number.", self.name))
            lot_condition = SQL("sml.lot_id = ANY(%s)", self.lot_ids.ids)
        else:
            start = datetime.combine(self.production_date_from, time.min)
            end = datetime.combine(self.production_date_to + timedelta(days=1), time.min)
            lot_condition = SQL(
                "sml.lot_id IN (SELECT id FROM stock_lot"
                " WHERE product_id = %s AND create_date >= %s AND create_date < %s)",
                self.product_id.id,
                start,
                end,
            )
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (sml.lot_id)
                       sml.lot_id, dest.usage = 'customer', COALESCE(picking.partner_id, move.partner_id)
                  FROM stock_move_line sml
                  JOIN stock_location src ON src.id = sml.location_id
                  JOIN stock_location dest ON dest.id = sml.location_dest_id
             LEFT JOIN stock_move move ON move.id = sml.move_id
             LEFT JOIN stock_picking picking ON picking.id = sml.picking_id
                 WHERE sml.state = 'done'
                   AND sml.lot_id IS NOT NULL
                   AND sml.product_id = %(product)s
                   AND sml.company_id = %(company)s
                   AND %(lot_condition)s
                   AND (src.usage = 'customer') != (dest.usage = 'customer')
              ORDER BY sml.lot_id, sml.date DESC, sml.id DESC
                """,
                product=self.product_id.id,
                company=self.company_id.id,
                lot_condition=lot_condition,
            )
        )
        delivered = defaultdict(list)
        returned = []
        for lot_id, at_customer, partner_id in rows:
            if at_customer and partner_id:
                delivered[partner_id].append(lot_id)
            elif not at_customer:
                returned.append(lot_id)
        return delivered, returned

    def action_find_customers(self):
        """Create (or complete) one line per affected customer, in one batch."""
        self._svcms_check_transition("find_customers")
        for recall in self:
            delivered, returned = recall._search_affected_units()
            existing = {line.partner_id.id: line for line in recall.line_ids}
            new_lines = []
            for partner_id, lot_ids in delivered.items():
                if partner_id in existing:
                    # A customer found again may hold more units now, even once their remedy is done.
                    existing[partner_id]._svcms_write_workflow(
                        {"lot_ids": [Command.link(lot_id) for lot_id in lot_ids]}
                    )
                else:
                    new_lines.append(
                        {
                            "recall_id": recall.id,
                            "partner_id": partner_id,
                            "lot_ids": [Command.set(lot_ids)],
                            "remedy": recall.remedy,
                        }
                    )
            self.env["svcms.recall.line"].create(new_lines)
            recall._svcms_transition("find_customers", {"returned_lot_ids": [Command.set(returned)]})
            # an automated note on the recall: in its company's language
            recall._svcms_for_company().message_post(
                body=recall._svcms_for_company().env._(
                    "%(customers)s affected customers found, %(returned)s affected serials already returned.",
                    customers=len(delivered),
                    returned=len(returned),
                )
            )
        return True

    # ------------------------------------------------------------------ workflow
    def action_open(self):
        self._svcms_check_transition("open")
        self.filtered(lambda recall: not recall.line_ids).action_find_customers()
        return self._svcms_transition("open")

    def action_notify_customers(self):
        """Email every affected customer not told yet (mail template, posted on their line)."""
        self._svcms_check_transition("notify")
        self.line_ids.filtered(lambda line: not line.notified_date)._notify_customer()
        return self._svcms_transition("notify")

    def action_done(self):
        self._svcms_check_transition("done")
        for recall in self:
            if recall.line_ids.filtered(lambda line: line.state != "done"):
                raise UserError(self.env._("Recall %s still has customers whose remedy is not completed.", recall.name))
        return self._svcms_transition("done")

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_reset_to_draft(self):
        return self._svcms_transition("reset_to_draft")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_customers_contacted(self):
        """Whom a recall reached is evidence, whatever its status."""
        contacted = self.line_ids.filtered(lambda line: line.contacted or line.notified_date)
        if contacted and not self.env.su:
            raise UserError(
                self.env._(
                    "Recall %(recall)s has contacted customers (%(customer)s...): it is evidence and cannot be "
                    "deleted. Cancel it instead.",
                    recall=contacted[0].recall_id.name,
                    customer=contacted[0].partner_id.display_name,
                )
            )

    def action_create_disclosure(self):
        """Prepare the public defect disclosure (商品系统性缺陷公开) of this recall."""
        self.ensure_one()
        disclosure = self.env["svcms.defect.disclosure"].create(
            {
                "name": self.title,
                "recall_id": self.id,
                "product_id": self.product_id.id,
                "company_id": self.company_id.id,
                "description": self.defect_description,
                "remedy": dict(self._fields["remedy"]._description_selection(self.env)).get(self.remedy),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.defect.disclosure",
            "res_id": disclosure.id,
            "view_mode": "form",
        }

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Affected Customers"),
            "res_model": "svcms.recall.line",
            "view_mode": "list,form",
            "domain": [("recall_id", "=", self.id)],
            "context": {"default_recall_id": self.id},
        }
