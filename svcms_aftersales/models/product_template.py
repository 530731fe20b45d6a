from odoo import api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_INSTALLATION_CHECKLIST = (
    "开箱验货，核对型号与序列号\n"
    "确认安装位置、电源与接地\n"
    "安装固定并连接管路/水路\n"
    "通电试机，各功能运行正常\n"
    "向用户讲解使用与保养方法\n"
    "清理现场，用户验收签字"
)


class ProductTemplate(models.Model):
    _inherit = "product.template"

    installation_required = fields.Boolean(
        help="Deliveries of this product get an installation request (配送与安装调试) when validated.",
    )
    svcms_installation_checklist = fields.Text(
        string="Installation Checklist",
        default=DEFAULT_INSTALLATION_CHECKLIST,
        help="One check per line, copied to each installation request of this product.",
    )
    svcms_spare_part_ids = fields.Many2many(
        "product.product",
        "svcms_product_spare_part_rel",
        "product_tmpl_id",
        "part_id",
        string="Compatible Spare Parts",
        help="Spare parts (备件) that fit this product.",
    )
    svcms_is_spare_part = fields.Boolean(string="Spare Part", index=True)
    svcms_part_published = fields.Boolean(
        string="Published Price",
        help="Shown with its price on the public spare parts price list (配件价格公示).",
    )
    svcms_part_compatible_tmpl_ids = fields.Many2many(
        "product.template", compute="_compute_svcms_part_compatible_tmpl_ids", string="Fits Products"
    )

    @api.depends("product_variant_ids")
    def _compute_svcms_part_compatible_tmpl_ids(self):
        variants = self.product_variant_ids
        products = self.search([("svcms_spare_part_ids", "in", variants.ids)]) if variants else self.browse()
        for template in self:
            template.svcms_part_compatible_tmpl_ids = products.filtered(
                lambda product, template=template: product.svcms_spare_part_ids & template.product_variant_ids
            )

    @api.constrains("list_price", "svcms_is_spare_part")
    def _check_svcms_spare_part_price(self):
        for template in self.filtered("svcms_is_spare_part"):
            if template.list_price < 0:
                raise ValidationError(
                    self.env._("The public price of spare part %s cannot be negative.", template.display_name)
                )

    def _svcms_installation_checks(self):
        self.ensure_one()
        lines = (self.svcms_installation_checklist or DEFAULT_INSTALLATION_CHECKLIST).splitlines()
        return [line.strip() for line in lines if line.strip()]
