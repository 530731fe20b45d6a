from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class SvcmsDefectDisclosure(models.Model):
    """A public notice of a systematic product defect (商品系统性缺陷公开), shown on /recalls once published."""

    _name = "svcms.defect.disclosure"
    _description = "Defect Disclosure"
    _inherit = ["mail.thread"]
    _order = "published_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    recall_id = fields.Many2one("svcms.recall", string="Recall", index="btree_not_null", check_company=True)
    product_id = fields.Many2one("product.product", string="Product", required=True, check_company=True)
    description = fields.Html(string="Defect Description")
    risk = fields.Text(string="Risk", help="What may happen to users of an affected product.")
    remedy = fields.Text(string="Remedy", help="What the company does for affected customers.")
    affected_units = fields.Text(string="Affected Units", help="Serial numbers or production period concerned.")
    description_is_empty = fields.Boolean(compute="_compute_description_is_empty")
    published = fields.Boolean(readonly=True, copy=False, tracking=True, index=True)
    published_date = fields.Date(string="Published On", readonly=True, copy=False)

    def _compute_description_is_empty(self):
        for disclosure in self:
            disclosure.description_is_empty = is_html_empty(disclosure.description)

    def action_publish(self):
        for disclosure in self:
            if disclosure.description_is_empty or not disclosure.risk or not disclosure.remedy:
                raise UserError(
                    self.env._("Describe the defect, the risk and the remedy before publishing %s.", disclosure.name)
                )
        self.write({"published": True, "published_date": fields.Date.context_today(self)})

    def action_unpublish(self):
        self.write({"published": False})
