from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestComplianceObligation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(cls.env, login="obligation_owner", groups="svcms_base.group_svcms_user")
        cls.evaluator = new_test_user(cls.env, login="obligation_evaluator", groups="svcms_base.group_svcms_user")
        cls.colleague = new_test_user(cls.env, login="obligation_colleague", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="obligation_manager", groups="svcms_base.group_svcms_manager")
        cls.obligation = cls.env["svcms.obligation"].create(
            {
                "name": "Consumer rights protection law",
                "obligation_type": "law",
                "effective_date": "2024-03-15",
                "evaluation_frequency": 12,
                "owner_id": cls.owner.id,
            }
        )
        cls.Evaluation = cls.env["svcms.compliance.evaluation"]
        cls.follow_up_type = cls.env.ref("svcms_base.mail_activity_type_compliance_follow_up")

    def _evaluation(self, day, result="compliant", user=None, **vals):
        model = self.Evaluation.with_user(user) if user else self.Evaluation
        return model.create(
            {"obligation_id": self.obligation.id, "date": day, "result": result, "evaluator_id": self.evaluator.id}
            | vals
        )

    @freeze_time("2025-10-01")
    def test_next_evaluation_date_moves_with_each_done_evaluation(self):
        self.assertEqual(self.obligation.next_evaluation_date, date(2024, 3, 15), "never evaluated: due since in force")
        first = self._evaluation("2025-03-10")
        self.assertFalse(self.obligation.last_evaluation_date, "a draft evaluation does not count")
        self.assertEqual(self.obligation.next_evaluation_date, date(2024, 3, 15))
        first.action_done()
        self.assertEqual(self.obligation.last_evaluation_date, date(2025, 3, 10))
        self.assertEqual(self.obligation.last_result, "compliant")
        self.assertEqual(self.obligation.next_evaluation_date, date(2026, 3, 10))

        self._evaluation("2025-09-20", "partially_compliant", follow_up="Sign the missing agreements").action_done()
        self.assertEqual(self.obligation.last_result, "partially_compliant")
        self.assertEqual(self.obligation.next_evaluation_date, date(2026, 9, 20))

        self.obligation.evaluation_frequency = 6
        self.assertEqual(self.obligation.next_evaluation_date, date(2026, 3, 20))
        self.obligation.applicable = False
        self.assertFalse(self.obligation.next_evaluation_date, "an obligation that does not apply is not evaluated")

    def test_evaluation_frequency_must_be_positive(self):
        with self.assertRaises(ValidationError):
            self.obligation.evaluation_frequency = 0

    @freeze_time("2025-10-01")
    def test_done_evaluation_is_immutable(self):
        evaluation = self._evaluation("2025-09-30")
        evaluation.write({"evidence": "Checked 30 return records"})
        evaluation.action_done()
        for user in (self.evaluator, self.manager):
            with self.assertRaises(UserError):
                evaluation.with_user(user).write({"result": "non_compliant"})
            with self.assertRaises(UserError):
                evaluation.with_user(user).write({"evidence": "Rewritten"})
        with self.assertRaises(UserError):
            evaluation.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            evaluation.with_user(self.manager).action_done()
        # archived instead: it stays on record
        evaluation.with_user(self.manager).action_archive()
        self.assertTrue(evaluation.exists())
        self.assertFalse(evaluation.active)
        self.assertEqual(evaluation.evidence, "Checked 30 return records")
        # The chatter stays usable: comments and files can still be added.
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.evaluator)
            .create({"name": "minutes.txt", "raw": b"minutes", "res_model": "mail.compose.message", "res_id": 0})
        )
        evaluation.with_user(self.evaluator).message_post(body="Certificate filed", attachment_ids=attachment.ids)
        self.assertEqual(attachment.res_id, evaluation.id)
        # A draft can still be corrected or deleted.
        draft = self._evaluation("2025-09-30")
        draft.write({"result": "non_compliant"})
        draft.unlink()

    @freeze_time("2025-10-01")
    def test_not_compliant_evaluation_needs_and_schedules_follow_up(self):
        evaluation = self._evaluation("2025-09-30", "non_compliant", user=self.evaluator)
        with self.assertRaises(UserError):
            evaluation.action_done()
        self.assertEqual(evaluation.follow_up_user_id, self.owner, "the obligation owner follows up by default")
        evaluation.write({"follow_up": "Publish the warranty policy in every outlet"})
        evaluation.action_done()
        activity = evaluation.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.follow_up_type)
        self.assertEqual(activity.user_id, self.owner)
        self.assertEqual(activity.date_deadline, date(2025, 10, 31))
        self.assertIn("Publish the warranty policy", str(activity.note))

        dated = self._evaluation(
            "2025-09-30", "partially_compliant", follow_up="Retrain outlet staff", follow_up_deadline="2025-11-15"
        )
        dated.action_done()
        self.assertEqual(dated.activity_ids.date_deadline, date(2025, 11, 15))

        compliant = self._evaluation("2025-09-30")
        compliant.action_done()
        self.assertFalse(compliant.activity_ids, "a compliant evaluation needs no follow-up")

    @freeze_time("2025-10-01")
    def test_evaluation_needs_result_and_cannot_be_in_the_future(self):
        with self.assertRaises(UserError):
            self._evaluation("2025-09-30", result=False).action_done()
        with self.assertRaises(UserError):
            self._evaluation("2025-10-02").action_done()

    def test_users_edit_only_what_they_own(self):
        obligation = self.obligation
        self.assertEqual(obligation.with_user(self.colleague).name, obligation.name, "everyone reads obligations")
        obligation.with_user(self.owner).write({"authority": "NPC Standing Committee"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            obligation.with_user(self.colleague).write({"authority": "Someone else"})
        obligation.with_user(self.manager).write({"applicable": True})

        draft = self._evaluation(date.today(), user=self.evaluator)
        draft.write({"evidence": "Own draft"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            draft.with_user(self.colleague).write({"evidence": "Not mine"})
        # The obligation owner may complete the evaluation of their obligation.
        draft.with_user(self.owner).write({"evidence": "Completed by the owner"})

    def test_other_company_obligation_is_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other appliance maker"})
        foreign = self.env["svcms.obligation"].create({"name": "Foreign law", "company_id": other_company.id})
        self.Evaluation.create({"obligation_id": foreign.id, "result": "compliant"})
        Obligation = self.env["svcms.obligation"].with_user(self.manager)
        self.assertFalse(Obligation.search([("id", "=", foreign.id)]))
        self.assertFalse(self.Evaluation.with_user(self.manager).search([("obligation_id", "=", foreign.id)]))
