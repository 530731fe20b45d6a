from odoo import fields, models


class SvcmsChangeTask(models.Model):
    """An implementation step of a change: changes with its change, until the implementation ends."""

    _name = "svcms.change.task"
    _description = "Change Implementation Task"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "change_id, sequence, id"

    _svcms_parent_field = "change_id"
    _svcms_parent_lines_field = "task_ids"

    change_id = fields.Many2one("svcms.change", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Task", required=True)
    user_id = fields.Many2one("res.users", string="Assigned To")
    done = fields.Boolean()
    note = fields.Char()
    company_id = fields.Many2one(related="change_id.company_id", store=True)
