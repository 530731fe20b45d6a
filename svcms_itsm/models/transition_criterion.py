from odoo import api, fields, models


class SvcmsTransitionCriterion(models.Model):
    """One acceptance criterion of a service transition plan, with its test and result."""

    _name = "svcms.transition.criterion"
    _description = "Service Acceptance Criterion"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    _svcms_parent_field = "plan_id"
    _svcms_parent_lines_field = "criterion_ids"

    plan_id = fields.Many2one(
        "svcms.transition.plan", string="Transition Plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Criterion", required=True)
    test_method = fields.Char(help="How the criterion is tested: test script, load test, user acceptance ...")
    result = fields.Selection([("pass", "Passed"), ("fail", "Failed")], copy=False)
    evidence_note = fields.Text(string="Evidence", copy=False)
    tested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    tested_date = fields.Date(string="Tested On", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("tested_by_id", None)
            vals.pop("tested_date", None)
            if vals.get("result"):
                vals.update(self._svcms_tester_values())
        return super().create(vals_list)

    def write(self, vals):
        vals = dict(vals)
        vals.pop("tested_by_id", None)
        vals.pop("tested_date", None)
        if "result" in vals:
            # who recorded the result, and when: never taken from the client
            vals.update(
                self._svcms_tester_values() if vals["result"] else {"tested_by_id": False, "tested_date": False}
            )
        return super().write(vals)

    @api.model
    def _svcms_tester_values(self):
        return {"tested_by_id": self.env.uid, "tested_date": fields.Date.context_today(self)}
