from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError

MANAGER_GROUP = "svcms_aftersales.group_aftersales_manager"


class SvcmsDisposal(models.Model):
    """The disposal (废弃物处置) of replaced parts and scrapped returns, hazardous waste through licensed vendors."""

    _name = "svcms.disposal"
    _description = "Waste Disposal"
    _inherit = ["mail.thread", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("2.6.1",)}
    _svcms_evidence_date_field = "date"
    _svcms_evidence_domain = [("state", "=", "done")]
    _order = "date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "done": Transition(("draft",), "done", "done_by_id", "done_date"),
        # reopening a disposal record is a correction of evidence: a manager's call, and it stays in the chatter
        "reset_to_draft": Transition(("done",), "draft", group=MANAGER_GROUP),
    }
    # What was disposed of, how and by whom is the disposal record (废弃物处置记录): fixed once disposed.
    _svcms_frozen_fields = "__all__"
    _svcms_writable_when_locked = ("notes",)
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    origin = fields.Selection(
        [("replaced_part", "Replaced Part"), ("scrapped_return", "Scrapped Return"), ("other", "Other")],
        required=True,
        default="replaced_part",
    )
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Serial Number", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    method = fields.Selection(
        [
            ("recycling", "Recycling"),
            ("dismantling", "Dismantling by a Licensed Vendor"),
            ("return_to_supplier", "Return to Supplier"),
            ("incineration", "Incineration"),
            ("landfill", "Landfill"),
            ("other", "Other"),
        ],
        required=True,
        default="recycling",
        tracking=True,
    )
    vendor_id = fields.Many2one("res.partner", string="Disposal Vendor", tracking=True, check_company=True)
    hazardous = fields.Boolean(tracking=True, help="Refrigerant, compressor oil, batteries, circuit boards...")
    scrap_id = fields.Many2one("stock.scrap", string="Scrap Order", index="btree_not_null", check_company=True)
    move_id = fields.Many2one("stock.move", string="Stock Move", index="btree_not_null", check_company=True)
    request_id = fields.Many2one(
        "svcms.service.request", string="Service Request", index="btree_not_null", check_company=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Disposed")],
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        copy=False,
    )
    done_by_id = fields.Many2one("res.users", string="Disposed By", readonly=True, copy=False, tracking=True)
    done_date = fields.Datetime(string="Disposed On", readonly=True, copy=False)
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_reset_to_draft = fields.Boolean(compute="_compute_svcms_can")
    notes = fields.Text()

    @api.constrains("quantity")
    def _check_quantity(self):
        for disposal in self:
            if disposal.quantity <= 0:
                raise ValidationError(self.env._("The disposed quantity must be positive."))

    @api.onchange("scrap_id")
    def _onchange_scrap_id(self):
        if self.scrap_id:
            self.product_id = self.scrap_id.product_id
            self.lot_id = self.scrap_id.lot_id
            self.quantity = self.scrap_id.scrap_qty
            self.move_id = self.scrap_id.move_ids[:1]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("svcms.disposal") or "/"
        return super().create(vals_list)

    def action_done(self):
        self._svcms_check_transition("done")
        for disposal in self:
            if disposal.hazardous and not disposal.vendor_id:
                raise UserError(
                    self.env._("Hazardous waste %s must be handed to a licensed disposal vendor.", disposal.name)
                )
        return self._svcms_transition("done")

    def action_reset_to_draft(self):
        return self._svcms_transition("reset_to_draft")
