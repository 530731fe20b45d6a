from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import AftersalesRequestsCase


@tagged("post_install", "-at_install")
class TestRequestTeamAssignment(AftersalesRequestsCase):
    """After-sales service requests take their technician from the team's assignment policy (svcms.team)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["svcms.service.request"]
        cls.clerk = cls._user("ta_clerk", "svcms_aftersales.group_aftersales_user")
        group = "svcms_aftersales.group_aftersales_technician"
        cls.tech_users = [cls._user(f"ta_tech{index}", group) for index in range(3)]
        today = fields.Date.today()
        cls.technicians = cls.env["svcms.technician"].create(
            [
                {
                    "name": f"Tech {index}",
                    "staff_type": "partner",
                    "user_id": user.id,
                    "authorisation_number": f"TA-{index}",
                    # the third one's authorisation expired: never given work by the team
                    "authorisation_expiry": today + timedelta(days=30 if index < 2 else -1),
                }
                for index, user in enumerate(cls.tech_users)
            ]
        )
        cls.team = cls.env["svcms.team"].create(
            {
                "name": "Test Dispatch",
                "res_model": "svcms.service.request",
                "member_ids": [(6, 0, [user.id for user in cls.tech_users])],
            }
        )

    def _requests(self, count, **values):
        return self.Request.with_user(self.clerk).create(
            [{"partner_id": self.customer.id, "team_id": self.team.id, **values} for _index in range(count)]
        )

    def test_manual_policy_keeps_the_clerk_choosing(self):
        requests = self._requests(2)
        self.assertFalse(requests.technician_id)
        self.assertEqual(set(requests.mapped("state")), {"new"})
        chosen = self._requests(1, technician_id=self.technicians[1].id)
        self.assertEqual(chosen.technician_id, self.technicians[1])
        self.assertEqual(chosen.state, "assigned")

    def test_round_robin_assigns_technicians(self):
        self.team.assignment_policy = "round_robin"
        requests = self._requests(3)
        tech0, tech1 = self.technicians[0], self.technicians[1]
        self.assertEqual([r.technician_id for r in requests], [tech0, tech1, tech0], "the expired one is skipped")
        self.assertEqual(set(requests.mapped("state")), {"assigned"})
        self.assertEqual(requests[0].technician_user_id, self.tech_users[0])
        self.assertEqual(self.team.last_assigned_user_id, self.tech_users[0])
        # the technician is told, and the chosen technician is kept
        self.assertTrue(
            requests[1].message_ids.filtered(lambda m: self.tech_users[1].partner_id in m.partner_ids),
        )
        kept = self._requests(1, technician_id=tech0.id)
        self.assertEqual(kept.technician_id, tech0)

    def test_least_open_counts_open_requests(self):
        self.team.assignment_policy = "least_open"
        busy = self._requests(2, technician_id=self.technicians[0].id)
        self.assertEqual(set(busy.mapped("state")), {"assigned"})
        request = self._requests(1)
        self.assertEqual(request.technician_id, self.technicians[1])
        busy.with_user(self.clerk).action_cancel()
        again = self._requests(1)
        self.assertEqual(again.technician_id, self.technicians[0], "cancelled requests are not open work")
