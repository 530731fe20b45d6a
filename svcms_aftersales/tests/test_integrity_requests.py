"""Server-side integrity of service requests (issue #8): the workflow, separation of duties, bad input,
deletion, maintenance visits and least privilege, through the ORM as non-admin users and through XML-RPC."""

import xmlrpc.client
from datetime import timedelta
from unittest.mock import patch

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SIGNATURE, AftersalesRequestsCase, OperationsCase

TECHNICIAN = "svcms_aftersales.group_aftersales_technician"
USER = "svcms_aftersales.group_aftersales_user"
MANAGER = "svcms_aftersales.group_aftersales_manager"
SEPARATION = "svcms_base.separation_of_duties.svcms.service.request"

# status and audit fields no client may write, with a value to try
PROTECTED_VALUES = {
    "state": "closed",
    "first_response_date": "2026-01-01 08:00:00",
    "arrival_date": "2026-01-01 09:00:00",
    "done_date": "2026-01-01 10:00:00",
    "close_date": "2026-01-01 11:00:00",
    "closed_by_id": 1,
    "customer_confirmed": True,
    "confirmed_by_id": 1,
    "signature": SIGNATURE,
    "signed_by": "伪造签名",
    "signed_on": "2026-01-01 10:00:00",
    "installation_accepted": True,
    "response_on_time": True,
    "first_time_fix": True,
    "waited_for_parts": True,
    "turnaround_hours": 1.0,
    "rating_last_value": 5.0,
}


