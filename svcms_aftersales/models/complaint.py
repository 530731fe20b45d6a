from odoo import api, fields, models
from odoo.addons.svcms_base.models.complaint import OPEN_STATES
from odoo.addons.svcms_base.models.complaint import SvcmsComplaint as BaseComplaint
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Records of the after-sales operations a complaint may point at.
AFTERSALES_RELATED_MODELS = ["stock.picking", "stock.lot", "repair.order"]


class SvcmsComplaint(models.Model):
    """After-sales complaints (GB/T 27922): technician visits, installation and spare-part causes,
    product compensations, and the service request, serial number and repair order concerned."""

    _inherit = "svcms.complaint"

    _svcms_sla_events = (("on_site", _lt("Technician on site")),)
    _svcms_sla_metrics = (("on_site", _lt("On-site Arrival")),)
    _svcms_transitions = {
        **BaseComplaint._svcms_transitions,
        # not a change of state: the visit is recorded once, by the button only
        "register_visit": Transition(OPEN_STATES, None, None, "onsite_date"),
    }

    service_request_id = fields.Many2one(
        "svcms.service.request", index="btree_not_null", check_company=True, tracking=True
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Serial Number", index="btree_not_null", check_company=True, tracking=True
    )
    repair_order_id = fields.Many2one("repair.order", index="btree_not_null", check_company=True, tracking=True)
    onsite_required = fields.Boolean(
        string="On-site Visit Required", compute="_compute_onsite_required", store=True, readonly=False
    )
    onsite_date = fields.Datetime(string="Technician On Site", readonly=True, copy=False)
    can_register_visit = fields.Boolean(compute="_compute_svcms_can")
    root_cause_category = fields.Selection(
        selection_add=[
            ("installation", "Installation"),
            ("spare_parts", "Spare Parts"),
            ("logistics", "Delivery and Logistics"),
        ],
        ondelete={"installation": "set null", "spare_parts": "set null", "logistics": "set null"},
    )
    compensation_type = fields.Selection(
        selection_add=[
            ("replacement", "Replacement"),
            ("free_repair", "Free Repair"),
        ],
        ondelete={"replacement": "set default", "free_repair": "set default"},
    )

    @api.model
    def _selection_related_record(self):
        selection = super()._selection_related_record()
        known = {name for name, _label in selection}
        return selection + [
            (name, self.env[name]._description)
            for name in AFTERSALES_RELATED_MODELS
            if name in self.env and name not in known
        ]

    @api.depends("category_id")
    def _compute_onsite_required(self):
        for complaint in self:
            if complaint.category_id:
                complaint.onsite_required = complaint.category_id.onsite_required

    def action_register_visit(self):
        """The technician arrived at the customer's: the on-site commitment is met."""
        self._svcms_check_transition("register_visit")
        self.filtered(lambda complaint: not complaint.onsite_date)._svcms_transition("register_visit")
        self._svcms_sla_event("on_site")
        return True
