from odoo import api, fields, models


class SvcmsFulfilmentTask(models.Model):
    """A task of a service request's fulfilment (create the account, hand over the laptop ...). Tasks follow
    their request's lock (``svcms.workflow.line.mixin``): they change until the request is done."""

    _name = "svcms.fulfilment.task"
    _description = "Fulfilment Task"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "fulfilment_id, sequence, id"
    _check_company_auto = True

    _svcms_parent_field = "fulfilment_id"
    _svcms_parent_lines_field = "task_ids"

    fulfilment_id = fields.Many2one(
        "svcms.service.fulfilment", string="Request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="fulfilment_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Task", required=True)
    user_id = fields.Many2one(
        "res.users", string="Assignee", domain=[("share", "=", False)], check_company=True, index="btree_not_null"
    )
    done = fields.Boolean()
    done_date = fields.Datetime(compute="_compute_done_date", store=True, readonly=True)

    @api.depends("done")
    def _compute_done_date(self):
        now = fields.Datetime.now()
        for task in self:
            if not task.done:
                task.done_date = False
            elif not task.done_date:
                task.done_date = now
