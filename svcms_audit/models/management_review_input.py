from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import _TRANSITION
from odoo.exceptions import UserError


class SvcmsManagementReviewInput(models.Model):
    """One input section of a management review: a snapshot taken when the inputs were prepared.

    Written only by "Prepare inputs" (never by a user, never recomputed): the minutes stay true
    after the live data changes."""

    _name = "svcms.management.review.input"
    _description = "Management Review Input"
    _order = "review_id, sequence, id"

    review_id = fields.Many2one(
        "svcms.management.review", string="Management Review", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    section = fields.Selection(selection="_selection_section", required=True)
    title = fields.Char(required=True)
    summary = fields.Html(sanitize=False, help="The figures as compiled when the inputs were prepared.")
    figures = fields.Json(string="Key Figures")
    figures_text = fields.Text(string="Key Figures (Text)")

    @api.model
    def _selection_section(self):
        return self.env["svcms.management.review"]._svcms_review_sections()

    def _svcms_trusted(self):
        return self.with_context(svcms_workflow=_TRANSITION)

    def _check_snapshot_trusted(self):
        if not self.env["svcms.management.review"]._svcms_in_transition():
            raise UserError(
                self.env._(
                    "The inputs of a management review are a snapshot: they are compiled by “Prepare Inputs” "
                    "and cannot be edited, added or deleted by hand."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_snapshot_trusted()
        return super().create(vals_list)

    def write(self, vals):
        self._check_snapshot_trusted()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_when_trusted(self):
        self._check_snapshot_trusted()
