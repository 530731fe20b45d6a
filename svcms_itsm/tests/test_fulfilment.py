import re
import xmlrpc.client

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ItsmCase

FORM = [
    {"name": "model", "string": "Model", "type": "char"},
    {"name": "reason", "string": "Reason", "type": "text"},
    {"name": "size", "string": "Screen", "type": "selection", "selection": [["14", "14 inch"], ["16", "16 inch"]]},
    {"name": "dock", "string": "Docking Station", "type": "boolean"},
    {"name": "needed_on", "string": "Needed On", "type": "date"},
    {"name": "quantity", "string": "Quantity", "type": "integer"},
]


class FulfilmentFixtures:
    @classmethod
    def _setup_fulfilment(cls):
        cls.user_owner = new_test_user(cls.env, "t_ful_owner", groups="base.group_user,svcms_base.group_svcms_user")
        cls.owner = cls.env["hr.employee"].create({"name": "Service Owner", "user_id": cls.user_owner.id})
        cls.service_erp.owner_id = cls.owner
        cls.team = cls.env["svcms.team"].create(
            {
                "name": "Test Fulfilment Desk",
                "res_model": "svcms.service.fulfilment",
                "assignment_policy": "round_robin",
                "member_ids": [(6, 0, (cls.user_agent | cls.user_agent2).ids)],
            }
        )
        Offering = cls.env["svcms.service.offering"]
        cls.offering_laptop, cls.offering_reset, cls.offering_vpn, cls.offering_mail = Offering.create(
            [
                {
                    "name": "Test Laptop",
                    "service_id": cls.service_erp.id,
                    "requires_approval": True,
                    "approval_by": "owner",
                    "team_id": cls.team.id,
                    "target_days": 5,
                    "form_definition": FORM,
                    "task_names": "Order the laptop\nHand it over",
                    "is_published": True,
                },
                {
                    "name": "Test Password Reset",
                    "service_id": cls.service_erp.id,
                    "team_id": cls.team.id,
                    "is_published": True,
                },
                {
                    "name": "Test VPN",
                    "service_id": cls.service_erp.id,
                    "requires_approval": True,
                    "approval_by": "group",
                    "approver_group_id": cls.env.ref("svcms_itsm.group_itsm_security").id,
                    "is_published": False,
                },
                {"name": "Test Mailbox", "service_id": cls.service_mail.id, "is_published": True},
            ]
        )

    def _request(self, user, offering=None, **values):
        return (
            self.env["svcms.service.fulfilment"]
            .with_user(user)
            .create({"offering_id": (offering or self.offering_laptop).id, **values})
        )


