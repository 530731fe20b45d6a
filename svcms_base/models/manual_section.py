from odoo import api, fields, models


class SvcmsManualSection(models.Model):
    """An ordered section of a manual: its content belongs to the manual's revision."""

    _name = "svcms.manual.section"
    _description = "Manual Section"
    _order = "document_id, sequence, id"
    _rec_name = "title"
    _check_company_auto = True

    document_id = fields.Many2one(
        "svcms.document", string="Manual", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    code = fields.Char(string="Section Number", help="Number printed before the title, e.g. 0.2 or 8.2.1.")
    title = fields.Char(required=True)
    clause_id = fields.Many2one("svcms.clause", index=True)
    body = fields.Html()
    procedure_ids = fields.Many2many(
        "svcms.document",
        "svcms_manual_section_procedure_rel",
        "section_id",
        "document_id",
        string="Procedures",
        check_company=True,
        domain="[('document_type_code', '=', 'procedure'), ('state', 'in', ('draft', 'review', 'effective'))]",
    )
    level = fields.Integer(compute="_compute_level", help="Depth of the section, from its number: 8.2.1 is level 3.")

    @api.depends("code")
    def _compute_level(self):
        for section in self:
            section.level = len([part for part in (section.code or "").split(".") if part]) or 1

    @api.depends("code", "title")
    def _compute_display_name(self):
        for section in self:
            section.display_name = f"{section.code} {section.title}" if section.code else section.title

    def _check_manual_unlocked(self, documents):
        """Sections are content of their manual: they change while the manual does (see its frozen fields)."""
        documents._svcms_check_unlocked({"section_ids"})

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manual_unlocked(
            self.env["svcms.document"].browse([vals["document_id"] for vals in vals_list if vals.get("document_id")])
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_manual_unlocked(self.document_id)
        if vals.get("document_id"):
            self._check_manual_unlocked(self.env["svcms.document"].browse(vals["document_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked_manual(self):
        self._check_manual_unlocked(self.document_id)
