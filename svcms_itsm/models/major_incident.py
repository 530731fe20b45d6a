from odoo import fields, models


class SvcmsMajorIncident(models.Model):
    """The major-incident procedure of one incident: accountable manager, notifications, timed status
    updates and the mandatory review with lessons learned.

    Skeleton: the major-incident area owns this file.
    """

    _name = "svcms.major.incident"
    _description = "Major Incident"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(related="incident_id.name", store=True)
    incident_id = fields.Many2one("svcms.incident", required=True, ondelete="restrict", index=True, check_company=True)
    company_id = fields.Many2one(related="incident_id.company_id", store=True, index=True)
    manager_id = fields.Many2one("res.users", string="Accountable Manager", tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("review", "Under Review"), ("reviewed", "Reviewed")],
        required=True,
        default="open",
        tracking=True,
    )
    lessons_learned = fields.Html()

    def _svcms_detect(self, incidents):
        """Open the procedure for the incidents that meet the major-incident criteria; the incident area
        calls it after create and after a change of priority, CIs or services."""
        return self.browse()
