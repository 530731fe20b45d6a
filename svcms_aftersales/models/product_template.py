from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    installation_required = fields.Boolean(
        string="Installation Required",
        help="Deliveries of this product get an installation request (配送与安装调试) when validated.",
    )