class RequestIntegrityData:
    """Technicians, office users, a manager and a warehouse user; requests of two technicians."""

    @classmethod
    def _setup_integrity_data(cls):
        cls.Request = cls.env["svcms.service.request"]
        cls.tech_user = new_test_user(cls.env, login="int_tech", groups=TECHNICIAN, name="技师甲")
        cls.tech2_user = new_test_user(cls.env, login="int_tech2", groups=TECHNICIAN, name="技师乙")
        cls.office = new_test_user(cls.env, login="int_office", groups=USER, name="客服甲")
        cls.office2 = new_test_user(cls.env, login="int_office2", groups=USER, name="客服乙")
        cls.manager = new_test_user(cls.env, login="int_manager", groups=MANAGER, name="售后经理")
        # the warehouse clerk who handles returns (Inventory user + after-sales Returns Clerk)
        cls.stock_user = new_test_user(
            cls.env,
            login="int_stock",
            groups="stock.group_stock_user,svcms_aftersales.group_aftersales_returns",
            name="仓管员",
        )
        cls.outlet = cls.env["svcms.service.outlet"].create({"name": "完整性测试网点"})
        valid = {
            "staff_type": "partner",
            "outlet_id": cls.outlet.id,
            "authorisation_number": "INT-1",
            "authorisation_expiry": fields.Date.today() + timedelta(days=90),
        }
        cls.technician = cls.env["svcms.technician"].create({**valid, "name": "技师甲", "user_id": cls.tech_user.id})
        cls.technician2 = cls.env["svcms.technician"].create({**valid, "name": "技师乙", "user_id": cls.tech2_user.id})
        # an office user who also goes on site
        cls.office_technician = cls.env["svcms.technician"].create(
            {**valid, "name": "客服甲（兼技师）", "user_id": cls.office.id}
        )
        cls.env["ir.config_parameter"].sudo().set_param(SEPARATION, "1")

    @classmethod
    def _new_request(cls, technician=None, **values):
        return cls.Request.create(
            {
                "partner_id": cls.customer.id,
                "request_type": "repair_onsite",
                "outlet_id": cls.outlet.id,
                "technician_id": (technician or cls.technician).id,
                "request_date": fields.Datetime.now() - timedelta(hours=1),
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestRequestWorkflowIntegrity(RequestIntegrityData, AftersalesRequestsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"phone": "+86 757 8888 1234", "street": "禅城区季华五路 1 号", "city": "佛山市"})
        cls._setup_integrity_data()
        cls.lot, cls.other_lot = cls._lots(2, "INT")
        cls._deliver(cls.lot, fields.Datetime.now() - timedelta(days=40))
        cls._deliver(cls.other_lot, fields.Datetime.now() - timedelta(days=40), partner=cls.other_customer)

    def setUp(self):
        super().setUp()
        self.request = self._new_request()

    def _snapshot(self, request):
        request.invalidate_recordset()
        return {name: request[name] for name in PROTECTED_VALUES}

    # ------------------------------------------------------------------ 1. protected status and audit fields
    def test_protected_fields_cannot_be_written_by_anyone_but_transitions(self):
        self.request.with_user(self.tech_user).action_start()
        before = self._snapshot(self.request)
        for user in (self.tech_user, self.office, self.manager):
            for name, value in PROTECTED_VALUES.items():
                with self.subTest(user=user.login, field=name), self.assertRaisesRegex(UserError, "workflow buttons"):
                    self.request.with_user(user).write({name: value})
        self.assertEqual(self._snapshot(self.request), before, "nothing was written")
        self.assertEqual(self.request.state, "in_progress")
        # other fields stay editable
        self.request.with_user(self.tech_user).write({"labour_hours": 2.0, "resolution": "<p>更换电容</p>"})
        self.assertEqual(self.request.labour_hours, 2.0)

    def test_status_and_audit_cannot_be_created_or_imported(self):
        Request = self.Request.with_user(self.office)
        count = self.Request.search_count([])
        for name, value in PROTECTED_VALUES.items():
            with self.subTest(field=name), self.assertRaises(UserError):
                Request.create({"partner_id": self.customer.id, name: value})
        for default in ({"default_state": "closed"}, {"default_customer_confirmed": True}):
            with self.subTest(context=default), self.assertRaises(UserError):
                Request.with_context(**default).create({"partner_id": self.customer.id})
        result = Request.load(["partner_id/.id", "state", "done_date"], [[str(self.customer.id), "done", "2026-01-01"]])
        self.assertFalse(result["ids"])
        self.assertTrue(any("workflow buttons" in message["message"] for message in result["messages"]))
        self.assertEqual(self.Request.search_count([]), count, "no request was created")
        # the server sets the state itself: a request created with its technician is assigned
        created = Request.create({"partner_id": self.customer.id, "technician_id": self.technician.id})
        self.assertEqual(created.state, "assigned")
        self.request.with_user(self.tech_user).action_start()
        copy = self.request.with_user(self.office).copy()
        self.assertEqual(
            (copy.state, copy.first_response_date, copy.arrival_date), ("assigned", False, False), "a copy starts over"
        )

    def test_portal_customer_gets_an_access_error(self):
        portal = new_test_user(self.env, login="int_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.request.with_user(portal).write({"state": "closed"})
        self.assertEqual(self.request.state, "assigned")

    # ------------------------------------------------------------------ transitions and the customer's confirmation
    def test_technician_completes_only_with_the_customers_signature(self):
        request = self.request.with_user(self.tech_user)
        self.assertTrue(request.action_start())
        self.assertTrue(request.arrival_date, "arrival on site recorded by the transition")
        self.assertTrue(request.first_response_date)
        with self.assertRaisesRegex(UserError, "must sign"):
            request.action_done()
        self.assertEqual(request.state, "in_progress")
        self.assertFalse(request.done_date)
        with self.assertRaises(UserError):
            request.action_customer_sign(False, "王五")
        with self.assertRaises(UserError):
            request.action_customer_sign("not an image!", "王五")
        self.assertTrue(request.action_customer_sign(SIGNATURE, " 王五 "))
        self.assertEqual((request.customer_confirmed, request.signed_by), (True, "王五"))
        self.assertTrue(request.signed_on)
        self.assertTrue(request.action_done())
        self.assertEqual(request.state, "done")
        self.assertTrue(request.done_date)
        self.assertTrue(request.response_on_time)
        with self.assertRaises(AccessError):
            request.action_close()
        self.assertEqual(self.request.state, "done", "a technician does not close")

    def test_signature_wizard_records_the_signature(self):
        self.request.with_user(self.tech_user).action_start()
        action = self.request.with_user(self.tech_user).action_open_customer_signature()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.tech_user)
            .with_context(**action["context"])
            .create({"signature": SIGNATURE})
        )
        self.assertEqual(wizard.signed_by, self.customer.name)
        self.assertEqual(wizard.action_sign()["type"], "ir.actions.act_window_close")
        self.assertTrue(self.request.customer_confirmed)
        self.assertTrue(self.request.signature)

    def test_technician_cannot_record_the_confirmation_of_their_own_work(self):
        self.request.with_user(self.tech_user).action_start()
        self.assertFalse(self.request.with_user(self.tech_user).can_confirm)
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            self.request.with_user(self.tech_user).action_customer_confirm()
        self.assertFalse(self.request.customer_confirmed)
        self.assertTrue(self.request.with_user(self.office2).can_confirm)
        self.assertTrue(self.request.with_user(self.office2).action_customer_confirm())
        self.assertEqual((self.request.customer_confirmed, self.request.confirmed_by_id), (True, self.office2))
        self.assertTrue(self.request.with_user(self.tech_user).action_done())

    def test_separation_of_duties_is_a_company_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(SEPARATION, "0")
        self.request.with_user(self.tech_user).action_start()
        self.request.with_user(self.tech_user).action_customer_confirm()
        self.assertTrue(self.request.customer_confirmed)
        own = self._new_request(technician=self.office_technician)
        own.with_user(self.office).action_start()
        own.with_user(self.office).action_customer_confirm()
        own.with_user(self.office).action_done()
        own.with_user(self.office).action_close()
        self.assertEqual(own.state, "closed")

    def test_who_did_the_work_does_not_close_it(self):
        own = self._new_request(technician=self.office_technician)
        own.with_user(self.office).action_start()
        own.with_user(self.office).action_customer_sign(SIGNATURE, "王五")
        own.with_user(self.office).action_done()
        self.assertFalse(own.with_user(self.office).can_close)
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            own.with_user(self.office).action_close()
        self.assertEqual(own.state, "done")
        self.assertFalse(own.close_date)
        self.assertTrue(own.with_user(self.office2).can_close)
        own.with_user(self.office2).action_close()
        self.assertEqual((own.state, own.closed_by_id), ("closed", self.office2))
        self.assertTrue(own.close_date)
        self.assertTrue(own.sudo().return_visit_ids, "closing plans the return visit")

    def test_buttons_follow_the_declared_transitions(self):
        tech = self.request.with_user(self.tech_user)
        self.assertEqual((tech.can_assign, tech.can_start, tech.can_done, tech.can_cancel), (False, True, False, False))
        office = self.request.with_user(self.office2)
        self.assertEqual((office.can_assign, office.can_start, office.can_cancel), (True, True, True))
        tech.action_start()
        self.request.invalidate_recordset()
        self.assertEqual((tech.can_start, tech.can_done, tech.can_sign, tech.can_close), (False, True, True, False))
        # the warehouse clerk takes no step of a request (it reads only those it handles a return for)
        self.assertFalse(self.request.with_user(self.stock_user).has_access("write"))

    def test_every_public_action_returns_true_or_an_action(self):
        office = self.request.with_user(self.office2)
        results = [office.action_respond(), office.action_assign(), office.action_start()]
        results += [office.action_wait_parts(), office.action_wait_customer(), office.action_start()]
        results += [office.action_customer_sign(SIGNATURE, "王五"), office.action_done()]
        results += [office.action_refresh_entitlement(), office.action_view_repairs(), office.action_print_report()]
        results += [office.action_close(), office.action_view_complaints(), office.action_view_return_visits()]
        results += [office.action_svcms_view_return_orders()]
        other = self._new_request().with_user(self.office2)
        results += [other.action_cancel(), other.action_reopen(), other.action_customer_confirm()]
        for result in results:
            self.assertTrue(result is True or isinstance(result, dict), result)
        self.assertEqual((self.request.state, other.state), ("closed", "in_progress"))

    def test_finished_report_is_frozen_until_reopened(self):
        request = self.request.with_user(self.tech_user)
        request.write({"part_line_ids": [Command.create({"product_id": self.product.id, "price_unit": 30})]})
        request.action_start()
        request.action_customer_sign(SIGNATURE, "王五")
        request.action_done()
        for values in (
            {"resolution": "<p>改写</p>"},
            {"labour_hours": 9},
            {"partner_id": self.other_customer.id},
            {"part_line_ids": [Command.create({"product_id": self.product.id})]},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                self.request.with_user(self.office2).write(values)
        with self.assertRaises(UserError):
            request.part_line_ids.write({"quantity": 5})
        with self.assertRaises(UserError):
            request.part_line_ids.unlink()
        self.assertEqual((self.request.partner_id, self.request.part_line_ids.quantity), (self.customer, 1))
        self.request.with_user(self.office2).action_reopen()
        self.assertEqual(self.request.state, "in_progress")
        request.write({"labour_hours": 3})
        self.assertEqual(self.request.labour_hours, 3)

    # ------------------------------------------------------------------ 3. bad input
    def test_request_date_after_arrival_or_completion_is_refused(self):
        received = self.request.request_date
        self.request.with_user(self.tech_user).action_start()
        arrival = self.request.arrival_date
        # a savepoint stands for the transaction a refused RPC call rolls back
        with self.assertRaisesRegex(ValidationError, "request date"), self.env.cr.savepoint():
            self.request.with_user(self.office2).write({"request_date": arrival + timedelta(hours=2)})
        self.request.invalidate_recordset()
        self.assertEqual(self.request.request_date, received)
        future = self._new_request(request_date=fields.Datetime.now() + timedelta(days=2))
        with self.assertRaisesRegex(ValidationError, "request date"), self.env.cr.savepoint():
            future.with_user(self.tech_user).action_start()
        self.assertEqual(future.state, "assigned")
        self.assertFalse(future.arrival_date)

    def test_negative_part_amounts_are_refused(self):
        Part = self.env["svcms.service.request.part"].with_user(self.tech_user)
        base = {"request_id": self.request.id, "product_id": self.product.id}
        for values in ({"price_unit": -1}, {"quantity": 0}, {"quantity": -2}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                Part.create({**base, **values})
        self.assertFalse(self.request.part_line_ids)
        part = Part.create({**base, "quantity": 2, "price_unit": 15})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            part.write({"price_unit": -15})
        with self.assertRaisesRegex(ValidationError, "positive"):
            part.write({"quantity": -1})
        part.invalidate_recordset()
        self.assertEqual((part.quantity, part.price_unit), (2, 15))

    # ------------------------------------------------------------------ 4. deletion
    def test_only_new_requests_are_deleted(self):
        new = self.Request.create({"partner_id": self.customer.id})
        new.with_user(self.manager).unlink()
        self.assertFalse(new.exists())
        lines = self.env["svcms.sla.line"].search(
            [("res_model", "=", self.Request._name), ("res_id", "=", self.request.id)]
        )
        self.assertTrue(lines, "the request runs service level clocks")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.request.with_user(self.manager).unlink()
        self.assertTrue(self.request.exists())
        self.assertEqual(lines.exists(), lines, "its SLA lines are kept")
        self.request.with_user(self.manager).action_cancel()
        with self.assertRaises(UserError):
            self.request.with_user(self.manager).unlink()

    def test_technicians_and_outlets_with_requests_are_archived_not_deleted(self):
        with self.assertRaises(UserError):
            self.technician.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            self.outlet.with_user(self.manager).unlink()
        self.assertTrue(self.technician.exists() and self.outlet.exists())
        idle = self.env["svcms.technician"].create({"name": "空闲技师", "staff_type": "partner"})
        idle.with_user(self.manager).unlink()
        self.assertFalse(idle.exists())

    # ------------------------------------------------------------------ 6. least privilege
    def test_technician_sees_only_own_checks_and_sale_lines(self):
        line = self.lot._svcms_sale_lines()
        other_line = self.other_lot._svcms_sale_lines()
        mine = self._new_request(lot_id=self.lot.id, sale_line_id=line.id, sale_order_id=line.order_id.id)
        theirs = self._new_request(
            technician=self.technician2,
            partner_id=self.other_customer.id,
            lot_id=self.other_lot.id,
            sale_line_id=other_line.id,
            sale_order_id=other_line.order_id.id,
        )
        (mine | theirs).write({"installation_check_ids": [Command.create({"name": "通电试机"})]})
        Check = self.env["svcms.installation.check"].with_user(self.tech_user)
        checks = (mine | theirs).installation_check_ids
        self.assertEqual(Check.search([("id", "in", checks.ids)]), mine.installation_check_ids)
        with self.assertRaises(AccessError):
            theirs.installation_check_ids.with_user(self.tech_user).read(["name"])
        with self.assertRaises(AccessError):
            theirs.installation_check_ids.with_user(self.tech_user).write({"is_done": True})
        self.assertFalse(theirs.installation_check_ids.is_done)
        mine.installation_check_ids.with_user(self.tech_user).write({"is_done": True})
        self.assertTrue(mine.installation_check_ids.is_done)
        Line = self.env["sale.order.line"].with_user(self.tech_user)
        self.assertEqual(Line.search([("id", "in", (line | other_line).ids)]), line)
        with self.assertRaises(AccessError):
            other_line.with_user(self.tech_user).read(["name"])
        Order = self.env["sale.order"].with_user(self.tech_user)
        self.assertEqual(Order.search([("id", "in", (line | other_line).order_id.ids)]), line.order_id)
        # the office sees all
        self.assertEqual(
            self.env["sale.order.line"].with_user(self.office).search([("id", "in", (line | other_line).ids)]),
            line | other_line,
        )

    def test_warehouse_sees_contact_details_only_of_customers_it_handles_a_return_for(self):
        office = self.request.with_user(self.office).read(["partner_phone", "partner_email", "partner_address"])[0]
        self.assertEqual(office["partner_phone"], "+86 757 8888 1234")
        self.assertEqual(office["partner_email"], self.customer.email)
        self.assertIn("季华五路", office["partner_address"])
        with self.assertRaises(AccessError, msg="no return for this request: the warehouse does not see it"):
            self.request.with_user(self.stock_user).read(["name"])
        line = self.lot._svcms_sale_lines()
        picking = self.env["svcms.return.order"]._find_delivery(line.order_id, self.product, self.lot)
        return_order = self.env["svcms.return.order"].create(
            {
                "partner_id": self.customer.id,
                "picking_id": picking.id,
                "product_id": self.product.id,
                "lot_id": self.lot.id,
                "request_id": self.request.id,
                "user_id": self.office.id,
            }
        )
        self.request.invalidate_recordset()
        stock = self.request.with_user(self.stock_user).read(
            ["name", "partner_phone", "partner_email", "partner_address"]
        )
        self.assertEqual(stock[0]["name"], self.request.name, "the warehouse reads the request of a return")
        self.assertEqual(
            (stock[0]["partner_phone"], stock[0]["partner_email"], stock[0]["partner_address"]), (False, False, False)
        )
        return_order.write({"user_id": self.stock_user.id})
        self.request.invalidate_recordset()
        handled = self.request.with_user(self.stock_user).read(["partner_phone"])[0]
        self.assertEqual(handled["partner_phone"], "+86 757 8888 1234")
        with self.assertRaises(AccessError):
            self.request.with_user(self.stock_user).write({"labour_hours": 1})


@tagged("post_install", "-at_install")
class TestMaintenanceVisitIntegrity(OperationsCase):
    """Maintenance visits: once per plan, serial and due date; the cron survives a broken plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-01-10"):
            cls._sell_and_deliver(cls.appliance, cls.lot_1, invoice=False)
            cls._sell_and_deliver(cls.fridge, cls.fridge_lot, invoice=False)
        Plan = cls.env["svcms.maintenance.plan"]
        Plan.search([]).action_archive()  # the demo plans stay out of these runs
        cls.plan = Plan.create(
            {"name": "空调半年保养", "product_tmpl_id": cls.appliance.product_tmpl_id.id, "interval_months": 6}
        )
        cls.fridge_plan = Plan.create(
            {"name": "冰箱半年保养", "product_tmpl_id": cls.fridge.product_tmpl_id.id, "interval_months": 6}
        )
        cls.plan_manager = new_test_user(cls.env, login="int_plan_manager", groups=MANAGER)
        cls.tech_user = new_test_user(cls.env, login="int_plan_tech", groups=TECHNICIAN)
        cls.technician = cls.env["svcms.technician"].create(
            {"name": "保养技师", "staff_type": "partner", "user_id": cls.tech_user.id, "authorisation_number": "M-1"}
        )

    def test_button_and_cron_never_create_the_same_visit_twice(self):
        with freeze_time("2026-07-01"):
            self.plan.with_user(self.plan_manager).action_generate_visits()
            visit = self.plan.request_ids
            self.assertEqual(len(visit), 1)
            created = self.env["svcms.maintenance.plan"]._cron_generate_visits()
        self.assertEqual(created.maintenance_plan_id, self.fridge_plan, "only the fridge visit was still due")
        self.assertEqual(self.plan.request_ids, visit)
        duplicate = self.plan._prepare_visit_values(self.lot_1, self.customer, visit.maintenance_due_date)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["svcms.service.request"].create(duplicate)
        self.assertEqual(self.plan.request_ids, visit)

    def test_cron_skips_a_broken_plan_and_reports_it(self):
        original = type(self.plan)._prepare_visit_values
        broken_ids = {self.plan.id}

        def prepare(plan, lot, partner, due_date):
            if plan.id in broken_ids:
                raise UserError("产品资料不完整")  # pylint: disable=translation-required; a test double
            return original(plan, lot, partner, due_date)

        Plan = self.env["svcms.maintenance.plan"]
        logger = "odoo.addons.svcms_aftersales.models.maintenance_plan"
        with patch.object(type(self.plan), "_prepare_visit_values", prepare), mute_logger(logger):
            with freeze_time("2026-07-01"):
                created = Plan._cron_generate_visits()
                self.assertEqual(created.maintenance_plan_id, self.fridge_plan, "the other plan went on")
                self.assertEqual(
                    (self.plan.generation_failure_count, self.plan.generation_error), (1, "产品资料不完整")
                )
                self.assertIn("产品资料不完整", self.plan.message_ids[0].body)
                self.assertFalse(self.plan.request_ids)
                self.assertFalse(Plan._cron_generate_visits(), "the same day's next run does not retry it")
            with freeze_time("2026-07-02"):
                Plan._cron_generate_visits()
                self.assertEqual(self.plan.generation_failure_count, 2, "the next day's run tries it again")
            broken_ids.clear()
            with freeze_time("2026-07-03"):
                created = Plan._cron_generate_visits()
        self.assertEqual(created.maintenance_plan_id, self.plan)
        self.assertEqual((self.plan.generation_failure_count, self.plan.generation_error), (0, False))

    def test_cron_commits_progress_in_bounded_batches(self):
        progress = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            progress.append((processed, remaining))
            return 60.0

        with (
            patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress),
            freeze_time("2026-07-01"),
        ):
            created = self.env["svcms.maintenance.plan"].with_context(cron_id=1)._cron_generate_visits(batch_size=1)
        self.assertEqual(len(created), 2)
        self.assertEqual(progress, [(1, 1), (1, 0)])

    def test_maintenance_visits_go_through_the_workflow(self):
        with freeze_time("2026-07-01"):
            visit = self.plan._generate_visits()[0]
        visit.technician_id = self.technician
        tech_visit = visit.with_user(self.tech_user)
        with self.assertRaises(UserError):
            tech_visit.write({"state": "done"})
        tech_visit.action_start()
        with self.assertRaisesRegex(UserError, "must sign"):
            tech_visit.action_done()
        self.assertEqual(visit.state, "in_progress")
        tech_visit.action_customer_sign(SIGNATURE, "测试客户")
        tech_visit.action_done()
        self.assertEqual(visit.state, "done")

    def test_plan_with_visits_is_archived_not_deleted(self):
        with freeze_time("2026-07-01"):
            self.plan._generate_visits()
        with self.assertRaises(UserError):
            self.plan.with_user(self.plan_manager).unlink()
        self.assertTrue(self.plan.exists())
        self.fridge_plan.with_user(self.plan_manager).unlink()
        self.assertFalse(self.fridge_plan.exists())


@tagged("post_install", "-at_install")
class TestRequestIntegrityRpc(RequestIntegrityData, HttpCase):
    """The same rules through XML-RPC: a fault, and nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "远程顾客", "phone": "+86 20 1234 5678"})
        cls.product = cls.env["product.product"].create({"name": "RPC 空调", "type": "consu"})
        cls._setup_integrity_data()
        cls.request = cls._new_request()

    def _call(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def _refused(self, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self._call(user, model, method, *args, **kwargs)
        self.env.invalidate_all()
        return caught.exception.faultString

    def test_workflow_over_rpc(self):
        Request, ids = "svcms.service.request", [self.request.id]
        self.assertIn("workflow buttons", self._refused(self.tech_user, Request, "write", ids, {"state": "done"}))
        self._refused(self.tech_user, Request, "write", ids, {"done_date": "2026-01-01 10:00:00"})
        self._refused(self.tech_user, Request, "write", ids, {"customer_confirmed": True})
        self.assertEqual(
            (self.request.state, self.request.done_date, self.request.customer_confirmed), ("assigned", False, False)
        )
        self.assertTrue(self._call(self.tech_user, Request, "action_start", ids))
        self.env.invalidate_all()
        self.assertEqual(self.request.state, "in_progress")
        self.assertIn("must sign", self._refused(self.tech_user, Request, "action_done", ids))
        self.assertIn("Separation of duties", self._refused(self.tech_user, Request, "action_customer_confirm", ids))
        self.assertEqual((self.request.state, self.request.customer_confirmed), ("in_progress", False))
        self.assertTrue(
            self._call(self.tech_user, Request, "action_customer_sign", ids, SIGNATURE.decode(), "远程顾客")
        )
        self.assertTrue(self._call(self.tech_user, Request, "action_done", ids))
        self._refused(self.tech_user, Request, "action_close", ids)
        self.assertEqual(self.request.state, "done")
        self.assertTrue(self._call(self.office2, Request, "action_close", ids))
        self.env.invalidate_all()
        self.assertEqual((self.request.state, self.request.closed_by_id), ("closed", self.office2))

    def test_create_delete_and_bad_input_over_rpc(self):
        Request = "svcms.service.request"
        count = self.Request.search_count([])
        self._refused(self.office, Request, "create", [{"partner_id": self.customer.id, "state": "closed"}])
        self._refused(self.office, Request, "create", [{"partner_id": self.customer.id, "first_time_fix": True}])
        for default in ({"default_state": "closed"}, {"default_done_date": "2026-01-01 10:00:00"}):
            self._refused(self.office, Request, "create", [{"partner_id": self.customer.id}], context=default)
        result = self._call(
            self.office, Request, "load", ["partner_id/.id", "state"], [[str(self.customer.id), "done"]]
        )
        self.assertFalse(result["ids"])
        self.assertIn("workflow buttons", result["messages"][0]["message"])
        self.assertEqual(self.Request.search_count([]), count)
        self.assertIn("cannot be deleted", self._refused(self.manager, Request, "unlink", [self.request.id]))
        self.assertTrue(self.request.exists())
        message = self._refused(
            self.tech_user,
            "svcms.service.request.part",
            "create",
            [{"request_id": self.request.id, "product_id": self.product.id, "price_unit": -5}],
        )
        self.assertIn("cannot be negative", message)
        self.assertFalse(self.request.part_line_ids)
        self._call(self.tech_user, Request, "action_start", [self.request.id])
        self.env.invalidate_all()
        later = fields.Datetime.to_string(self.request.arrival_date + timedelta(days=1))
        self.assertIn(
            "request date", self._refused(self.office, Request, "write", [self.request.id], {"request_date": later})
        )
        self.assertLess(self.request.request_date, self.request.arrival_date)

    def test_least_privilege_over_rpc(self):
        orders = self.env["sale.order"].create(
            [
                {"partner_id": self.customer.id, "order_line": [Command.create({"product_id": self.product.id})]}
                for _i in range(2)
            ]
        )
        self.request.write({"sale_order_id": orders[0].id, "sale_line_id": orders[0].order_line.id})
        theirs = self._new_request(
            technician=self.technician2, sale_order_id=orders[1].id, sale_line_id=orders[1].order_line.id
        )
        theirs.write({"installation_check_ids": [Command.create({"name": "通电试机"})]})
        [line] = self._call(self.tech_user, "sale.order.line", "read", orders[0].order_line.ids, ["product_id"])
        self.assertEqual(line["product_id"][0], self.product.id)
        self._refused(self.tech_user, "sale.order.line", "read", orders[1].order_line.ids, ["product_id"])
        self._refused(self.tech_user, "sale.order", "read", orders[1].ids, ["name"])
        Request = "svcms.service.request"
        self._refused(self.tech_user, "svcms.installation.check", "read", theirs.installation_check_ids.ids, ["name"])
        self._refused(self.tech_user, Request, "read", [theirs.id], ["name"])
        self._refused(
            self.tech_user, "svcms.installation.check", "write", theirs.installation_check_ids.ids, {"is_done": True}
        )
        self.assertFalse(theirs.installation_check_ids.is_done)
        # no return for this request: the warehouse clerk does not see it
        self._refused(self.stock_user, Request, "read", [self.request.id], ["name", "partner_phone"])
        [office] = self._call(self.office, Request, "read", [self.request.id], ["partner_phone"])
        self.assertEqual(office["partner_phone"], "+86 20 1234 5678")
