from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class SvcmsDefectDisclosure(models.Model):
    """A public notice of a systematic product defect (商品系统性缺陷公开), shown on /recalls once published."""

    _name = "svcms.defect.disclosure"
    _description = "Defect Disclosure"
    _inherit = ["mail.thread", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("2.1.1", "2.5.2")}
    _svcms_evidence_date_field = "published_date"
    _svcms_evidence_domain = [("state", "=", "published")]
    _order = "published_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "publish": Transition(("draft", "withdrawn"), "published", "published_by_id", "published_date"),
        "unpublish": Transition(("published",), "withdrawn", "withdrawn_by_id", "withdrawn_date"),
    }
    # What the public reads is what was approved for publication: withdraw the notice to change it.
    _svcms_frozen_fields = (
        "company_id",
        "recall_id",
        "product_id",
        "name",
        "description",
        "risk",
        "remedy",
        "affected_units",
    )
    _svcms_editable_states = ("draft", "withdrawn")
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Title", required=True, tracking=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    recall_id = fields.Many2one("svcms.recall", index="btree_not_null", check_company=True)
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    description = fields.Html(string="Defect Description")
    risk = fields.Text(help="What may happen to users of an affected product.")
    remedy = fields.Text(help="What the company does for affected customers.")
    affected_units = fields.Text(help="Serial numbers or production period concerned.")
    description_is_empty = fields.Boolean(compute="_compute_description_is_empty")
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("withdrawn", "Withdrawn")],
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    published = fields.Boolean(compute="_compute_published", store=True, index=True)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    published_date = fields.Date(string="Published On", readonly=True, copy=False)
    withdrawn_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    withdrawn_date = fields.Datetime(string="Withdrawn On", readonly=True, copy=False)
    can_publish = fields.Boolean(compute="_compute_svcms_can")
    can_unpublish = fields.Boolean(compute="_compute_svcms_can")

    @api.depends("state")
    def _compute_published(self):
        for disclosure in self:
            disclosure.published = disclosure.state == "published"

    def _compute_description_is_empty(self):
        for disclosure in self:
            disclosure.description_is_empty = is_html_empty(disclosure.description)

    def write(self, vals):
        # A visitor without rights is refused for lack of rights before being told the notice is locked.
        self.check_access("write")
        return super().write(vals)

    def action_publish(self):
        self._svcms_check_transition("publish")
        for disclosure in self:
            if disclosure.description_is_empty or not disclosure.risk or not disclosure.remedy:
                raise UserError(
                    self.env._("Describe the defect, the risk and the remedy before publishing %s.", disclosure.name)
                )
        return self._svcms_transition("publish")

    def action_unpublish(self):
        return self._svcms_transition("unpublish")
