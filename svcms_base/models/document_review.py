from odoo import api, fields, models
from odoo.exceptions import UserError

ACTIVITY_PERIODIC_REVIEW = "svcms_base.mail_activity_document_periodic_review"


class SvcmsDocumentReview(models.Model):
    """Record of a periodic review of an effective revision (is it still adequate?)."""

    _name = "svcms.document.review"
    _description = "Periodic Document Review"
    _inherit = ["mail.thread"]
    _order = "review_date desc, id desc"
    _check_company_auto = True

    document_id = fields.Many2one(
        "svcms.document",
        string="Document",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('state', '=', 'effective')]",
    )
    revision = fields.Char(related="document_id.revision")
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    review_date = fields.Date(required=True, default=fields.Date.context_today)
    reviewer_id = fields.Many2one("res.users", string="Reviewer", required=True, default=lambda self: self.env.user)
    result = fields.Selection(
        [
            ("no_change", "Still adequate, no change"),
            ("revise", "Revision needed"),
            ("withdraw", "To be withdrawn"),
        ],
        required=True,
        default="no_change",
    )
    notes = fields.Text()
    next_review_date = fields.Date(readonly=True, help="Next review date of the document after this review.")

    @api.depends("document_id", "review_date")
    def _compute_display_name(self):
        for review in self:
            review.display_name = f"{review.document_id.display_name} ({review.review_date or ''})"

    @api.model_create_multi
    def create(self, vals_list):
        documents = self.env["svcms.document"].browse(
            [vals["document_id"] for vals in vals_list if vals.get("document_id")]
        )
        if any(document.state != "effective" for document in documents):
            raise UserError(self.env._("Only effective documents are reviewed periodically."))
        documents._check_can_review_periodically()
        reviews = super().create(vals_list)
        for review in reviews:
            document = review.document_id.sudo()
            if review.result == "no_change":
                # the review restarts the interval; next_review_date follows from last_review_date
                document.write({"last_review_date": review.review_date})
            review.sudo().next_review_date = document.next_review_date
            document.activity_feedback([ACTIVITY_PERIODIC_REVIEW], feedback=review._summary())
            document.message_post(body=review._summary(), message_type="notification")
        return reviews

    def _summary(self):
        self.ensure_one()
        result = dict(self._fields["result"]._description_selection(self.env))[self.result]
        summary = self.env._(
            "Periodic review by %(reviewer)s: %(result)s.", reviewer=self.reviewer_id.name, result=result
        )
        return f"{summary} {self.notes}" if self.notes else summary
