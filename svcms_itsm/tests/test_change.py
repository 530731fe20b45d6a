import xmlrpc.client

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ItsmCase

# far from the demo blackout periods and changes
START = "2031-03-10 20:00:00"
END = "2031-03-10 23:00:00"


class ChangeFixtures:
    @classmethod
    def _change_fixtures(cls):
        env = cls.env
        cls.question = env["svcms.change.risk.question"].create(
            {
                "name": "Test: is the service stopped?",
                "answer_ids": [
                    Command.create({"name": "No", "weight": 0}),
                    Command.create({"name": "Partly", "weight": 4}),
                    Command.create({"name": "Completely", "weight": 9}),
                ],
            }
        )
        cls.cab = env["svcms.cab"].create(
            {
                "name": "Test CAB",
                "quorum": 2,
                "voting": "parallel",
                "member_ids": [
                    Command.create({"user_id": cls.user_cab1.id, "sequence": 1, "is_chair": True}),
                    Command.create({"user_id": cls.user_cab2.id, "sequence": 2}),
                ],
            }
        )
        # a neutral policy: each test sets the criteria it exercises
        Policy = env["svcms.change.policy"]
        cls.policy = Policy.search([("company_id", "=", cls.company.id)]) or Policy.create({"name": "Test policy"})
        cls.policy.write(
            {
                "major_if_critical_service": False,
                "major_customer_threshold": 0,
                "major_ci_type_ids": [Command.clear()],
                "emergency_user_ids": [Command.clear()],
                "emergency_group_id": False,
                "risk_medium_score": 4,
                "risk_high_score": 8,
                "cab_id": cls.cab.id,
            }
        )
        cls.template = env["svcms.change.template"].create(
            {
                "name": "Test: new mailbox",
                "backout_plan": "<p>Delete the mailbox.</p>",
                "task_names": "Create the mailbox\nTell the user",
                "service_ids": [Command.set(cls.service_mail.ids)],
            }
        )

    def _new_change(self, user, change_type="normal", **vals):
        values = {
            "subject": "Test change",
            "change_type": change_type,
            "backout_plan": "<p>Restore the snapshot.</p>",
            "planned_start": START,
            "planned_end": END,
            "ci_ids": [Command.set(self.ci_server.ids)],
        }
        if change_type == "normal":
            values["cab_id"] = self.cab.id
        values.update(vals)
        change = self.env["svcms.change"].with_user(user).create(values)
        for response in change.risk_response_ids:
            response.answer_id = response.question_id.answer_ids[:1]
        return change

    def _in_approval(self, user, change_type="normal", **vals):
        change = self._new_change(user, change_type, **vals)
        change.action_submit()
        change.action_request_approval()
        self.assertEqual(change.state, "approval")
        return change


