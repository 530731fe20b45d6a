from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.svcms_base.models.cron_failure_mixin import take_for_cron
from odoo.exceptions import AccessError


class SvcmsSlaAgreement(models.Model):
    """A service level agreement covers one service, backed by operational level agreements (internal
    suppliers) and underpinning contracts (external suppliers) (ISO/IEC 20000-1 8.3.3)."""

    _inherit = "svcms.sla.agreement"

    service_id = fields.Many2one("svcms.service", tracking=True, index="btree_not_null")
    supplier_contract_ids = fields.Many2many(
        "svcms.supplier.contract",
        "svcms_sla_agreement_supplier_contract_rel",
        "agreement_id",
        "contract_id",
        string="Supporting Agreements",
        help="Operational level agreements (internal suppliers) and underpinning contracts (external suppliers) "
        "the service levels depend on.",
    )
    ola_ids = fields.Many2many(
        "svcms.supplier.contract", string="Operational Level Agreements", compute="_compute_supporting"
    )
    uc_ids = fields.Many2many("svcms.supplier.contract", string="Underpinning Contracts", compute="_compute_supporting")
    compliance_target = fields.Float(
        string="Target Compliance (%)",
        default=95.0,
        tracking=True,
        help="Share of measured SLA lines that must meet their targets in each period.",
    )
    target_checked_period = fields.Date(
        string="Last Period Checked",
        readonly=True,
        copy=False,
        help="Start of the last closed period compared with the target (proposals are made once per period).",
    )

    _compliance_target_range = models.Constraint(
        "CHECK(compliance_target >= 0 AND compliance_target <= 100)", "A compliance target is between 0 and 100 %."
    )

    @api.depends("supplier_contract_ids.supplier_type")
    def _compute_supporting(self):
        for agreement in self:
            contracts = agreement.supplier_contract_ids
            agreement.ola_ids = contracts.filtered(lambda c: c.supplier_type == "internal")
            agreement.uc_ids = contracts.filtered(lambda c: c.supplier_type == "external")

    # ------------------------------------------------------------------ achieved against target
    def _svcms_compliance(self, date_from, date_to):
        """{agreement id: (measured, met, achieved %)} of the lines that reached their outcome between two
        naive UTC datetimes. Lines beyond the workload limit or covered by an approved exception are not
        measured (the engine's ``excluded`` flag), nor are cancelled ones."""
        groups = (
            self.env["svcms.sla.line"]
            .sudo()
            ._read_group(
                [
                    ("agreement_id", "in", self.ids),
                    ("outcome_datetime", ">=", date_from),
                    ("outcome_datetime", "<", date_to),
                    ("state", "!=", "cancelled"),
                    ("excluded", "=", False),
                ],
                ["agreement_id", "breached"],
                ["__count"],
            )
        )
        result = {agreement.id: [0, 0] for agreement in self}
        for agreement, breached, count in groups:
            result[agreement.id][0] += count
            if not breached:
                result[agreement.id][1] += count
        return {
            agreement_id: (measured, met, 100.0 * met / measured if measured else None)
            for agreement_id, (measured, met) in result.items()
        }

    def _svcms_last_closed_period(self, now=None):
        self.ensure_one()
        start, _end = self._period_bounds(now or fields.Datetime.now())
        return self._period_bounds(start - timedelta(seconds=1))

    def _svcms_check_targets(self, now=None):
        """Compare each agreement's last closed period with its target; a missed target proposes an
        improvement, once per agreement and period. Returns the agreements that missed."""
        missed = self.browse()
        Source = self.env["svcms.improvement.source"]
        for agreement in self:
            start, end = agreement._svcms_last_closed_period(now)
            local_start = fields.Date.to_date(agreement._svcms_local_date(start))
            if agreement.target_checked_period and agreement.target_checked_period >= local_start:
                continue
            measured, _met, achieved = agreement._svcms_compliance(start, end)[agreement.id]
            agreement.sudo().target_checked_period = local_start
            if achieved is None or achieved >= agreement.compliance_target:
                continue
            missed |= agreement
            title = agreement.env._(
                "%(agreement)s missed its target in the period from %(start)s",
                agreement=agreement.name,
                start=local_start,
            )
            description = Markup("<p>%s</p>") % agreement.env._(
                "Achieved %(achieved).1f %% of %(measured)s measured requests against a target of %(target).1f %%.",
                achieved=achieved,
                measured=measured,
                target=agreement.compliance_target,
            )
            Source._svcms_propose_improvement(title, description, agreement)
        return missed

    def _svcms_local_date(self, utc_naive):
        return pytz.utc.localize(utc_naive).astimezone(pytz.timezone(self.tz or "UTC")).date()

    @api.model
    def _cron_check_targets(self):
        # only the agreements this worker takes: one improvement proposal per missed period, whatever the workers
        take_for_cron(self.search([("active", "=", True)]))._svcms_check_targets()
        return True

    def action_check_targets(self):
        self.check_access("read")
        if not self.env.user.has_groups("svcms_itsm.group_itsm_manager,svcms_base.group_svcms_manager"):
            raise AccessError(self.env._("Only service level managers compare agreements with their targets."))
        missed = self.sudo()._svcms_check_targets()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if missed else "success",
                "message": self.env._("%(count)s agreement(s) missed their target.", count=len(missed))
                if missed
                else self.env._("No agreement missed its target in its last closed period."),
                "sticky": False,
            },
        }
