import xmlrpc.client

from odoo.http import Request
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase


@tagged("post_install", "-at_install")
class TestIncidentRpcAndPortal(ItsmCase, HttpCase):
    """Refusals through XML-RPC, portal isolation, and the portal-to-backend tour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Incident = cls.env["svcms.incident"]
        cls.team = cls.env.ref("svcms_itsm.team_service_desk")
        cls.service_erp.customer_ids = cls.customer
        # the caller's own incident, a colleague's, another customer's and a security incident of the caller
        cls.own, cls.colleague_incident, cls.foreign, cls.secret = cls.Incident.create(
            [
                {"subject": "本人报障", "partner_id": cls.user_portal.partner_id.id},
                {"subject": "同事报障", "partner_id": cls.user_portal_colleague.partner_id.id},
                {"subject": "其他经销商报障", "partner_id": cls.user_portal_other.partner_id.id},
                {"subject": "安全事件", "partner_id": cls.user_portal.partner_id.id, "is_security": True},
            ]
        )

    def _rpc(self, user, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "svcms.incident", method, args, kwargs or {}
        )

    def _visible(self, user):
        return set(self._rpc(user, "search", [[]]))

    @mute_logger("odoo.http")
    def test_rpc_refuses_status_writes_and_wrong_steps(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._rpc(self.user_agent, "write", [self.own.ids, {"state": "closed"}])
        self.assertIn("workflow", caught.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(self.user_agent, "action_close", [self.own.ids])
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(self.user_agent, "write", [self.own.ids, {"priority": "1", "priority_reason": "x"}])
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(
                self.user_agent, "create", [{"subject": "伪造", "state": "resolved", "resolved_at_first_contact": True}]
            )
        self.own.invalidate_recordset()
        self.assertEqual((self.own.state, self.own.priority), ("new", "4"))
        self.assertFalse(self.Incident.search([("subject", "=", "伪造")]))
        # a button through RPC answers True (XML-RPC cannot carry None)
        self.assertTrue(self._rpc(self.user_agent, "action_assign", [self.own.ids]))
        self.own.invalidate_recordset()
        self.assertEqual(self.own.state, "assigned")

    @mute_logger("odoo.http")
    def test_portal_isolation(self):
        self.assertEqual(self._visible(self.user_portal), {self.own.id}, "own incidents only, no security incident")
        self.assertEqual(self._visible(self.user_portal_other), {self.foreign.id})
        for user, record in (
            (self.user_portal_other, self.own),
            (self.user_portal, self.colleague_incident),
            (self.user_portal, self.secret),
        ):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self._rpc(user, "read", [record.ids, ["subject"]])
            self.assertEqual(caught.exception.faultCode, 4, "an AccessError")
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(self.user_portal, "write", [self.own.ids, {"subject": "改"}])
        # a designated contact of the customer sees the company's incidents (still no security incident)
        self.user_portal.partner_id.svcms_itsm_contact = True
        self.assertEqual(self._visible(self.user_portal), {self.own.id, self.colleague_incident.id})
        self.assertEqual(self._visible(self.user_portal_other), {self.foreign.id})
        # the portal pages follow the same rules
        self.authenticate(self.user_portal_other.login, self.user_portal_other.login)
        page = self.url_open("/my/incidents").text
        self.assertIn(self.foreign.name, page)
        self.assertNotIn(self.own.name, page)
        response = self.url_open(f"/my/incidents/{self.own.id}")
        self.assertNotIn(self.own.subject, response.text)

    def test_portal_form_refuses_foreign_service(self):
        self.authenticate(self.user_portal.login, self.user_portal.login)
        page = self.url_open("/my/incidents/new").text
        self.assertIn("Test ERP", page)
        self.assertNotIn("Test Mail", page, "only the services the caller's company subscribes to")
        response = self.url_open(
            "/my/incidents/new",
            data={
                "subject": "伪造服务",
                "description": "x",
                "service_id": self.service_mail.id,
                "csrf_token": Request.csrf_token(self),
            },
        )
        self.assertIn("o_svcms_error", response.text)
        self.assertFalse(self.Incident.search([("subject", "=", "伪造服务")]))

    def test_tour_portal_report_then_agent_resolves(self):
        self.start_tour("/my/incidents", "svcms_itsm_incident_portal_tour", login=self.user_portal.login)
        incident = self.Incident.search([("subject", "=", "门店订货系统打不开")])
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.partner_id, self.user_portal.partner_id)
        self.assertEqual((incident.channel, incident.service_ids), ("portal", self.service_erp))
        incident.user_id = False
        self.start_tour(
            f"/odoo/action-svcms_itsm.svcms_incident_action/{incident.id}",
            "svcms_itsm_incident_agent_tour",
            login=self.user_agent.login,
        )
        self.assertEqual(incident.state, "resolved")
        self.assertEqual(incident.user_id, self.user_agent)
        self.assertIn("重置了门店账号", str(incident.resolution))
        self.authenticate(self.user_portal.login, self.user_portal.login)
        self.assertIn("重置了门店账号", self.url_open(f"/my/incidents/{incident.id}").text)
