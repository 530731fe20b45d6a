from odoo import api, fields, models


class SvcmsAuditEvidence(models.Model):
    """A record of any type sampled as evidence for an audit checklist line."""

    _name = "svcms.audit.evidence"
    _description = "Audit Evidence Sample"
    _order = "line_id, res_model, id"
    _check_company_auto = True

    line_id = fields.Many2one("svcms.audit.line", required=True, index=True, ondelete="cascade", check_company=True)
    audit_id = fields.Many2one(related="line_id.audit_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True, index=True)
    res_model = fields.Char(string="Record Type Model", required=True, index=True)
    res_id = fields.Integer(string="Record ID", required=True)
    model_description = fields.Char(string="Record Type", compute="_compute_record")
    record_ref = fields.Reference(selection="_selection_record_models", string="Record", compute="_compute_record")
    record_name = fields.Char(string="Evidence", compute="_compute_record")
    note = fields.Char()

    _record_uniq = models.Constraint(
        "UNIQUE(line_id, res_model, res_id)", "A record is sampled only once for a checklist line."
    )

    @api.model
    def _selection_record_models(self):
        return [(name, self.env[name]._description) for name in self.env["svcms.clause"]._svcms_evidence_models()]

    @api.depends("res_model", "res_id")
    def _compute_record(self):
        for evidence in self:
            if evidence.res_model in self.env and evidence.res_id:
                record = self.env[evidence.res_model].browse(evidence.res_id).exists()
                evidence.model_description = self.env[evidence.res_model]._description
                evidence.record_ref = f"{record._name},{record.id}" if record else False
                evidence.record_name = record.sudo().display_name if record else self.env._("(deleted)")
            else:
                evidence.model_description = evidence.res_model
                evidence.record_ref = False
                evidence.record_name = False

    def _svcms_check_unlocked_audit(self, lines):
        if not self.env.su:
            lines.audit_id.sudo()._svcms_check_unlocked({"line_ids"})

    @api.model_create_multi
    def create(self, vals_list):
        self._svcms_check_unlocked_audit(
            self.env["svcms.audit.line"].browse({v["line_id"] for v in vals_list if v.get("line_id")})
        )
        return super().create(vals_list)

    def write(self, vals):
        self._svcms_check_unlocked_audit(self.line_id)
        if vals.get("line_id"):
            self._svcms_check_unlocked_audit(self.env["svcms.audit.line"].browse(vals["line_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_audit_locked(self):
        self._svcms_check_unlocked_audit(self.line_id)

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
