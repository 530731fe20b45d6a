from odoo import api, fields, models


class SvcmsDocumentNewRevision(models.TransientModel):
    """Start the next revision of an effective document: minor (A/0 -> A/1) or major (A/1 -> B/0)."""

    _name = "svcms.document.new.revision"
    _description = "New Document Revision"

    document_id = fields.Many2one("svcms.document", required=True, readonly=True)
    current_revision = fields.Char(related="document_id.revision")
    revision_scheme = fields.Selection(related="document_id.document_type_id.revision_scheme")
    change_type = fields.Selection(
        [("minor", "Minor change"), ("major", "Major change")],
        required=True,
        default="minor",
        help="Letter/number scheme: a minor change raises the number (A/0 -> A/1), a major change the letter "
        "(A/1 -> B/0).",
    )
    next_revision = fields.Char(compute="_compute_next_revision")
    change_summary = fields.Text(required=True, help="What changes in the new revision and why.")

    @api.depends("document_id", "change_type")
    def _compute_next_revision(self):
        for wizard in self:
            document = wizard.document_id
            wizard.next_revision = (
                document.document_type_id._next_revision(document.revision, major=wizard.change_type == "major")
                if document.revision
                else False
            )

    def action_create_revision(self):
        self.ensure_one()
        new = self.document_id._create_new_revision(
            major=self.change_type == "major", change_summary=self.change_summary
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.document",
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }
