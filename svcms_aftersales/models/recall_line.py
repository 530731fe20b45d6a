from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError

REMEDIES = [("repair", "Repair"), ("replace", "Replace"), ("refund", "Refund")]


class SvcmsRecallLine(models.Model):
    """One affected customer of a recall: contact, recovery of the units and the remedy given."""

    _name = "svcms.recall.line"
    _description = "Recall Customer"
    _inherit = ["mail.thread", "svcms.workflow.mixin"]
    _order = "recall_id, state desc, id"
    _check_company_auto = True

    _svcms_transitions = {
        "contact": Transition(("open",), None, "contacted_by_id", "contacted_date"),
        "done": Transition(("open",), "done", "done_by_id", "done_date"),
        "reopen": Transition(("done",), "open"),
    }
    _svcms_workflow_fields = ("contacted", "notified_date")
    # The remedy given to a customer is settled once it is done.
    _svcms_frozen_fields = ("recall_id", "partner_id", "lot_ids", "remedy", "product_recovered")
    _svcms_editable_states = ("open",)

    recall_id = fields.Many2one("svcms.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="recall_id.product_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    lot_ids = fields.Many2many(
        "stock.lot", "svcms_recall_line_stock_lot_rel", "line_id", "lot_id", string="Serial Numbers"
    )
    lot_count = fields.Integer(string="Units", compute="_compute_lot_count")
    notified_date = fields.Datetime(string="Notified On", readonly=True, copy=False)
    contacted = fields.Boolean(readonly=True, copy=False, tracking=True)
    contacted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    contacted_date = fields.Date(string="Contacted On", readonly=True, copy=False)
    product_recovered = fields.Boolean(tracking=True)
    remedy = fields.Selection(REMEDIES, required=True, default="repair", tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")],
        string="Status",
        required=True,
        default="open",
        readonly=True,
        tracking=True,
        index=True,
    )
    done_by_id = fields.Many2one("res.users", string="Completed By", readonly=True, copy=False, tracking=True)
    done_date = fields.Date(string="Completed On", readonly=True, copy=False)
    notes = fields.Text()
    can_contact = fields.Boolean(compute="_compute_svcms_can")
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_reopen = fields.Boolean(compute="_compute_svcms_can")

    _partner_uniq = models.Constraint("UNIQUE(recall_id, partner_id)", "A customer appears only once on a recall.")

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        for line in self:
            line.lot_count = len(line.lot_ids)

    def action_mark_contacted(self):
        return self._svcms_transition("contact", {"contacted": True})

    def action_done(self):
        self._svcms_check_transition("done")
        for line in self:
            if not line.contacted:
                raise UserError(
                    self.env._("Contact %s before completing the recall remedy.", line.partner_id.display_name)
                )
            if line.remedy in ("replace", "refund") and not line.product_recovered:
                raise UserError(
                    self.env._(
                        "Recover the product of %s before a replacement or a refund.", line.partner_id.display_name
                    )
                )
        return self._svcms_transition("done")

    def action_reopen(self):
        # who completed it and when stay in the chatter (tracked)
        return self._svcms_transition("reopen", {"done_by_id": False, "done_date": False})

    @api.ondelete(at_uninstall=False)
    def _unlink_except_contacted(self):
        """A customer the recall reached is evidence: their line stays."""
        reached = self.filtered(lambda line: line.contacted or line.notified_date or line.state == "done")
        if reached and not self.env.su:
            raise UserError(
                self.env._(
                    "%(customer)s was contacted about recall %(recall)s: the line is evidence and cannot be deleted.",
                    customer=reached[0].partner_id.display_name,
                    recall=reached[0].recall_id.name,
                )
            )

    def _notify_customer(self):
        """Email the recall notice to each customer: the template is rendered for all lines at once."""
        lines = self.filtered(lambda line: line.partner_id.email)
        if not lines:
            return self.env["svcms.recall.line"]
        template = self.env.ref("svcms_aftersales.mail_template_recall_notice")
        subjects = template._render_field("subject", lines.ids, compute_lang=True)
        bodies = template._render_field("body_html", lines.ids, compute_lang=True)
        for line in lines:
            line.message_post(
                subject=subjects[line.id],
                body=bodies[line.id],
                partner_ids=line.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )
        lines._svcms_write_workflow({"notified_date": fields.Datetime.now()})
        return lines