@tagged("post_install", "-at_install")
class TestFulfilment(FulfilmentFixtures, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fulfilment()

    def test_answers_tasks_team_and_deadline(self):
        request = self._request(
            self.user_staff,
            answers={"model": "ThinkPad X1", "size": "14", "dock": True, "needed_on": "2026-12-01", "quantity": 2},
        )
        self.assertTrue(request.name.startswith("REQ/"))
        self.assertEqual(request.subject, "Test Laptop")
        self.assertEqual(request.requested_by_id, self.user_staff)
        self.assertEqual(request.partner_id, self.user_staff.partner_id)
        values = request.sudo().answers
        self.assertEqual(values["model"], "ThinkPad X1")
        self.assertEqual(values["size"], "14 inch", "a choice reads as its label")
        stored = {prop["name"]: prop.get("value") for prop in request.sudo().read(["answers"])[0]["answers"]}
        self.assertEqual(stored["size"], "14", "and is stored as its key")
        self.assertIs(values["dock"], True)
        self.assertEqual(str(values["needed_on"]), "2026-12-01")
        self.assertEqual(values["quantity"], 2)
        self.assertEqual(request.task_ids.mapped("name"), ["Order the laptop", "Hand it over"])
        self.assertEqual(request.team_id, self.team)
        self.assertEqual(request.user_id, self.user_agent, "round robin: the first member")
        self.assertEqual((request.date_deadline - request.date_requested).days, 5)
        self.assertTrue(request.sla_line_ids, "the default service level policy applies")
        other = self._request(self.user_staff, self.offering_reset)
        self.assertEqual(other.user_id, self.user_agent2, "round robin: the next member")

    def test_approval_only_by_the_designated_approver(self):
        request = self._request(self.user_staff)
        request.action_submit()
        self.assertEqual(request.state, "approval")
        self.assertEqual(request.approver_user_id, self.user_owner)
        activity = request.activity_ids.filtered(lambda a: a.user_id == self.user_owner)
        self.assertTrue(activity, "the owner is asked to approve")
        for user in (self.user_agent, self.user_manager):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                request.with_user(user).action_approve()
            self.assertFalse(request.with_user(user).can_approve)
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            request.with_user(self.user_staff).action_approve()
        self.assertFalse(request.with_user(self.user_staff).can_approve)
        self.assertEqual(request.state, "approval")
        self.assertFalse(request.approved_by_id)
        request_as_owner = request.with_user(self.user_owner)
        self.assertTrue(request_as_owner.can_approve)
        request_as_owner.action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approved_by_id, self.user_owner)
        self.assertFalse(request.activity_ids.filtered(lambda a: a.user_id == self.user_owner))

    def test_requester_cannot_approve_own_request(self):
        request = self._request(self.user_owner)
        request.with_user(self.user_owner).action_submit()
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            request.with_user(self.user_owner).action_approve()
        self.assertEqual(request.state, "approval")

    def test_group_approval_and_rejection(self):
        request = self._request(self.user_staff, self.offering_vpn)
        request.action_submit()
        self.assertEqual(request.approver_group_id, self.env.ref("svcms_itsm.group_itsm_security"))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            request.with_user(self.user_agent).action_approve()
        request_as_officer = request.with_user(self.user_security)
        with self.assertRaisesRegex(UserError, "reason"):
            request_as_officer.action_reject()
        request_as_officer.rejection_reason = "No business need"
        request_as_officer.action_reject()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.rejected_by_id, self.user_security)

    def test_without_approval_and_protected_state(self):
        request = self._request(self.user_staff, self.offering_reset)
        with self.assertRaises(UserError):
            request.with_user(self.user_agent).write({"state": "done"})
        with self.assertRaises(UserError):
            self._request(self.user_staff, self.offering_reset, state="done")
        request.with_user(self.user_staff).action_submit()
        self.assertEqual(request.state, "approved", "no approval needed")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            request.with_user(self.user_staff).action_start()
        request.with_user(self.user_agent2).action_start()
        self.assertEqual(request.state, "in_progress")
        with self.assertRaises(UserError):
            request.with_user(self.user_agent).write({"subject": "changed after submission"})

    def test_done_blocked_by_open_tasks_and_tasks_lock(self):
        request = self._request(self.user_staff)
        request.action_submit()
        request.with_user(self.user_owner).action_approve()
        request_as_agent = request.with_user(self.user_agent)
        request_as_agent.action_start()
        with self.assertRaisesRegex(UserError, "Order the laptop"):
            request_as_agent.action_done()
        self.assertEqual(request.state, "in_progress")
        request_as_agent.task_ids[0].done = True
        with self.assertRaisesRegex(UserError, "Hand it over"):
            request_as_agent.action_done()
        request_as_agent.task_ids[1].done = True
        self.assertTrue(request.task_ids[1].done_date)
        request_as_agent.action_done()
        self.assertEqual(request.state, "done")
        self.assertTrue(request.done_date)
        with self.assertRaises(UserError):
            request_as_agent.task_ids[0].done = False
        with self.assertRaises(UserError):
            self.env["svcms.fulfilment.task"].with_user(self.user_agent).create(
                {"fulfilment_id": request.id, "name": "late task"}
            )

    def test_portal_request_and_isolation(self):
        Request = self.env["svcms.service.fulfilment"]
        offering = self.offering_laptop.with_user(self.user_portal)
        answers = offering._svcms_parse_answers({"model": "X1", "quantity": "3", "dock": "1", "size": "16"})
        self.assertEqual(answers["quantity"], 3)
        request = Request.with_user(self.user_portal)._svcms_portal_request(offering, answers)
        self.assertEqual(request.partner_id, self.user_portal.partner_id)
        self.assertEqual(request.requested_by_id, self.user_portal)
        self.assertEqual(request.channel, "portal")
        self.assertEqual(request.state, "approval")
        values = request.sudo().answers
        self.assertEqual((values["model"], values["quantity"], values["dock"]), ("X1", 3, True))
        # the portal user sees their own request only; their colleague and other customers do not
        self.assertEqual(Request.with_user(self.user_portal).search([]), request)
        for user in (self.user_portal_colleague, self.user_portal_other):
            self.assertFalse(Request.with_user(user).search([]))
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                request.with_user(user).read(["subject"])
        # offerings not published or of a service the customer's company does not subscribe to
        for unavailable in (self.offering_vpn, self.offering_mail):
            with self.assertRaises(UserError):
                Request.with_user(self.user_portal)._svcms_portal_request(unavailable, {})
        with self.assertRaises(UserError):
            Request.with_user(self.user_portal_other)._svcms_portal_request(self.offering_laptop, {})

    def test_portal_offering_visibility(self):
        Offering = self.env["svcms.service.offering"]
        self.assertEqual(Offering.with_user(self.user_portal).search([]), self.offering_laptop | self.offering_reset)
        self.assertFalse(Offering.with_user(self.user_portal_other).search([]))
        self.service_erp.status = "retired"
        self.assertFalse(Offering.with_user(self.user_portal).search([]), "a retired service takes no requests")

    def test_bad_answers(self):
        offering = self.offering_laptop
        with self.assertRaisesRegex(UserError, "Quantity"):
            offering._svcms_parse_answers({"quantity": "two"})
        with self.assertRaisesRegex(UserError, "Needed On"):
            offering._svcms_parse_answers({"needed_on": "tomorrow"})
        with self.assertRaisesRegex(UserError, "Screen"):
            offering._svcms_parse_answers({"size": "17"})

    def test_form_definition_types_checked(self):
        with self.assertRaises(UserError):
            self.offering_reset.form_definition = [{"name": "owner", "string": "Owner", "type": "many2one"}]


