from odoo import fields, models


class SvcmsSupplierContractTarget(models.Model):
    """A service target the supplier commits to (availability 99.5 %, on-site within 4 hours ...)."""

    _name = "svcms.supplier.contract.target"
    _description = "Supplier Contract Service Target"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "contract_id, sequence, id"
    _svcms_parent_field = "contract_id"
    _svcms_parent_lines_field = "target_ids"

    sequence = fields.Integer(default=10)
    contract_id = fields.Many2one("svcms.supplier.contract", required=True, ondelete="cascade", index=True)
    metric = fields.Char(required=True, help="What is measured, e.g. availability of the internet line.")
    target = fields.Float(required=True, digits=(16, 2))
    unit = fields.Char(help="e.g. %, hours, days.")
