from odoo import fields, models


class SvcmsCapaAction(models.Model):
    """A correction, corrective or preventive action of a nonconformity (or of an improvement)."""

    _name = "svcms.capa.action"
    _description = "Corrective / Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "deadline, id"
    _check_company_auto = True

    name = fields.Char(string="Action", required=True, tracking=True)
    nonconformity_id = fields.Many2one(
        "svcms.nonconformity", string="Nonconformity", index=True, ondelete="cascade", check_company=True
    )
    improvement_id = fields.Many2one(
        "svcms.improvement", string="Improvement", index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    action_type = fields.Selection(
        [("correction", "Correction"), ("corrective", "Corrective Action"), ("preventive", "Preventive Action")],
        string="Type",
        required=True,
        default="corrective",
    )
    owner_id = fields.Many2one("res.users", string="Owner", required=True, index=True, tracking=True)
    deadline = fields.Date(required=True, tracking=True, index=True)
    done_date = fields.Date(string="Done On", readonly=True, copy=False)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("done", "Done"),
            ("effective", "Verified Effective"),
            ("ineffective", "Verified Ineffective"),
            ("cancelled", "Cancelled"),
        ],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
