"""The integration API driven through the XML-RPC layer, as the example client of docs/integration.md does."""

import xmlrpc.client
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import AftersalesRequestsCase

API = "svcms.integration.api"


def _plain(value):
    """True when ``value`` holds only what every RPC client reads: no None, no recordset."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, str | int | float | bool)


@tagged("post_install", "-at_install")
class TestIntegrationApi(AftersalesRequestsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration = cls._user("t_api_callcentre", "base.group_user,svcms_aftersales.group_aftersales_integration")
        cls.clerk = cls._user("t_api_clerk", "base.group_user,svcms_aftersales.group_aftersales_user")
        cls.lot = cls._lots(1, prefix="API")
        cls.delivered_on = fields.Date.today() - timedelta(days=10)
        cls._deliver(cls.lot, cls.delivered_on)

    def call(self, method, *args, user=None, **kwargs):
        user = user or self.integration
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, API, method, list(args), kwargs)

    def test_warranty_entitlement_over_the_year(self):
        answer = self.call("warranty_entitlement", "API-00000")
        self.assertTrue(_plain(answer), answer)
        self.assertEqual(answer["status"], "exchange_window")
        self.assertEqual(answer["entitlement"], "exchange")
        self.assertEqual(answer["may_ask"], ["exchange", "free_repair"])
        self.assertEqual(answer["customer"], self.customer.name)
        self.assertEqual(answer["warranty_start"], self.delivered_on.isoformat())
        end = self.delivered_on + relativedelta(months=12) - timedelta(days=1)
        self.assertEqual(answer["warranty_end"], end.isoformat())
        self.assertIn("15", answer["reason"])
        on = {
            3: ("return", ["return", "exchange", "free_repair"]),
            100: ("free_repair", ["free_repair"]),
            400: ("paid_repair", ["paid_repair"]),
        }
        for days, (entitlement, may_ask) in on.items():
            day = (self.delivered_on + timedelta(days=days)).isoformat()
            answer = self.call("warranty_entitlement", "API-00000", day)
            self.assertEqual((answer["entitlement"], answer["may_ask"]), (entitlement, may_ask), day)
        # a main part is covered for 36 months
        day = (self.delivered_on + timedelta(days=400)).isoformat()
        answer = self.call("warranty_entitlement", "API-00000", day, main_part=True)
        self.assertEqual(answer["entitlement"], "free_repair")

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_bad_input_is_a_clear_error(self):
        with self.assertRaisesRegex(xmlrpc.client.Fault, "NOPE-1 is unknown"):
            self.call("warranty_entitlement", "NOPE-1")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "YYYY-MM-DD"):
            self.call("warranty_entitlement", "API-00000", "31/12/2026")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Unknown request type"):
            self.call("create_service_request", self.customer.id, "API-00000", "teleport")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "does not exist"):
            self.call("create_service_request", 987654321, "API-00000")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "subject and a description"):
            self.call("create_complaint", self.customer.id, " ", "")
        self.assertFalse(self.env["svcms.service.request"].search([("lot_id", "=", self.lot.id)]))

    def test_service_request_created_and_followed(self):
        status = self.call("create_service_request", self.customer.id, "API-00000", "repair_report", "不制冷")
        self.assertTrue(_plain(status), status)
        request = self.env["svcms.service.request"].browse(status["id"])
        self.assertEqual(
            (request.partner_id, request.lot_id, request.product_id), (self.customer, self.lot, self.product)
        )
        self.assertEqual(request.entitlement, "exchange")
        self.assertEqual(request.create_uid, self.integration)
        self.assertEqual(status["reference"], request.name)
        self.assertEqual(status["state"], "new")
        again = self.call("request_status", request.name)
        self.assertEqual(again["id"], request.id)
        self.assertEqual(len(again["service_levels"]), len(request.sla_line_ids))
        for level in again["service_levels"]:
            self.assertTrue(level["deadline"].endswith("Z"))

    def test_complaint_created_and_followed(self):
        status = self.call("create_complaint", self.customer.id, "安装师傅迟到", "<p>约定上午九点，十一点才到。</p>")
        self.assertTrue(_plain(status), status)
        complaint = self.env["svcms.complaint"].browse(status["id"])
        self.assertEqual((complaint.partner_id, complaint.subject), (self.customer, "安装师傅迟到"))
        self.assertEqual(self.call("request_status", complaint.name)["model"], "svcms.complaint")

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_only_integration_users(self):
        """An after-sales clerk without the integration group is refused, and nothing is created."""
        with self.assertRaisesRegex(xmlrpc.client.Fault, "integration users"):
            self.call("warranty_entitlement", "API-00000", user=self.clerk)
        with self.assertRaisesRegex(xmlrpc.client.Fault, "integration users"):
            self.call("create_complaint", self.customer.id, "x", "y", user=self.clerk)
        self.assertFalse(self.env["svcms.complaint"].search([("partner_id", "=", self.customer.id)]))
        # the helpers are not callable over RPC
        with self.assertRaises(xmlrpc.client.Fault):
            self.call("_svcms_find_serial", "API-00000")
