"""CI verification campaigns at planned intervals (8.2.6)."""

import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase

RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


class VerificationData(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ci = cls.env["svcms.ci"]
        cls.network_type = cls.env["svcms.ci.type"].create({"name": "Test Switch", "code": "T-SWITCH"})
        cls.ci_server.location = "机房A-机柜03"
        cls.ci_db, cls.ci_switch, cls.ci_office, cls.ci_retired = Ci.create(
            [
                {"name": "DB", "identifier": "T-DB-01", "type_id": cls.ci_type.id, "location": "机房A-机柜04"},
                {"name": "Switch", "identifier": "T-SW-01", "type_id": cls.network_type.id, "location": "机房A-网络柜"},
                {"name": "Office", "identifier": "T-SRV-09", "type_id": cls.ci_type.id, "location": "办公楼"},
                {
                    "name": "Old",
                    "identifier": "T-SRV-00",
                    "type_id": cls.ci_type.id,
                    "location": "机房B",
                    "status": "retired",
                },
            ]
        )
        cls.campaign = (
            cls.env["svcms.ci.verification"]
            .with_user(cls.user_agent)
            .create(
                {
                    "name": "机房核查",
                    "location": "机房",
                    "ci_type_ids": [Command.set(cls.ci_type.ids)],
                    "responsible_id": cls.user_agent.id,
                }
            )
        )

    def _line(self, ci):
        return self.campaign.line_ids.filtered(lambda line: line.ci_id == ci)


@tagged("post_install", "-at_install")
class TestCiVerification(VerificationData):
    def test_lines_generated_for_the_scope(self):
        self.campaign.action_start()
        self.assertEqual(self.campaign.state, "in_progress")
        # servers in the server room, not retired: not the switch (type), the office server (location), the old one
        self.assertEqual(self.campaign.line_ids.ci_id, self.ci_server | self.ci_db)
        # generating again adds nothing twice
        self.campaign.action_generate_lines()
        self.assertEqual(len(self.campaign.line_ids), 2)
        self.assertEqual(self.campaign.line_count, 2)
        self.assertEqual(self.campaign.verified_count, 0)

    def test_empty_scope_refused(self):
        campaign = (
            self.env["svcms.ci.verification"].with_user(self.user_agent).create({"name": "Nothing", "location": "火星"})
        )
        with self.assertRaisesRegex(UserError, "No configuration item"):
            campaign.action_start()
        self.assertEqual(campaign.state, "draft")

    def test_closing_needs_every_line_verified(self):
        self.campaign.action_start()
        self._line(self.ci_server).result = "found"
        with self.assertRaisesRegex(UserError, "not verified"):
            self.campaign.action_close()
        self.assertEqual(self.campaign.state, "in_progress")
        with self.assertRaises(ValidationError):
            self._line(self.ci_db).result = "differs"
        self._line(self.ci_db).write({"result": "differs", "observed_note": "内存为 64 GB，CMDB 记为 32 GB"})
        with self.assertRaisesRegex(UserError, "follow-up"):
            self.campaign.action_close()
        self._line(self.ci_db).write({"follow_up": "correct_cmdb", "assignee_id": self.user_agent2.id})
        self.campaign.action_close()
        self.assertEqual(self.campaign.state, "closed")
        self.assertEqual(self.campaign.closed_by_id, self.user_agent)
        self.assertEqual(self.campaign.difference_count, 1)
        # the difference is followed up on the CI by its assignee
        activities = self.env["mail.activity"].search([("res_model", "=", "svcms.ci"), ("res_id", "=", self.ci_db.id)])
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_agent2)
        self.assertIn("机房核查", activities.summary)
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "svcms.ci"), ("res_id", "=", self.ci_server.id)])
        )
        # closed: the results are evidence
        with self.assertRaises(UserError):
            self._line(self.ci_server).result = "not_found"

    def test_who_verified_is_set_by_the_server(self):
        self.campaign.action_start()
        line = self._line(self.ci_server).with_user(self.user_agent2)
        line.write({"result": "found", "verified_by_id": self.user_manager.id})
        self.assertEqual(line.verified_by_id, self.user_agent2)
        self.assertTrue(line.verified_date)
        self.assertEqual(line.last_verified_date, line.verified_date)
        # the CI's verifications, the latest first (the CI form's smart button)
        action = self.env.ref("svcms_itsm.svcms_ci_verification_line_action_ci")
        self.assertIn("active_id", action.domain)

    def test_scope_fixed_once_started(self):
        self.campaign.action_start()
        with self.assertRaises(UserError):
            self.campaign.location = "办公楼"

    def test_portal_and_staff_have_no_access(self):
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.user_staff).read(["name"])


@tagged("post_install", "-at_install")
class TestCiVerificationRpc(VerificationData, HttpCase):
    def test_closing_with_unverified_lines_refused_by_rpc(self):
        self.campaign.action_start()
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http", RPC_LOGGER):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.user_agent.id,
                self.user_agent.login,
                "svcms.ci.verification",
                "action_close",
                [self.campaign.ids],
            )
        self.assertIn("not verified", caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(self.campaign.state, "in_progress")
        self.assertFalse(self.campaign.closed_by_id)
