from odoo import api, fields, models
from odoo.exceptions import UserError

REMEDIES = [("repair", "Repair"), ("replace", "Replace"), ("refund", "Refund")]


class SvcmsRecallLine(models.Model):
    """One affected customer of a recall: contact, recovery of the units and the remedy given."""

    _name = "svcms.recall.line"
    _description = "Recall Customer"
    _inherit = ["mail.thread"]
    _order = "recall_id, state desc, id"
    _check_company_auto = True

    recall_id = fields.Many2one("svcms.recall", string="Recall", required=True, ondelete="cascade", index=True)
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
    contacted = fields.Boolean(tracking=True)
    contacted_date = fields.Date(string="Contacted On")
    product_recovered = fields.Boolean(string="Product Recovered", tracking=True)
    remedy = fields.Selection(REMEDIES, required=True, default="repair", tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")], string="Status", required=True, default="open", tracking=True, index=True
    )
    done_date = fields.Date(string="Completed On", readonly=True, copy=False)
    notes = fields.Text()

    _partner_uniq = models.Constraint("UNIQUE(recall_id, partner_id)", "A customer appears only once on a recall.")

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        for line in self:
            line.lot_count = len(line.lot_ids)

    @api.onchange("contacted")
    def _onchange_contacted(self):
        if self.contacted and not self.contacted_date:
            self.contacted_date = fields.Date.context_today(self)

    def action_mark_contacted(self):
        self.write({"contacted": True, "contacted_date": fields.Date.context_today(self)})

    def action_done(self):
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
        self.write({"state": "done", "done_date": fields.Date.context_today(self)})

    def action_reopen(self):
        self.write({"state": "open", "done_date": False})

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
        lines.write({"notified_date": fields.Datetime.now()})
        return lines
