from datetime import datetime

from odoo import Command
from odoo.tests import freeze_time, new_test_user

from .common import ItsmCase, sla_lines


class TestServiceLevel(ItsmCase):
    """Agreements per service with their OLAs and UCs; a missed target proposes an improvement once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sms_manager = new_test_user(
            cls.env, "t_slm_sms_manager", groups="base.group_user,svcms_base.group_svcms_manager"
        )
        network_team = cls.env["hr.department"].create({"name": "Test network team"})
        hoster = cls.env["res.partner"].create({"name": "Test hosting supplier", "is_company": True})
        cls.ola, cls.uc = cls.env["svcms.supplier.contract"].create(
            [
                {"name": "Test OLA network", "supplier_type": "internal", "department_id": network_team.id},
                {"name": "Test UC hosting", "supplier_type": "external", "partner_id": hoster.id},
            ]
        )
        cls.agreement = cls.env["svcms.sla.agreement"].create(
            {
                "name": "Test ERP agreement",
                "partner_id": cls.customer.id,
                "service_id": cls.service_erp.id,
                "supplier_contract_ids": [Command.set((cls.ola | cls.uc).ids)],
                "compliance_target": 90.0,
                "tz": "UTC",
                "limit_period": "month",
            }
        )

    def _proposals(self):
        if "svcms.improvement" in self.env:
            return self.env["svcms.improvement"].search(
                [("source_ref", "=", f"svcms.sla.agreement,{self.agreement.id}")]
            )
        return self.agreement.activity_ids.filtered(lambda a: a.user_id == self.sms_manager)

    def test_supporting_agreements(self):
        self.assertEqual(self.agreement.ola_ids, self.ola)
        self.assertEqual(self.agreement.uc_ids, self.uc)

    def test_missed_target_proposes_improvement_once(self):
        september = datetime(2026, 9, 15, 10, 0)
        # 3 met, 2 breached, 1 breached beyond the workload limit (not measured): 60 % against 90 %
        sla_lines(
            self.env,
            self.agreement,
            self.customer,
            [(False, False, september)] * 3 + [(True, False, september)] * 2 + [(True, True, september)],
        )
        self.assertEqual(
            self.agreement._svcms_compliance(datetime(2026, 9, 1), datetime(2026, 10, 1))[self.agreement.id],
            (5, 3, 60.0),
        )
        with freeze_time("2026-10-03 08:00:00"):
            missed = self.env["svcms.sla.agreement"].browse(self.agreement.ids)._svcms_check_targets()
            self.assertEqual(missed, self.agreement)
            self.assertEqual(len(self._proposals()), 1)
            # the same period is never proposed twice, whoever runs the check again
            self.env["svcms.sla.agreement"]._cron_check_targets()
            self.agreement.with_user(self.user_manager).action_check_targets()
            self.assertEqual(len(self._proposals()), 1)
        self.assertEqual(str(self.agreement.target_checked_period), "2026-09-01")
        if "svcms.improvement" not in self.env:
            activity = self._proposals()
            self.assertIn("Test ERP agreement", activity.summary)

    def test_met_target_proposes_nothing(self):
        september = datetime(2026, 9, 15, 10, 0)
        # 9 met and 1 breached: 90 %; a breach beyond the workload limit does not count
        sla_lines(
            self.env,
            self.agreement,
            self.customer,
            [(False, False, september)] * 9 + [(True, False, september)] + [(True, True, september)] * 3,
        )
        with freeze_time("2026-10-03 08:00:00"):
            self.assertFalse(self.agreement._svcms_check_targets())
        self.assertFalse(self._proposals())

    def test_complaint_names_its_service(self):
        complaint = self.env["svcms.complaint"].create(
            {
                "subject": "ERP slow",
                "partner_id": self.customer.id,
                "description": "<p>slow</p>",
                "service_id": self.service_erp.id,
            }
        )
        self.assertEqual(complaint.service_id, self.service_erp)
