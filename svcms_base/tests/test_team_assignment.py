from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.svcms_base.models.complaint import OPEN_STATES
from odoo.tests import new_test_user, tagged

from .common import SvcmsTrainingCase


@tagged("post_install", "-at_install")
class TestTeamAssignment(SvcmsTrainingCase):
    """The assignment policies of svcms.team, on complaints (the consumer svcms_base has)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,svcms_base.group_svcms_user"
        cls.clerk = new_test_user(cls.env, "t_assign_clerk", groups=groups)
        cls.u1 = new_test_user(cls.env, "t_assign_u1", groups=groups)
        cls.u2 = new_test_user(cls.env, "t_assign_u2", groups=groups)
        cls.u3 = new_test_user(cls.env, "t_assign_u3", groups=groups)
        cls.zhang.user_id = cls.u1
        cls.liu.user_id = cls.u2
        cls.customer = cls.env["res.partner"].create({"name": "测试客户"})
        cls.team = cls.env["svcms.team"].create(
            {
                "name": "Test Assignment Desk",
                "res_model": "svcms.complaint",
                "member_ids": [(6, 0, (cls.u1 | cls.u2 | cls.u3).ids)],
            }
        )

    def _complaints(self, count, **values):
        return self.env["svcms.complaint"].create(
            [
                {
                    "subject": f"测试投诉 {index}",
                    "partner_id": self.customer.id,
                    "description": "<p>测试</p>",
                    "team_id": self.team.id,
                    **values,
                }
                for index in range(count)
            ]
        )

    def test_manual_assigns_nobody(self):
        complaints = self._complaints(2)
        self.assertFalse(self.team.with_user(self.clerk)._svcms_assign(complaints.with_user(self.clerk)))
        self.assertFalse(complaints.user_id)

    def test_round_robin_in_turn_over_batches(self):
        self.team.assignment_policy = "round_robin"
        kept = self._complaints(1, user_id=self.clerk.id)
        complaints = self._complaints(5)
        team = self.team.with_user(self.clerk)
        assigned = team._svcms_assign((kept | complaints).with_user(self.clerk))
        self.assertEqual(assigned, complaints)
        self.assertEqual(kept.user_id, self.clerk, "a record with a responsible keeps them")
        self.assertEqual(complaints.mapped("user_id"), self.u1 | self.u2 | self.u3)
        self.assertEqual([c.user_id for c in complaints], [self.u1, self.u2, self.u3, self.u1, self.u2])
        self.assertEqual(self.team.last_assigned_user_id, self.u2)
        more = self._complaints(2)
        team._svcms_assign(more.with_user(self.clerk))
        self.assertEqual([c.user_id for c in more], [self.u3, self.u1], "the next batch goes on after the last turn")
        # a member who left the team: the turn goes on with the next one by order
        self.team.member_ids = self.u2 | self.u3
        again = self._complaints(1)
        team._svcms_assign(again)
        self.assertEqual(again.user_id, self.u2)

    def test_absent_and_inactive_members_skipped(self):
        self.team.assignment_policy = "round_robin"
        now = fields.Datetime.now()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "年假",
                "resource_id": self.zhang.resource_id.id,
                "calendar_id": self.zhang.resource_calendar_id.id,
                "date_from": now - timedelta(days=1),
                "date_to": now + timedelta(days=1),
            }
        )
        self.u3.active = False
        complaints = self._complaints(3)
        self.team._svcms_assign(complaints)
        self.assertEqual(complaints.user_id, self.u2, "u1 is on leave today, u3 archived: u2 takes every turn")

    def test_least_open_one_read_group(self):
        self.team.assignment_policy = "least_open"
        self._complaints(2, user_id=self.u1.id)
        self._complaints(1, user_id=self.u2.id)
        cancelled = self._complaints(3, user_id=self.u2.id)
        cancelled._svcms_write_workflow({"state": "cancelled"})
        new = self._complaints(3)
        Complaint = type(self.env["svcms.complaint"])
        calls = []
        original = Complaint._read_group

        def spy(model, domain, *args, **kwargs):
            calls.append(domain)
            return original(model, domain, *args, **kwargs)

        with (
            patch.object(Complaint, "_svcms_open_domain", [("state", "in", OPEN_STATES)], create=True),
            patch.object(Complaint, "_read_group", spy),
        ):
            self.team.with_user(self.clerk)._svcms_assign(new.with_user(self.clerk))
        self.assertEqual(len(calls), 1, "one aggregate for the whole batch")
        # open work before: u1 2, u2 1 (its cancelled ones do not count), u3 0
        self.assertEqual([c.user_id for c in new], [self.u3, self.u2, self.u3])

    def test_least_open_counts_everything_without_open_domain(self):
        self.team.assignment_policy = "least_open"
        self._complaints(1, user_id=self.u1.id)
        cancelled = self._complaints(3, user_id=self.u3.id)
        cancelled._svcms_write_workflow({"state": "cancelled"})
        new = self._complaints(1)
        self.team._svcms_assign(new)
        self.assertEqual(new.user_id, self.u2)

    def test_competence(self):
        self.team.assignment_policy = "competence"
        self._certificate(self.zhang, self.today + relativedelta(months=6))
        self._certificate(self.liu, self.today - relativedelta(days=1))  # expired yesterday
        complaints = self._complaints(2)
        Complaint = type(self.env["svcms.complaint"])
        with patch.object(Complaint, "_svcms_assignment_competences", lambda self: ["T-REQ"], create=True):
            self.team.with_user(self.clerk)._svcms_assign(complaints.with_user(self.clerk))
        self.assertEqual(
            complaints.user_id, self.u1, "only 张伟 holds a valid permit; u3 has no employee, 刘洋's permit expired"
        )
        # a record declaring no competence: any member, the least busy first
        others = self._complaints(1)
        with patch.object(Complaint, "_svcms_assignment_competences", lambda self: [], create=True):
            self.team._svcms_assign(others)
        self.assertEqual(others.user_id, self.u2)
        # nobody competent: nobody assigned (the leader assigns by hand)
        self._certificate(self.zhang, self.today - relativedelta(days=3))
        self.zhang.employee_skill_ids.filtered(lambda s: s.valid_to and s.valid_to > self.today).unlink()
        nobody = self._complaints(1)
        with patch.object(Complaint, "_svcms_assignment_competences", lambda self: ["T-REQ"], create=True):
            self.assertFalse(self.team._svcms_assign(nobody))
        self.assertFalse(nobody.user_id)
