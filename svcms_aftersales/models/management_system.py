from collections import defaultdict

from odoo import api, fields, models

from .service_request import OPEN_STATES

AFTERSALES_STANDARD = "gbt27922"


class SvcmsManagementSystem(models.Model):
    """After-sales counters on the overview card of a GB/T 27922 management system.

    After-sales records belong to a company, not to a management system: the counters of a GB/T 27922
    system count its company's records. Each counter is one aggregate for all the systems shown.
    """

    _inherit = "svcms.management.system"

    aftersales_open_request_count = fields.Integer(
        compute="_compute_aftersales_overview",
        string="Open Service Requests",
        groups="svcms_aftersales.group_aftersales_user",
    )
    aftersales_sla_alert_count = fields.Integer(
        compute="_compute_aftersales_overview",
        string="Service Levels at Risk or Breached",
        groups="svcms_aftersales.group_aftersales_user",
        help="Open service requests whose service level is at risk (warning sent) or already breached.",
    )
    aftersales_inspection_count = fields.Integer(
        compute="_compute_aftersales_overview",
        string="Returns Awaiting Inspection",
        groups="svcms_aftersales.group_aftersales_user",
    )
    aftersales_open_recall_count = fields.Integer(
        compute="_compute_aftersales_overview",
        string="Recalls in Progress",
        groups="svcms_aftersales.group_aftersales_user",
    )
    aftersales_recall_progress = fields.Float(
        compute="_compute_aftersales_overview",
        string="Recall Completion (%)",
        groups="svcms_aftersales.group_aftersales_user",
        help="Affected customers done over all affected customers of the recalls in progress.",
    )

    def _aftersales_overview_domains(self):
        """What each after-sales counter counts (in the company of the system) and the action listing it."""
        return {
            "aftersales_open_request_count": (
                "svcms.service.request",
                [("state", "in", OPEN_STATES)],
                "svcms_aftersales.svcms_service_request_action",
            ),
            "aftersales_sla_alert_count": (
                "svcms.service.request",
                [("state", "in", OPEN_STATES), ("sla_status", "in", ("warning", "breached"))],
                "svcms_aftersales.svcms_service_request_action",
            ),
            "aftersales_inspection_count": (
                "svcms.return.order",
                [("state", "=", "received")],
                "svcms_aftersales.action_svcms_return_order",
            ),
            "aftersales_open_recall_count": (
                "svcms.recall",
                [("state", "=", "open")],
                "svcms_aftersales.action_svcms_recall",
            ),
        }

    @api.depends("standard", "company_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_aftersales_overview(self):
        systems = self.filtered(lambda system: system.standard == AFTERSALES_STANDARD)
        company_ids = systems.company_id.ids
        counts = defaultdict(dict)
        recall_lines = defaultdict(lambda: [0, 0])
        if company_ids:
            for field_name, (model, domain, _action) in self._aftersales_overview_domains().items():
                if not self.env[model].has_access("read"):
                    continue
                groups = self.env[model]._read_group(
                    [*domain, ("company_id", "in", company_ids)], ["company_id"], ["__count"]
                )
                counts[field_name] = {company.id: count for company, count in groups}
            if self.env["svcms.recall.line"].has_access("read"):
                groups = self.env["svcms.recall.line"]._read_group(
                    [("recall_id.state", "=", "open"), ("company_id", "in", company_ids)],
                    ["company_id", "state"],
                    ["__count"],
                )
                for company, state, count in groups:
                    recall_lines[company.id][0] += count
                    if state == "done":
                        recall_lines[company.id][1] += count
        for system in self:
            is_aftersales = system in systems
            for field_name in self._aftersales_overview_domains():
                system[field_name] = counts[field_name].get(system.company_id.id, 0) if is_aftersales else 0
            total, done = recall_lines[system.company_id.id] if is_aftersales else (0, 0)
            system.aftersales_recall_progress = 100.0 * done / total if total else 0.0

    def action_open_aftersales_records(self):
        """Open the records behind one after-sales counter (the counter's name is in the context)."""
        self.ensure_one()
        field_name = self.env.context.get("overview_counter")
        domains = self._aftersales_overview_domains()
        if field_name == "aftersales_recall_progress":
            field_name = "aftersales_open_recall_count"
        if field_name not in domains:
            return False
        model, domain, action_xmlid = domains[field_name]
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action.update(
            {
                "name": self._fields[field_name].get_description(self.env)["string"],
                "domain": [*domain, ("company_id", "=", self.company_id.id)],
                "context": {"create": False},
            }
        )
        return action
