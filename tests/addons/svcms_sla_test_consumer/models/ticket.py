from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class SvcmsSlaTestTicket(models.Model):
    """The smallest consumer of the SLA engine: a state field, declared events, nothing else."""

    _name = "svcms.sla.test.ticket"
    _description = "SLA Test Ticket"
    _inherit = ["svcms.sla.mixin"]

    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    _svcms_sla_user_field = "user_id"
    _svcms_sla_events = (("parts_arrived", _lt("Spare parts arrived")),)
    _svcms_sla_metrics = (("parts", _lt("Spare Parts Delivery")),)

    name = fields.Char(required=True)
    state = fields.Selection(
        [("open", "Open"), ("waiting", "Waiting"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
    )
    partner_id = fields.Many2one("res.partner")
    user_id = fields.Many2one("res.users")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    # stored and computed from the engine's lines: proves the engine marks what it writes as modified
    breached_count = fields.Integer(compute="_compute_breached_count", store=True)

    @api.depends("sla_line_ids.breached")
    def _compute_breached_count(self):
        for ticket in self:
            ticket.breached_count = len(ticket.sla_line_ids.filtered("breached"))
