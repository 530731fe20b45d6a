import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class SvcmsAuditSampleWizard(models.TransientModel):
    """Draw records at random from a period as evidence for a checklist line."""

    _name = "svcms.audit.sample.wizard"
    _description = "Draw an Evidence Sample"

    line_id = fields.Many2one("svcms.audit.line", string="Checklist Line", required=True, ondelete="cascade")
    res_model = fields.Selection(
        selection="_selection_res_model",
        string="Record Type",
        required=True,
        help="The record types that evidence the line's clause.",
    )
    size = fields.Integer(string="Sample Size", required=True, default=5)
    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_period()[0])
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_period()[1])

    @api.model
    def _default_period(self):
        """The year of the audit's programme, else the 12 months before the audit starts (or today)."""
        line = self.env["svcms.audit.line"].browse(self.env.context.get("default_line_id"))
        audit = line.audit_id
        if audit.programme_id:
            year = audit.programme_id.year
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        end = audit.date_start or fields.Date.context_today(self)
        return end - relativedelta(months=12) + relativedelta(days=1), end

    @api.model
    def _evidence_models_for(self, clause):
        """Names of the record types declaring ``clause`` (or one of its sub-clauses); all of them without a clause."""
        names = self.env["svcms.clause"]._svcms_evidence_models()
        if not clause:
            return names
        clauses = self.env["svcms.clause"].search([("id", "child_of", clause.id)])
        result = []
        for name in names:
            codes = set(self.env[name]._svcms_evidence_clause_codes(clause.standard))
            if codes & set(clauses.mapped("code")):
                result.append(name)
        return result

    @api.model
    def _selection_res_model(self):
        """The record types evidencing the clause of the line the wizard opened on (every one elsewhere)."""
        line = self.env["svcms.audit.line"].browse(self.env.context.get("default_line_id")).exists()
        names = self._evidence_models_for(line.clause_id) if line else self.env["svcms.clause"]._svcms_evidence_models()
        return [(name, self.env[name]._description) for name in names]

    def action_draw(self):
        self.ensure_one()
        line = self.line_id
        line.audit_id._svcms_check_unlocked({"line_ids"})
        if self.res_model not in self._evidence_models_for(line.clause_id):
            raise UserError(
                self.env._(
                    "%(type)s does not evidence clause %(clause)s.",
                    type=self.env[self.res_model]._description,
                    clause=line.clause_id.display_name,
                )
            )
        if self.size < 1 or self.size > 100:
            raise UserError(self.env._("A sample holds from 1 to 100 records."))
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period of a sample cannot end before it starts."))
        audit = line.audit_id
        records = self.env[self.res_model]._svcms_evidence_sample(
            self.date_from, self.date_to, self.size, companies=audit.company_id, system=audit.management_system_id
        )
        existing = set(line.evidence_ids.filtered(lambda e: e.res_model == records._name).mapped("res_id"))
        new_ids = [record_id for record_id in records.ids if record_id not in existing]
        if not new_ids:
            raise UserError(
                self.env._(
                    "No new %(type)s record found between %(start)s and %(end)s.",
                    type=self.env[self.res_model]._description,
                    start=fields.Date.to_string(self.date_from),
                    end=fields.Date.to_string(self.date_to),
                )
            )
        self.env["svcms.audit.evidence"].create(
            [{"line_id": line.id, "res_model": records._name, "res_id": record_id} for record_id in new_ids]
        )
        return {"type": "ir.actions.act_window_close"}