class TestChangeTypes(ItsmCase, ChangeFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._change_fixtures()

    def test_standard_change_is_approved_on_submission_without_board(self):
        change = self._new_change(self.user_agent, "standard", template_id=self.template.id, backout_plan=False)
        self.assertTrue(change.name.startswith("CHG"))
        self.assertIn("Delete the mailbox", change.backout_plan, "the back-out plan comes from the template")
        self.assertEqual(change.task_ids.mapped("name"), ["Create the mailbox", "Tell the user"])
        self.assertEqual(change.service_ids, self.service_mail)
        self.assertFalse(change.risk_response_ids, "no risk questionnaire for a pre-approved change")
        change.action_submit()
        self.assertEqual((change.state, change.approved_by_id), ("approved", self.user_agent))
        self.assertFalse(change.vote_ids)
        change.action_start()
        change.action_complete_successful()
        self.assertEqual((change.state, change.outcome), ("done", "successful"))
        self.assertTrue(change.actual_end)

    def test_standard_change_needs_a_template(self):
        with self.assertRaises(ValidationError):
            self._new_change(self.user_agent, "standard")

    def test_normal_change_parallel_quorum(self):
        change = self._in_approval(self.user_agent)
        change.with_user(self.user_cab2).action_vote("approve", "OK for me")
        self.assertEqual(change.state, "approval", "one approval of a quorum of two decides nothing")
        self.assertEqual(change.approve_count, 1)
        change.with_user(self.user_cab1).action_vote("approve")
        self.assertEqual((change.state, change.approved_by_id), ("approved", self.user_cab1))
        self.assertEqual(len(change.vote_ids), 2)
        self.assertEqual(change.vote_ids.filtered(lambda v: v.user_id == self.user_cab2).comment, "OK for me")
        change.action_start()
        change.action_complete_successful()
        self.assertEqual(change.state, "done")

    def test_normal_change_sequential_order(self):
        self.cab.voting = "sequential"
        change = self._in_approval(self.user_agent)
        self.assertEqual(change.next_voter_id, self.user_cab1)
        self.assertTrue(change.with_user(self.user_cab1).can_vote)
        self.assertFalse(change.with_user(self.user_cab2).can_vote, "not their turn yet")
        self.assertFalse(change.with_user(self.user_cab3).can_vote, "not on this board")
        self.assertFalse(change.with_user(self.user_agent).can_vote, "the requester")
        with self.assertRaisesRegex(UserError, "order"):
            change.with_user(self.user_cab2).action_vote("approve")
        self.assertFalse(change.vote_ids, "no vote written out of order")
        change.with_user(self.user_cab1).action_vote("approve")
        self.assertEqual(change.next_voter_id, self.user_cab2)
        self.assertEqual(change.state, "approval")
        change.with_user(self.user_cab2).action_vote("approve")
        self.assertEqual(change.state, "approved")

    def test_a_rejection_rejects(self):
        change = self._in_approval(self.user_agent)
        change.with_user(self.user_cab1).action_vote("approve")
        change.with_user(self.user_cab2).action_vote("reject", "Too risky")
        self.assertEqual((change.state, change.rejected_by_id), ("rejected", self.user_cab2))

    def test_abstentions_without_quorum_reject(self):
        change = self._in_approval(self.user_agent)
        change.with_user(self.user_cab1).action_vote("approve")
        change.with_user(self.user_cab2).action_vote("abstain")
        self.assertEqual(change.state, "rejected")

    def test_no_self_approval(self):
        change = self._in_approval(self.user_cab1)
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            change.with_user(self.user_cab1).action_vote("approve")
        self.assertFalse(change.vote_ids)
        self.cab.voting = "sequential"
        self.assertEqual(change.next_voter_id, self.user_cab2, "the requester is skipped in the order")

    def test_non_member_vote_refused(self):
        change = self._in_approval(self.user_agent)
        # an agent outside the CAB group, and a CAB-group user who does not sit on this board
        for user in (self.user_agent2, self.user_cab3):
            with self.assertRaises(AccessError):
                change.with_user(user).action_vote("approve")
        with self.assertRaises(AccessError):
            self.env["svcms.change.vote"].with_user(self.user_cab1).create(
                {"change_id": change.id, "user_id": self.user_cab1.id, "decision": "approve"}
            )
        self.assertFalse(change.vote_ids)
        self.assertEqual(change.state, "approval")

    def test_votes_are_immutable(self):
        change = self._in_approval(self.user_agent)
        change.with_user(self.user_cab1).action_vote("approve")
        vote = change.vote_ids
        with self.assertRaises(AccessError):
            vote.with_user(self.user_cab1).write({"decision": "reject"})
        with self.assertRaises(AccessError):
            vote.with_user(self.user_cab1).unlink()
        with self.assertRaises(UserError):
            change.with_user(self.user_cab1).action_vote("reject")
        self.assertEqual(vote.decision, "approve")

    def test_state_cannot_be_written(self):
        change = self._new_change(self.user_agent)
        with self.assertRaises(UserError):
            change.with_user(self.user_agent).write({"state": "approved"})
        self.assertEqual(change.state, "draft")

    def test_back_out_plan_and_risk_required_before_approval(self):
        change = self._new_change(self.user_agent, backout_plan=False)
        change.risk_response_ids.answer_id = False
        change.action_submit()
        with self.assertRaisesRegex(UserError, "back-out plan"):
            change.action_request_approval()
        self.assertEqual(change.state, "assessment")

    def test_risk_level_from_questionnaire(self):
        change = self._new_change(self.user_agent)
        response = change.risk_response_ids.filtered(lambda r: r.question_id == self.question)
        self.assertEqual(len(response), 1, "every active question is asked")
        response.answer_id = self.question.answer_ids.filtered(lambda a: a.weight == 9)
        self.assertEqual(change.risk_level, "high")
        response.answer_id = self.question.answer_ids.filtered(lambda a: a.weight == 4)
        self.assertEqual(change.risk_level, "medium")

    def test_window_must_end_after_start(self):
        with self.assertRaises(ValidationError):
            self._new_change(self.user_agent, planned_end="2031-03-10 19:00:00")
        self.assertFalse(self.env["svcms.change"].search([("planned_end", "=", "2031-03-10 19:00:00")]))
        change = self._new_change(self.user_agent)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            change.with_user(self.user_agent).write({"planned_end": "2031-03-10 18:00:00"})
        change.invalidate_recordset()
        self.assertEqual(str(change.planned_end), END)

    def test_emergency_change_authority_and_pir(self):
        self.policy.emergency_user_ids = self.user_agent2
        change = self._in_approval(self.user_agent, "emergency")
        self.assertTrue(change.with_user(self.user_agent2).can_emergency_approve)
        self.assertFalse(change.with_user(self.user_cab1).can_emergency_approve)
        with self.assertRaises(AccessError):
            change.with_user(self.user_cab1).action_emergency_approve()
        with self.assertRaises(UserError):
            change.with_user(self.user_cab1).action_vote("approve")
        self.assertEqual(change.state, "approval")
        change.with_user(self.user_agent2).action_emergency_approve()
        self.assertEqual((change.state, change.approved_by_id), ("approved", self.user_agent2))
        change.action_start()
        change.action_complete_successful()
        self.assertEqual(change.state, "review", "an emergency change always gets a review")
        with self.assertRaisesRegex(UserError, "post-implementation review"):
            change.action_close_review()
        self.assertEqual(change.state, "review")
        change.write({"pir_summary": "Port opened in time.", "lessons_learned": "Plan firewall changes earlier."})
        change.action_close_review()
        self.assertEqual((change.state, change.reviewed_by_id), ("done", self.user_agent))

    def test_emergency_requester_cannot_approve_own(self):
        self.policy.emergency_user_ids = self.user_agent
        change = self._in_approval(self.user_agent, "emergency")
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            change.with_user(self.user_agent).action_emergency_approve()
        self.assertEqual(change.state, "approval")

    def test_failed_change_needs_pir(self):
        change = self._in_approval(self.user_agent)
        change.with_user(self.user_cab1).action_vote("approve")
        change.with_user(self.user_cab2).action_vote("approve")
        change.action_start()
        change.action_complete_backed_out()
        self.assertEqual((change.state, change.outcome), ("review", "backed_out"))
        with self.assertRaises(UserError):
            change.action_close_review()
        change.write({"pir_summary": "Upgrade rolled back.", "lessons_learned": "Test the upgrade on a copy."})
        change.action_close_review()
        self.assertEqual(change.state, "done")

    def test_cmdb_updates_applied_on_success(self):
        ci_new = self.env["svcms.ci"].create(
            {"name": "Test new DB", "identifier": "T-DB-02", "type_id": self.ci_type.id, "status": "planned"}
        )
        change = self._new_change(
            self.user_agent,
            cmdb_update_ids=[
                Command.create({"ci_id": ci_new.id, "update_type": "status", "new_status": "active"}),
                Command.create(
                    {
                        "ci_id": self.ci_server.id,
                        "update_type": "relation",
                        "relation_type": "depends_on",
                        "target_ci_id": ci_new.id,
                    }
                ),
            ],
        )
        change.action_submit()
        change.action_request_approval()
        change.with_user(self.user_cab1).action_vote("approve")
        change.with_user(self.user_cab2).action_vote("approve")
        with self.assertRaises(UserError):
            change.with_user(self.user_agent).write({"cmdb_update_ids": [Command.clear()]})
        change.with_user(self.user_agent).action_start()
        self.assertEqual(ci_new.status, "planned", "nothing applied before completion")
        change.with_user(self.user_agent).action_complete_successful()
        self.assertEqual(ci_new.status, "active")
        relation = self.env["svcms.ci.relation"].search(
            [("source_id", "=", self.ci_server.id), ("target_id", "=", ci_new.id), ("relation_type", "=", "depends_on")]
        )
        self.assertEqual(len(relation), 1)
        self.assertTrue(all(change.cmdb_update_ids.mapped("applied")))
        self.assertTrue(change.cmdb_applied)
        self.assertTrue(ci_new.message_ids.filtered(lambda m: change.name in (m.body or "")))
        self.assertTrue(self.ci_server.message_ids.filtered(lambda m: change.name in (m.body or "")))

    def test_failed_change_applies_no_cmdb_update(self):
        change = self._new_change(
            self.user_agent,
            cmdb_update_ids=[
                Command.create({"ci_id": self.ci_server.id, "update_type": "status", "new_status": "retired"})
            ],
        )
        change.action_submit()
        change.action_request_approval()
        change.with_user(self.user_cab1).action_vote("approve")
        change.with_user(self.user_cab2).action_vote("approve")
        change.action_start()
        change.action_complete_failed()
        change.write({"pir_summary": "Failed.", "lessons_learned": "Retry."})
        change.action_close_review()
        self.assertEqual(self.ci_server.status, "active")
        self.assertFalse(change.cmdb_update_ids.applied)

    def test_tasks_follow_the_change_lock(self):
        change = self._new_change(self.user_agent, task_ids=[Command.create({"name": "Stop the service"})])
        change.action_submit()
        change.action_request_approval()
        change.with_user(self.user_cab1).action_vote("approve")
        change.with_user(self.user_cab2).action_vote("approve")
        change.action_start()
        change.task_ids.with_user(self.user_agent).done = True
        change.action_complete_successful()
        with self.assertRaises(UserError):
            change.task_ids.with_user(self.user_agent).write({"done": False})
        self.assertTrue(change.task_ids.done)


class TestChangeConflictsAndPolicy(ItsmCase, ChangeFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._change_fixtures()

    def _approved(self, **vals):
        change = self._in_approval(self.user_agent, **vals)
        change.with_user(self.user_cab1).action_vote("approve")
        change.with_user(self.user_cab2).action_vote("approve")
        return change

    def test_conflict_with_overlapping_change(self):
        first = self._new_change(self.user_agent, subject="Patch the server")
        second = self._approved(
            subject="Move the server", planned_start="2031-03-10 22:00:00", planned_end="2031-03-11 01:00:00"
        )
        self.assertEqual(second.conflict_change_ids, first)
        self.assertTrue(second.has_conflict)
        self.assertIn(first.name, second.conflict_warning)
        self.assertIn(second, first.conflict_change_ids)
        with self.assertRaisesRegex(UserError, "cannot be scheduled"):
            second.with_user(self.user_agent).action_start()
        self.assertEqual(second.state, "approved")
        # an agent cannot override; a manager needs a reason
        with self.assertRaises(AccessError):
            second.with_user(self.user_agent).action_override_conflicts()
        with self.assertRaisesRegex(UserError, "reason"):
            second.with_user(self.user_manager).action_override_conflicts()
        second.with_user(self.user_manager).write({"conflict_override_reason": "The patch is done by then."})
        second.with_user(self.user_manager).action_override_conflicts()
        self.assertEqual(second.override_by_id, self.user_manager)
        second.with_user(self.user_agent).action_start()
        self.assertEqual(second.state, "implementing")

    def test_no_conflict_apart_or_cancelled(self):
        first = self._new_change(self.user_agent)
        later = self._new_change(
            self.user_agent, planned_start="2031-03-11 20:00:00", planned_end="2031-03-11 22:00:00"
        )
        self.assertFalse(later.has_conflict)
        second = self._new_change(self.user_agent)
        self.assertTrue(second.has_conflict)
        first.action_cancel()
        second.invalidate_recordset(["conflict_change_ids", "has_conflict"])
        self.assertFalse(second.has_conflict)

    def test_conflict_with_blackout(self):
        blackout = self.env["svcms.change.blackout"].create(
            {
                "name": "Test month-end closing",
                "date_start": "2031-03-10 00:00:00",
                "date_end": "2031-03-11 00:00:00",
                "applies_to_all": False,
                "service_ids": [Command.set(self.service_erp.ids)],
            }
        )
        on_mail = self._new_change(
            self.user_agent, ci_ids=[Command.clear()], service_ids=[Command.set(self.service_mail.ids)]
        )
        self.assertFalse(on_mail.has_conflict, "the blackout covers the ERP only")
        change = self._approved(service_ids=[Command.set(self.service_erp.ids)])
        self.assertEqual(change.blackout_ids, blackout)
        self.assertIn("Test month-end closing", change.conflict_warning)
        with self.assertRaises(UserError):
            change.with_user(self.user_agent).action_start()
        self.assertEqual(change.state, "approved")
        blackout.write(
            {"applies_to_all": False, "service_ids": [Command.clear()], "ci_type_ids": [Command.set(self.ci_type.ids)]}
        )
        change.invalidate_recordset(["blackout_ids", "has_conflict"])
        self.assertEqual(change.blackout_ids, blackout, "the blackout covers the CI type of the change's server")

    def test_policy_marks_major_impact(self):
        policy = self.policy
        change = self._new_change(self.user_agent, service_ids=[Command.set(self.service_erp.ids)])
        self.assertFalse(change.is_major_impact)
        self.assertEqual(change.impacted_customer_count, 1)
        policy.major_customer_threshold = 1
        self.assertFalse(
            self._new_change(self.user_agent, service_ids=[Command.set(self.service_erp.ids)]).is_major_impact
        )
        self.service_erp.customer_ids |= self.other_customer
        change = self._new_change(self.user_agent, service_ids=[Command.set(self.service_erp.ids)])
        self.assertTrue(change.is_major_impact, "2 customers affected, more than 1")
        self.assertEqual(change.impacted_customer_count, 2)
        policy.major_customer_threshold = 0
        policy.major_if_critical_service = True
        change = self._new_change(self.user_agent, service_ids=[Command.set(self.service_erp.ids)])
        self.assertTrue(change.is_major_impact)
        self.assertIn("Test ERP", change.major_impact_reason)
        # by CI type
        policy.write({"major_if_critical_service": False, "major_ci_type_ids": [Command.set(self.ci_type.ids)]})
        other = self._new_change(self.user_agent, service_ids=[Command.set(self.service_mail.ids)])
        self.assertTrue(other.is_major_impact)
        self.assertIn("Test Server", other.major_impact_reason)
        policy.major_ci_type_ids = False
        mail_only = self._new_change(
            self.user_agent, ci_ids=[Command.clear()], service_ids=[Command.set(self.service_mail.ids)]
        )
        self.assertFalse(mail_only.is_major_impact)

    def test_fill_from_impact_analysis(self):
        app = self.env["svcms.ci"].create(
            {"name": "Test ERP app", "identifier": "T-APP-01", "type_id": self.ci_type.id, "status": "active"}
        )
        self.env["svcms.ci.relation"].create(
            {"source_id": app.id, "target_id": self.ci_server.id, "relation_type": "runs_on"}
        )
        change = self._new_change(self.user_agent)
        change.with_user(self.user_agent).action_fill_from_impact()
        self.assertIn(app, change.ci_ids)
        self.assertIn(self.service_erp, change.service_ids)

    def test_major_impact_change_needs_transition_plan_when_release_area_exists(self):
        self.policy.major_if_critical_service = True
        change = self._in_approval(self.user_agent, service_ids=[Command.set(self.service_erp.ids)])
        self.assertTrue(change.is_major_impact)
        change.with_user(self.user_cab1).action_vote("approve")
        if "svcms.transition.plan" in self.env:
            with self.assertRaisesRegex(UserError, "transition plan"):
                change.with_user(self.user_cab2).action_vote("approve")
            self.assertEqual(change.state, "approval")
        else:
            # without the release area there is no plan to ask for: the flag is shown, the quorum decides
            change.with_user(self.user_cab2).action_vote("approve")
            self.assertEqual(change.state, "approved")


@tagged("post_install", "-at_install")
class TestChangeVoteRpc(HttpCase):
    def test_non_member_vote_refused_over_rpc(self):
        itsm = "base.group_user,svcms_itsm.group_itsm_user"
        requester = new_test_user(self.env, "t_chg_rpc_req", groups=itsm)
        member = new_test_user(self.env, "t_chg_rpc_cab", groups=f"{itsm},svcms_itsm.group_itsm_cab")
        member2 = new_test_user(self.env, "t_chg_rpc_cab2", groups=f"{itsm},svcms_itsm.group_itsm_cab")
        outsider = new_test_user(self.env, "t_chg_rpc_out", groups=f"{itsm},svcms_itsm.group_itsm_cab")
        cab = self.env["svcms.cab"].create(
            {
                "name": "RPC CAB",
                "quorum": 2,
                "member_ids": [Command.create({"user_id": member.id}), Command.create({"user_id": member2.id})],
            }
        )
        change = (
            self.env["svcms.change"]
            .with_user(requester)
            .create(
                {
                    "subject": "RPC change",
                    "cab_id": cab.id,
                    "backout_plan": "<p>Undo.</p>",
                    "planned_start": START,
                    "planned_end": END,
                }
            )
        )
        for response in change.risk_response_ids:
            response.answer_id = response.question_id.answer_ids[:1]
        change.action_submit()
        change.action_request_approval()

        def call(user, model, method, *args):
            return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), {})

        for user in (outsider, requester):
            with self.assertRaises(xmlrpc.client.Fault):
                call(user, "svcms.change", "action_vote", [change.id], "approve")
        with self.assertRaises(xmlrpc.client.Fault):
            call(
                outsider,
                "svcms.change.vote",
                "create",
                {"change_id": change.id, "user_id": outsider.id, "decision": "approve"},
            )
        with self.assertRaises(xmlrpc.client.Fault):
            call(requester, "svcms.change", "write", [change.id], {"state": "approved"})
        change.invalidate_recordset()
        self.assertFalse(change.vote_ids)
        self.assertEqual(change.state, "approval")
        # a member's vote goes through
        self.assertTrue(call(member, "svcms.change", "action_vote", [change.id], "approve"))
        change.invalidate_recordset()
        self.assertEqual(change.vote_ids.user_id, member)
