from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsCiVerificationLine(models.Model):
    """One configuration item checked in a verification campaign."""

    _name = "svcms.ci.verification.line"
    _description = "CI Verification Line"
    _inherit = ["svcms.workflow.line.mixin", "svcms.lang.mixin"]
    _order = "verification_id, ci_id, id"
    _check_company_auto = True

    _svcms_parent_field = "verification_id"
    _svcms_parent_lines_field = "line_ids"

    verification_id = fields.Many2one(
        "svcms.ci.verification", string="Campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="verification_id.company_id", store=True, index=True)
    ci_id = fields.Many2one("svcms.ci", string="Configuration Item", required=True, index=True, check_company=True)
    ci_type_id = fields.Many2one(related="ci_id.type_id", string="CI Type")
    location = fields.Char(related="ci_id.location")
    state = fields.Selection(related="verification_id.state", string="Campaign Status")
    result = fields.Selection(
        [("found", "Found as Recorded"), ("not_found", "Not Found"), ("differs", "Differs")], copy=False
    )
    observed_note = fields.Text(string="Observed", help="What was actually found, where it differs from the CMDB.")
    follow_up = fields.Selection(
        [("correct_cmdb", "Correct the CMDB"), ("investigate", "Investigate"), ("retire", "Retire the CI")],
        string="Follow-up Action",
    )
    assignee_id = fields.Many2one("res.users", string="Assigned To", check_company=True)
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    verified_date = fields.Date(string="Verified On", readonly=True, copy=False, index="btree_not_null")
    last_verified_date = fields.Date(
        compute="_compute_last_verified_date",
        string="Last Verified",
        help="The latest verification of this configuration item in any campaign.",
    )

    _ci_campaign_uniq = models.Constraint(
        "UNIQUE(verification_id, ci_id)", "A configuration item is verified once per campaign."
    )

    @api.depends("ci_id")
    def _compute_last_verified_date(self):
        latest = dict(
            self.sudo()._read_group(
                [("ci_id", "in", self.ci_id.ids), ("verified_date", "!=", False)], ["ci_id"], ["verified_date:max"]
            )
        )
        for line in self:
            line.last_verified_date = latest.get(line.ci_id, False)

    @api.constrains("result", "observed_note")
    def _check_observed_note(self):
        for line in self:
            if line.result == "differs" and not (line.observed_note or "").strip():
                raise ValidationError(
                    self.env._(
                        "Configuration item %(ci)s differs from the CMDB: note what was observed.",
                        ci=line.ci_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("verified_by_id", None)
            vals.pop("verified_date", None)
            if vals.get("result"):
                vals.update(self._svcms_verifier_values())
        return super().create(vals_list)

    def write(self, vals):
        vals = dict(vals)
        vals.pop("verified_by_id", None)
        vals.pop("verified_date", None)
        if "result" in vals:
            # who checked, and when: never taken from the client
            vals.update(
                self._svcms_verifier_values() if vals["result"] else {"verified_by_id": False, "verified_date": False}
            )
        return super().write(vals)

    @api.model
    def _svcms_verifier_values(self):
        return {"verified_by_id": self.env.uid, "verified_date": fields.Date.context_today(self)}

    def _svcms_schedule_follow_ups(self):
        """One activity on the CI per difference, for its assignee (else the campaign's responsible)."""
        activity_type = self.env.ref("svcms_itsm.mail_activity_type_ci_verification_follow_up")
        model_id = self.env["ir.model"]._get_id("svcms.ci")
        vals_list = []
        for line in self.filtered(lambda line: line.result in ("differs", "not_found")):
            user = line.assignee_id or line.verification_id.responsible_id or self.env.user
            # in the language of whoever gets the activity
            addressed = line._svcms_for_user(user)
            labels = dict(self._fields["follow_up"]._description_selection(addressed.env))
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": line.ci_id.id,
                    "user_id": user.id,
                    "summary": addressed.env._(
                        "%(action)s after verification %(campaign)s",
                        action=labels.get(line.follow_up, ""),
                        campaign=line.verification_id.name,
                    ),
                    "note": line.observed_note or False,
                    "automated": True,
                }
            )
        self.env["mail.activity"].sudo().create(vals_list)
