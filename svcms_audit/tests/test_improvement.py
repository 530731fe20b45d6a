from odoo.exceptions import AccessError, UserError

from .common import AuditCase


class TestImprovement(AuditCase):
    def _proposal(self, user=None, **values):
        return (
            self.env["svcms.improvement"]
            .with_user(user or self.user_staff)
            .create({"name": values.pop("name", "上门服务前短信提醒"), "source_type": "suggestion", **values})
        )

    def test_register_lifecycle(self):
        improvement = self._proposal(benefit="3", effort="1")
        self.assertTrue(improvement.reference.startswith("IMP/"), improvement.reference)
        self.assertEqual(improvement.proposed_by_id, self.user_staff)
        self.assertEqual(improvement.priority, "2")
        improvement.with_user(self.user_manager).write({"owner_id": self.user_owner.id})
        improvement.with_user(self.user_manager).action_approve()
        self.assertEqual(improvement.state, "approved")
        self.assertEqual(improvement.approved_by_id, self.user_manager)
        with self.assertRaises(UserError):
            improvement.with_user(self.user_manager).write({"name": "改名"})
        owner_view = improvement.with_user(self.user_owner)
        owner_view.action_start()
        action = (
            self.env["svcms.capa.action"]
            .with_user(self.user_owner)
            .create(
                {
                    "name": "上线短信提醒",
                    "improvement_id": improvement.id,
                    "owner_id": self.user_owner.id,
                    "deadline": "2026-12-31",
                    "action_type": "preventive",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "open actions"):
            owner_view.action_done()
        action.action_done()
        with self.assertRaisesRegex(UserError, "benefit"):
            owner_view.action_done()
        owner_view.write({"realised_benefit": "<p>爽约率由 8% 降至 3%</p>"})
        owner_view.action_done()
        self.assertEqual(improvement.state, "done")
        self.assertTrue(improvement.done_date)
        with self.assertRaises(UserError):
            owner_view.write({"realised_benefit": "<p>改写</p>"})

    def test_priority_from_benefit_and_effort(self):
        cases = {("3", "1"): "2", ("2", "2"): "1", ("1", "3"): "0", ("3", "3"): "1"}
        for (benefit, effort), priority in cases.items():
            self.assertEqual(self._proposal(benefit=benefit, effort=effort).priority, priority)

    def test_approval_by_the_manager_only(self):
        improvement = self._proposal(owner_id=self.user_owner.id)
        for user in (self.user_staff, self.user_owner, self.user_lead):
            with self.assertRaises(AccessError):
                improvement.with_user(user).action_approve()
        self.assertEqual(improvement.state, "draft")
        self.assertFalse(improvement.with_user(self.user_lead).can_approve)
        with self.assertRaises(UserError):
            improvement.with_user(self.user_owner).write({"state": "approved"})
        improvement.with_user(self.user_manager).action_reject()
        self.assertEqual(improvement.state, "rejected")

    def test_approval_needs_an_owner(self):
        improvement = self._proposal()
        with self.assertRaisesRegex(UserError, "owner"):
            improvement.with_user(self.user_manager).action_approve()
        self.assertEqual(improvement.state, "draft")

    def test_only_owner_or_manager_realises(self):
        improvement = self._proposal(owner_id=self.user_owner.id)
        improvement.with_user(self.user_manager).action_approve()
        with self.assertRaises(UserError):
            improvement.with_user(self.user_auditor).action_start()
        self.assertEqual(improvement.state, "approved")
        # users read the register and propose, but only its owners change it
        proposal = self._proposal(owner_id=self.user_owner.id)
        self.assertEqual(proposal.with_user(self.user_staff).name, "上门服务前短信提醒")
        with self.assertRaises(AccessError):
            proposal.with_user(self.user_staff).write({"expected_benefit": "x"})
        proposal.with_user(self.user_owner).write({"expected_benefit": "改约率下降"})
        self.assertEqual(proposal.expected_benefit, "改约率下降")
