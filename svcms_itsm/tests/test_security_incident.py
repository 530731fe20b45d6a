"""Information security (ISO/IEC 20000-1 8.7.3): security incidents and their major-incident records are
visible to security officers only; security controls remind their owners of the periodic risk assessment."""

import datetime
import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase

RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


class SecurityIncidentMixin:
    @classmethod
    def _setup_security(cls):
        cls.env["svcms.major.incident.rule"].search([]).active = False
        Incident = cls.env["svcms.incident"]
        cls.phishing = Incident.create({"subject": "Phishing mail opened", "is_security": True, "priority": "1"})
        cls.ordinary = Incident.create({"subject": "Printer jam", "priority": "4"})
        cls.major = cls.env["svcms.major.incident"]._svcms_open(
            [(cls.phishing, cls.env["svcms.major.incident.rule"])], declared_by=cls.user_security
        )
        cls.update = cls.env["svcms.major.incident.update"].create(
            {"major_incident_id": cls.major.id, "body": "Mailbox password reset"}
        )
        cls.both = cls.phishing | cls.ordinary


class TestSecurityIncidentIsolation(SecurityIncidentMixin, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_security()

    def test_agents_and_managers_do_not_see_security_incidents(self):
        for user in (self.user_agent, self.user_manager, self.user_cab1):
            Incident = self.env["svcms.incident"].with_user(user)
            self.assertEqual(Incident.search_count([("id", "in", self.both.ids)]), 1, user.login)
            self.assertEqual(Incident.search([("id", "in", self.both.ids)]), self.ordinary.with_user(user))
            self.assertEqual(Incident.search_count([("is_security", "=", True)]), 0)
            groups = Incident._read_group([("id", "in", self.both.ids)], ["is_security"], ["__count"])
            self.assertEqual(groups, [(False, 1)], "read_group does not count them either")
            with self.assertRaises(AccessError):
                self.phishing.with_user(user).read(["subject"])
            with self.assertRaises(AccessError):
                self.phishing.with_user(user).write({"subject": "renamed"})
            Major = self.env["svcms.major.incident"].with_user(user)
            self.assertEqual(Major.search_count([("id", "=", self.major.id)]), 0)
            with self.assertRaises(AccessError):
                self.major.with_user(user).read(["manager_id"])
            Update = self.env["svcms.major.incident.update"].with_user(user)
            self.assertEqual(Update.search_count([("id", "=", self.update.id)]), 0)
        self.assertEqual(self.phishing.subject, "Phishing mail opened")

    def test_security_officer_sees_everything(self):
        Incident = self.env["svcms.incident"].with_user(self.user_security)
        self.assertEqual(Incident.search([("id", "in", self.both.ids)]), self.both.with_user(self.user_security))
        self.assertEqual(self.phishing.with_user(self.user_security).subject, "Phishing mail opened")
        self.assertEqual(
            self.env["svcms.major.incident"].with_user(self.user_security).search([("id", "=", self.major.id)]),
            self.major,
        )
        self.assertTrue(self.major.is_security)

    def test_portal_and_plain_staff_never_see_them(self):
        for user in (self.user_portal, self.user_staff):
            Incident = self.env["svcms.incident"].with_user(user)
            try:
                count = Incident.search_count([("is_security", "=", True)])
            except AccessError:
                count = 0
            self.assertEqual(count, 0, user.login)
            with self.assertRaises(AccessError):
                self.phishing.with_user(user).read(["subject"])

    def test_agent_may_report_a_security_incident(self):
        reported = (
            self.env["svcms.incident"]
            .with_user(self.user_agent)
            .create({"subject": "Suspicious USB stick found", "is_security": True})
        )
        self.assertTrue(reported.sudo().is_security)
        self.assertEqual(
            self.env["svcms.incident"].with_user(self.user_agent).search_count([("id", "=", reported.id)]), 0
        )


@tagged("post_install", "-at_install")
class TestSecurityIncidentRpc(SecurityIncidentMixin, ItsmCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_security()

    def _rpc(self, user, model, method, args, kwargs=None):
        with mute_logger(RPC_LOGGER):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, model, method, args, kwargs or {}
            )

    def test_agent_rpc_read_refused(self):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_agent, "svcms.incident", "read", [self.phishing.ids, ["subject"]])
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_agent, "svcms.incident", "write", [self.phishing.ids, {"subject": "leaked"}])
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_agent, "svcms.major.incident", "read", [self.major.ids, ["manager_id"]])
        self.assertEqual(
            self._rpc(self.user_agent, "svcms.incident", "search_count", [[("id", "in", self.both.ids)]]), 1
        )
        self.assertEqual(
            self._rpc(
                self.user_agent, "svcms.incident", "search_read", [[("is_security", "=", True)]], {"fields": ["id"]}
            ),
            [],
        )
        self.env.invalidate_all()
        self.assertEqual(self.phishing.subject, "Phishing mail opened")

    def test_officer_rpc_reads(self):
        [values] = self._rpc(self.user_security, "svcms.incident", "read", [self.phishing.ids, ["subject"]])
        self.assertEqual(values["subject"], "Phishing mail opened")


class TestSecurityControl(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.risk = cls.env["svcms.risk"].create({"name": "Ransomware", "risk_type": "risk"})
        Control = cls.env["svcms.security.control"].with_user(cls.user_security)
        cls.due, cls.later = Control.create(
            [
                {
                    "name": "Backup",
                    "reference": "A.8.13",
                    "owner_id": cls.user_security.id,
                    "risk_ids": [(6, 0, cls.risk.ids)],
                    "last_assessment_date": datetime.date.today() - datetime.timedelta(days=400),
                    "assessment_interval": 12,
                },
                {
                    "name": "Malware",
                    "reference": "A.8.7",
                    "owner_id": cls.user_security.id,
                    "last_assessment_date": datetime.date.today() - datetime.timedelta(days=30),
                    "assessment_interval": 12,
                },
            ]
        )
        cls.activity_type = cls.env.ref("svcms_itsm.mail_activity_type_security_assessment")

    def _run_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref("svcms_itsm.ir_cron_security_assessments").method_direct_trigger()
        self.env.invalidate_all()

    def _reminders(self, control):
        return control.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type)

    def test_reminder_once_for_the_due_control(self):
        self._run_cron()
        self.assertEqual(len(self._reminders(self.due)), 1)
        self.assertEqual(self._reminders(self.due).user_id, self.user_security)
        self.assertFalse(self._reminders(self.later))
        self._run_cron()
        self.assertEqual(len(self._reminders(self.due)), 1, "no duplicate reminder")
        # even if the flag is reset while the reminder is still open
        self.due.sudo().assessment_activity_planned = False
        self._run_cron()
        self.assertEqual(len(self._reminders(self.due)), 1)

    def test_recording_the_assessment_moves_the_date_and_closes_the_reminder(self):
        self._run_cron()
        self.due.with_user(self.user_security).action_record_assessment()
        self.assertEqual(self.due.last_assessment_date, datetime.date.today())
        self.assertGreater(self.due.next_assessment_date, datetime.date.today())
        self.assertFalse(self._reminders(self.due))
        self.assertFalse(self.due.assessment_activity_planned)

    def test_controls_only_for_security_officers(self):
        with self.assertRaises(AccessError):
            self.env["svcms.security.control"].with_user(self.user_agent).search([])
        self.assertEqual(self.due.risk_ids, self.risk)

    def test_controls_evidence_clause_8_7_3(self):
        self.assertIn("8.7.3", self.env["svcms.security.control"]._svcms_evidence_clause_codes("iso20000"))
