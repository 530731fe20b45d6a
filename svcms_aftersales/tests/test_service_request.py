from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SIGNATURE, AftersalesRequestsCase


@tagged("post_install", "-at_install")
class TestServiceRequest(AftersalesRequestsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["svcms.service.request"]
        cls.lot_new, cls.lot_old = cls._lots(2, "SR")
        now = fields.Datetime.now()
        cls._deliver(cls.lot_new, now - timedelta(days=3))
        cls._deliver(cls.lot_old, now - timedelta(days=100))
        cls.outlet_city = cls.env["svcms.service.outlet"].create(
            {"name": "City outlet", "service_area": "city", "coverage_cities": "测试市"}
        )
        cls.outlet_rural = cls.env["svcms.service.outlet"].create(
            {"name": "Rural outlet", "service_area": "rural", "outlet_type": "contracted"}
        )
        cls.tech_user = cls._user("sr_tech", "svcms_aftersales.group_aftersales_technician")
        cls.technician = cls.env["svcms.technician"].create(
            {
                "name": "Partner tech",
                "staff_type": "partner",
                "outlet_id": cls.outlet_city.id,
                "user_id": cls.tech_user.id,
                "authorisation_number": "AUTH-1",
                "authorisation_expiry": fields.Date.today() + timedelta(days=30),
            }
        )

    def _request(self, **values):
        return self.Request.create(
            {
                "partner_id": self.customer.id,
                "request_type": "repair_onsite",
                "lot_id": self.lot_old.id,
                "product_id": self.product.id,
                "outlet_id": self.outlet_city.id,
                **values,
            }
        )

    # ------------------------------------------------------------------ entitlement
    def test_entitlement_is_applied_from_the_serial(self):
        fresh = self._request(lot_id=self.lot_new.id)
        self.assertEqual(fresh.entitlement, "return")
        self.assertTrue(fresh.under_warranty)
        old = self._request()
        self.assertEqual(old.entitlement, "free_repair")
        self.assertTrue(old.under_warranty)
        old.request_date = fields.Datetime.now() + timedelta(days=400)
        self.assertEqual(old.entitlement, "paid_repair")
        self.assertFalse(old.under_warranty)

    def test_form_fills_product_and_sale_line_from_serial(self):
        form = Form(self.Request)
        form.partner_id = self.customer
        form.lot_id = self.lot_old
        self.assertEqual(form.product_id, self.product)
        self.assertEqual(form.sale_line_id.product_id, self.product)
        self.assertEqual(form.entitlement, "free_repair")
        request = form.save()
        self.assertEqual(request.outlet_id, self.outlet_city.browse(), "customer city not covered by any outlet")

    def test_serial_domain_lists_the_customers_delivered_serials(self):
        lots = self.env["stock.lot"].search([("partner_ids", "in", [self.customer.id])])
        self.assertIn(self.lot_new, lots)
        self.assertNotIn(self.lot_new, self.env["stock.lot"].search([("partner_ids", "in", [self.other_customer.id])]))

    # ------------------------------------------------------------------ assignment
    def test_assignment_refused_without_valid_certification(self):
        """马超's 上岗证 expired (svcms_base competence requirement REQ-INSTALL of his job)."""
        ma_chao = self.env.ref("svcms_aftersales.technician_ma_chao")
        request = self._request()
        with self.assertRaisesRegex(UserError, ma_chao.employee_id.name):
            request.technician_id = ma_chao
        self.assertFalse(request.technician_id)
        with self.assertRaises(UserError):
            self._request(technician_id=ma_chao.id)
        zhang_wei = self.env.ref("svcms_aftersales.technician_zhang_wei")
        request.technician_id = zhang_wei
        request.action_assign()
        self.assertEqual(request.state, "assigned")

    def test_assignment_refused_when_authorisation_expired(self):
        self.technician.authorisation_expiry = fields.Date.today() - timedelta(days=1)
        self.assertFalse(self.technician.authorisation_valid)
        with self.assertRaisesRegex(UserError, "expired"):
            self._request(technician_id=self.technician.id)

    # ------------------------------------------------------------------ lifecycle
    def test_lifecycle_to_closure_with_report_rating_and_kpis(self):
        request = self._request(technician_id=self.technician.id)
        self.assertEqual(request.state, "assigned")
        request.action_start()
        self.assertEqual(request.state, "in_progress")
        self.assertTrue(request.arrival_date)
        request.write(
            {
                "part_line_ids": [
                    fields.Command.create(
                        {"product_id": self.product.id, "quantity": 1, "price_unit": 50, "free_of_charge": True}
                    )
                ],
                "labour_hours": 1.5,
                "resolution": "<p>更换主控板</p>",
            }
        )
        with self.assertRaisesRegex(UserError, "sign"):
            request.action_done()
        request.write({"signature": SIGNATURE, "signed_by": "王五"})
        request.action_done()
        self.assertEqual(request.state, "done")
        self.assertTrue(request.first_time_fix)
        self.assertTrue(request.response_on_time)
        self.assertGreaterEqual(request.turnaround_hours, 0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("svcms_aftersales.report_service_request", request.ids)[0]
            .decode()
        )
        self.assertIn(self.lot_old.name, html)
        self.assertIn("更换主控板", html)
        self.assertIn("Test AC", html)
        request.action_close()
        self.assertEqual(request.state, "closed")
        self.assertTrue(request.close_date)
        rating = request.rating_ids
        self.assertEqual(len(rating), 1, "closing asks the customer for a rating")
        request.rating_apply(5, token=rating.access_token)
        self.assertEqual(request.rating_last_value, 5)
        self.assertEqual(self.outlet_city.average_rating, 5)
        self.assertEqual(self.outlet_city.request_count, 1)
        with self.assertRaises(UserError):
            request.action_start()

    def test_waiting_for_parts_is_not_a_first_time_fix(self):
        request = self._request(request_type="repair_carry_in", technician_id=self.technician.id)
        request.action_start()
        request.action_wait_parts()
        request.action_start()
        request.action_done()
        self.assertFalse(request.first_time_fix)

    def test_rural_outlet_gets_longer_on_site_target(self):
        city = self._request()
        rural = self._request(outlet_id=self.outlet_rural.id)
        self.assertEqual((city.service_area, rural.service_area), ("city", "rural"))

        def on_site(request):
            return request.sla_line_ids.filtered(lambda line: line.metric == "on_site").target_id.duration

        self.assertEqual(on_site(city), 24)
        self.assertEqual(on_site(rural), 72)

    def test_email_intake_creates_request(self):
        request = self.Request.message_new(
            {
                "email_from": "新顾客 <new.customer@example.com>",
                "subject": "空调不制冷",
                "body": "<p>空调不制冷，请派人上门</p>",
            }
        )
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.partner_id.email, "new.customer@example.com")
        self.assertIn("不制冷", str(request.description))

    # ------------------------------------------------------------------ security
    def test_technician_sees_only_own_assignments(self):
        mine = self._request(technician_id=self.technician.id)
        other = self._request()
        visible = self.Request.with_user(self.tech_user).search([("id", "in", (mine | other).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            other.with_user(self.tech_user).read(["name"])
        with self.assertRaises(AccessError):
            self.Request.with_user(self.tech_user).create({"partner_id": self.customer.id})
        mine.with_user(self.tech_user).action_start()
        self.assertEqual(mine.state, "in_progress")
        # the technician fills the on-site report in the form (every field of the view is readable)
        with Form(mine.with_user(self.tech_user)) as form:
            form.labour_hours = 2
            self.assertEqual(form.warranty_status, "in_warranty")
        self.assertEqual(mine.labour_hours, 2)

    def test_user_sees_all_but_not_other_companies(self):
        user = self._user("sr_user", "svcms_aftersales.group_aftersales_user")
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.Request.create({"partner_id": self.customer.id, "company_id": other_company.id})
        mine = self._request()
        visible = self.Request.with_user(user).search([("id", "in", (mine | foreign).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            mine.with_user(user).unlink()

    def test_parts_and_policies_follow_request_and_company_rules(self):
        mine = self._request(technician_id=self.technician.id)
        other = self._request()
        part_values = {"product_id": self.product.id, "quantity": 1}
        (mine | other).write({"part_line_ids": [fields.Command.create(part_values)]})
        Part = self.env["svcms.service.request.part"].with_user(self.tech_user)
        self.assertEqual(Part.search([("request_id", "in", (mine | other).ids)]), mine.part_line_ids)
        with self.assertRaises(AccessError):
            other.part_line_ids.with_user(self.tech_user).read(["quantity"])
        other_company = self.env["res.company"].create({"name": "Policy Co"})
        foreign_policy = self.env["svcms.warranty.policy"].create(
            {"name": "Foreign", "company_id": other_company.id, "categ_id": self.categ.id}
        )
        manager = self._user("sr_manager", "svcms_aftersales.group_aftersales_manager")
        policies = self.env["svcms.warranty.policy"].with_user(manager).search([("categ_id", "=", self.categ.id)])
        self.assertEqual(policies, self.policy)
        self.assertNotIn(foreign_policy, policies)

    def test_plain_employee_cannot_read_requests(self):
        employee = self._user("sr_employee", "base.group_user")
        with self.assertRaises(AccessError):
            self._request().with_user(employee).read(["name"])

    def test_only_managers_configure_policies(self):
        user = self._user("sr_user2", "svcms_aftersales.group_aftersales_user")
        with self.assertRaises(AccessError):
            self.policy.with_user(user).write({"return_days": 30})
        with self.assertRaises(AccessError):
            self.outlet_city.with_user(user).write({"name": "x"})

    # ------------------------------------------------------------------ performance
    def test_request_list_query_count(self):
        requests = self.Request.create(
            [
                {"partner_id": self.customer.id, "lot_id": self.lot_old.id, "outlet_id": self.outlet_city.id}
                for _i in range(100)
            ]
        )
        many2ones = ("partner_id", "product_id", "lot_id", "outlet_id", "technician_id", "company_id")
        plain = (
            "name",
            "request_date",
            "request_type",
            "channel",
            "entitlement",
            "sla_status",
            "sla_deadline",
            "state",
        )
        spec = {name: {"fields": {"display_name": {}}} for name in many2ones} | {name: {} for name in plain}
        for batch in (requests[:10], requests):
            self.env.invalidate_all()
            with self.assertQueryCount(12):
                result = self.Request.web_search_read([("id", "in", batch.ids)], spec)
            self.assertEqual(result["length"], len(batch))
