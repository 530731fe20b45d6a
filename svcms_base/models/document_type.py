import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

REVISION_SCHEMES = [
    ("letter_number", "Letter/Number (A/0, A/1, B/0)"),
    ("number", "Number (0, 1, 2)"),
]

_LETTER_NUMBER = re.compile(r"^([A-Z]+)/(\d+)$")


def _next_letters(letters):
    """A -> B, Z -> AA, AZ -> BA: spreadsheet-style column letters."""
    value = 0
    for char in letters:
        value = value * 26 + (ord(char) - ord("A") + 1)
    value += 1
    result = ""
    while value:
        value, rest = divmod(value - 1, 26)
        result = chr(ord("A") + rest) + result
    return result


class SvcmsDocumentType(models.Model):
    _name = "svcms.document.type"
    _description = "Controlled Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        [
            ("manual", "Manual"),
            ("procedure", "Procedure"),
            ("instruction", "Work Instruction"),
            ("form", "Form / Record Template"),
            ("external", "External Document"),
        ],
        required=True,
    )
    sequence = fields.Integer(default=10)
    prefix = fields.Char(help="Letter used in document numbers, e.g. M for manuals: MC-SM-M-01.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)
    revision_scheme = fields.Selection(
        REVISION_SCHEMES,
        required=True,
        default="letter_number",
        help="Letter/Number: A/0 for the first issue, a minor change gives A/1, a major change B/0.\n"
        "Number: 0 for the first issue, every change adds one.",
    )
    review_interval_months = fields.Integer(
        string="Review Interval (Months)",
        default=12,
        help="Default interval between two periodic reviews of an effective document of this type.",
    )
    review_notice_days = fields.Integer(
        string="Review Notice (Days)",
        default=30,
        help="The document owner gets a review activity this many days before the review is due.",
    )
    acknowledgement_days = fields.Integer(
        string="Days to Confirm Reading",
        default=7,
        help="Readers are asked to confirm they read and understood a new revision within this many days.",
    )
    document_count = fields.Integer(compute="_compute_document_count", string="Documents")

    _prefix_company_uniq = models.Constraint(
        "UNIQUE(prefix, company_id)",
        "A document type prefix must be unique per company.",
    )

    def _compute_document_count(self):
        counts = dict(
            self.env["svcms.document"]._read_group(
                [("document_type_id", "in", self.ids), ("state", "in", ("draft", "review", "effective"))],
                ["document_type_id"],
                ["__count"],
            )
        )
        for doc_type in self:
            doc_type.document_count = counts.get(doc_type, 0)

    @api.constrains("review_interval_months", "review_notice_days", "acknowledgement_days")
    def _check_positive_delays(self):
        for doc_type in self:
            if min(doc_type.review_interval_months, doc_type.review_notice_days, doc_type.acknowledgement_days) < 0:
                raise ValidationError(self.env._("Review interval, notice and confirmation delays cannot be negative."))

    def _first_revision(self):
        self.ensure_one()
        return "A/0" if self.revision_scheme == "letter_number" else "0"

    def _next_revision(self, revision, major=False):
        """Revision code that follows `revision` for a minor change, or a major one when `major`."""
        self.ensure_one()
        revision = (revision or "").strip().upper()
        if self.revision_scheme == "number":
            if not revision.isdigit():
                raise UserError(
                    self.env._("Revision “%(revision)s” is not a number: it cannot be incremented.", revision=revision)
                )
            return str(int(revision) + 1)
        match = _LETTER_NUMBER.match(revision)
        if not match:
            raise UserError(
                self.env._(
                    "Revision “%(revision)s” does not follow the letter/number scheme (e.g. A/0).", revision=revision
                )
            )
        letters, number = match.groups()
        if major:
            return f"{_next_letters(letters)}/0"
        return f"{letters}/{int(number) + 1}"

    def action_open_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_document")
        action["domain"] = [("document_type_id", "=", self.id)]
        action["context"] = {"default_document_type_id": self.id}
        return action
