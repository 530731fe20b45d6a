from odoo import fields, models


class SvcmsSupplierContract(models.Model):
    """An agreement with a supplier that supports services (ISO/IEC 20000-1 8.3.4): an underpinning
    contract with an external supplier, or an operational level agreement with an internal one.
    Skeleton: the supplier area owns this file."""

    _name = "svcms.supplier.contract"
    _description = "Supplier Contract"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    reference = fields.Char(tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    supplier_type = fields.Selection(
        [("external", "External Supplier"), ("internal", "Internal Supplier")],
        required=True,
        default="external",
        tracking=True,
        help="External: an underpinning contract. Internal: an operational level agreement with another "
        "department of the company.",
    )
    partner_id = fields.Many2one("res.partner", string="Supplier", tracking=True, index=True)
    department_id = fields.Many2one("hr.department", string="Internal Supplier", tracking=True, check_company=True)
    service_ids = fields.Many2many("svcms.service", string="Services Supported", check_company=True)
    date_start = fields.Date(tracking=True)
    date_end = fields.Date(tracking=True, index=True)
