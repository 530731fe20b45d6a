from odoo import fields, models


class SvcmsManagementReview(models.Model):
    """A management review (ISO/IEC 20000-1 9.3; procedure No.29 管理评审)."""

    _name = "svcms.management.review"
    _description = "Management Review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "review_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one(
        "svcms.management.system", string="Management System", required=True, index=True, check_company=True
    )
    review_date = fields.Date(required=True, tracking=True, index=True)
    period_start = fields.Date(string="Period From", required=True)
    period_end = fields.Date(string="Period To", required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("prepared", "Inputs Prepared"), ("held", "Held"), ("approved", "Approved")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
