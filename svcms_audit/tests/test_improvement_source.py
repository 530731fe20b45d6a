from odoo.tests import TransactionCase, new_test_user


class TestImprovementSource(TransactionCase):
    """With svcms_audit, a proposal from any source is a draft improvement in the register, not an activity."""

    def test_proposal_is_a_draft_improvement(self):
        manager = new_test_user(self.env, "t_impr_src_manager", groups="base.group_user,svcms_base.group_svcms_manager")
        agreement = self.env["svcms.sla.agreement"].create({"name": "Test agreement for improvements"})
        improvement = (
            self.env["svcms.improvement.source"]
            .with_user(manager)
            ._svcms_propose_improvement("Target missed", "<p>92% against 95%</p>", agreement)
        )
        self.assertEqual(improvement._name, "svcms.improvement")
        self.assertEqual(improvement.state, "draft")
        self.assertEqual(improvement.source_type, "sla")
        self.assertEqual(improvement.source_ref, agreement)
        self.assertEqual(improvement.name, "Target missed")
        self.assertFalse(agreement.activity_ids, "the register replaces the reminder activity")
