from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    svcms_contract_id = fields.Many2one(
        "svcms.supplier.contract",
        string="Supplier Contract",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The IT supplier contract this vendor bill is charged against: its lines go to the budget of the "
        "contract's service.",
    )
