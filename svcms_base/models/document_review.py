from odoo import api, fields, models
from odoo.exceptions import UserError

ACTIVITY_PERIODIC_REVIEW = "svcms_base.mail_activity_document_periodic_review"


class SvcmsDocumentReview(models.Model):
    """Record of a periodic review of an effective revision (is it still adequate?)."""

    _name = "svcms.document.review"
    _description = "Periodic Document Review"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.5.3",), "gbt27922": ("1.4.2",)}
    _svcms_evidence_date_field = "review_date"
    _order = "review_date desc, id desc"
    _check_company_auto = True

    document_id = fields.Many2one(
        "svcms.document",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('state', '=', 'effective')]",
    )
    revision = fields.Char(related="document_id.revision")
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    review_date = fields.Date(required=True, default=fields.Date.context_today)
    reviewer_id = fields.Many2one("res.users", required=True, readonly=True, default=lambda self: self.env.user)
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
        today = fields.Date.context_today(self)
        if not self.env.su:
            for vals in vals_list:
                # a review is recorded by whoever did it, when it was done: never ahead of time
                vals["reviewer_id"] = self.env.uid
                review_date = fields.Date.to_date(vals.get("review_date")) or today
                if review_date > today:
                    raise UserError(self.env._("A periodic review cannot be recorded ahead of its date."))
        documents = self.env["svcms.document"].browse(
            [vals["document_id"] for vals in vals_list if vals.get("document_id")]
        )
        # effective revisions only, reviewed by those who keep them (owner, author, approvers, managers)
        documents._svcms_check_transition("review_periodically")
        reviews = super().create(vals_list)
        for review in reviews:
            document = review.document_id
            if review.result == "no_change":
                # the review restarts the interval; next_review_date follows from last_review_date
                document._svcms_transition("review_periodically", {"last_review_date": review.review_date})
            review.sudo().next_review_date = document.sudo().next_review_date
            document.sudo().activity_feedback([ACTIVITY_PERIODIC_REVIEW], feedback=review._summary())
            document.sudo().message_post(body=review._summary(), message_type="notification")
        return reviews

    def write(self, vals):
        if not self.env.su:
            raise UserError(
                self.env._("A periodic review is a record: it cannot be changed. Record a new review instead.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("A periodic review is a record: it cannot be deleted."))

    def _summary(self):
        self.ensure_one()
        result = dict(self._fields["result"]._description_selection(self.env))[self.result]
        summary = self.env._(
            "Periodic review by %(reviewer)s: %(result)s.", reviewer=self.reviewer_id.name, result=result
        )
        return f"{summary} {self.notes}" if self.notes else summary