@tagged("post_install", "-at_install")
class TestFulfilmentPortalHttp(FulfilmentFixtures, HttpCase, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fulfilment()

    def test_catalogue_by_subscription(self):
        self.authenticate("t_itsm_portal", "t_itsm_portal")
        page = self.url_open("/my/it-requests/catalogue")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Test Laptop", page.text)
        self.assertIn("Test Password Reset", page.text)
        self.assertNotIn("Test VPN", page.text, "not published")
        self.assertNotIn("Test Mailbox", page.text, "the customer does not subscribe to the mail service")
        self.authenticate("t_itsm_portal3", "t_itsm_portal3")
        page = self.url_open("/my/it-requests/catalogue")
        self.assertNotIn("Test Laptop", page.text)
        page = self.url_open(f"/my/it-requests/new/{self.offering_laptop.id}")
        self.assertNotIn("Docking Station", page.text, "the form of an offering not offered to the customer")

    def test_submit_form_and_isolation(self):
        self.authenticate("t_itsm_portal", "t_itsm_portal")
        page = self.url_open(f"/my/it-requests/new/{self.offering_laptop.id}")
        self.assertIn("Docking Station", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        bad = self.url_open(
            f"/my/it-requests/new/{self.offering_laptop.id}", data={"csrf_token": csrf, "quantity": "many"}
        )
        self.assertIn("whole number", bad.text)
        Request = self.env["svcms.service.fulfilment"]
        self.assertFalse(Request.search([("partner_id", "=", self.user_portal.partner_id.id)]))
        self.url_open(
            f"/my/it-requests/new/{self.offering_laptop.id}",
            data={"csrf_token": csrf, "model": "ThinkPad", "size": "14", "quantity": "1", "description": "急用"},
        )
        request = Request.search([("partner_id", "=", self.user_portal.partner_id.id)])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "approval")
        self.assertEqual(request.answers["model"], "ThinkPad")
        page = self.url_open(f"/my/it-requests/{request.id}")
        self.assertIn(request.name, page.text)
        self.assertIn("ThinkPad", page.text)
        self.assertIn("14 inch", page.text, "a choice shows its label")
        self.assertIn(request.name, self.url_open("/my/it-requests").text)
        # the colleague of the same company is sent away from it
        self.authenticate("t_itsm_portal2", "t_itsm_portal2")
        page = self.url_open(f"/my/it-requests/{request.id}")
        self.assertNotIn("ThinkPad", page.text)
        self.assertTrue(page.url.endswith("/my"), page.url)
        self.assertNotIn(request.name, self.url_open("/my/it-requests").text)

    def test_rpc_approval_by_wrong_user_refused(self):
        request = self._request(self.user_staff)
        request.action_submit()
        for login, user in (("t_itsm_agent", self.user_agent), ("t_itsm_portal", self.user_portal)):
            with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", "odoo.models"):
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname, user.id, login, "svcms.service.fulfilment", "action_approve", [[request.id]]
                )
            with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", "odoo.models"):
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname,
                    user.id,
                    login,
                    "svcms.service.fulfilment",
                    "write",
                    [[request.id], {"state": "approved"}],
                )
        request.invalidate_recordset()
        self.assertEqual(request.state, "approval")
        self.assertFalse(request.approved_by_id)
        self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.user_owner.id,
            "t_ful_owner",
            "svcms.service.fulfilment",
            "action_approve",
            [[request.id]],
        )
        request.invalidate_recordset()
        self.assertEqual(request.state, "approved")
