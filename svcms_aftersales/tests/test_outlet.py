from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SIGNATURE, AftersalesRequestsCase


@tagged("post_install", "-at_install")
class TestOutletPerformance(AftersalesRequestsCase):
    """Outlets, technicians' authorisation, performance figures and the request KPIs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._lots(1, "OUT")
        cls._deliver(cls.lot, fields.Datetime.now() - timedelta(days=60))
        cls.state_gd = cls.env.ref("base.state_cn_GD")
        cls.outlet = cls.env["svcms.service.outlet"].create(
            {
                "name": "Outlet A",
                "sequence": 0,
                "coverage_cities": "韶关市, 乐昌市",
                "coverage_state_ids": [(6, 0, cls.state_gd.ids)],
            }
        )
        cls.outlet_b = cls.env["svcms.service.outlet"].create({"name": "Outlet B", "service_area": "rural"})
        cls.technician = cls.env["svcms.technician"].create(
            {
                "name": "Tech A",
                "staff_type": "partner",
                "outlet_id": cls.outlet.id,
                "authorisation_number": "A-1",
                "authorisation_expiry": fields.Date.today() + timedelta(days=10),
            }
        )

    def _finish(self, request):
        request.technician_id = self.technician
        request.action_start()
        request.write({"signature": SIGNATURE})
        request.action_done()

    def test_outlet_found_from_customer_city(self):
        partner = self.env["res.partner"].create({"name": "韶关顾客", "city": "乐昌市"})
        request = self.env["svcms.service.request"].create({"partner_id": partner.id})
        self.assertEqual(request.outlet_id, self.outlet)
        province_only = self.env["res.partner"].create({"name": "省内顾客", "state_id": self.state_gd.id})
        self.assertEqual(self.env["svcms.service.outlet"]._find_for_partner(province_only), self.outlet)

    def test_performance_figures(self):
        Request = self.env["svcms.service.request"]
        values = {"partner_id": self.customer.id, "lot_id": self.lot.id, "outlet_id": self.outlet.id}
        # the 2-hour response promise: the late one was received 5 hours before anyone responded
        five_hours_ago = fields.Datetime.now() - timedelta(hours=5)
        on_time, late, _open = Request.create([values, {**values, "request_date": five_hours_ago}, values])
        self._finish(on_time)
        self._finish(late)
        self.assertTrue(on_time.response_on_time)
        self.assertFalse(late.response_on_time)
        on_time.action_close()
        _open.technician_id = self.technician
        on_time.rating_apply(4, token=on_time.rating_ids.access_token)
        outlets = self.outlet | self.outlet_b
        outlets.invalidate_recordset()
        with self.assertQueryCount(6):
            figures = [(o.request_count, o.on_time_rate, o.average_rating) for o in outlets]
        self.assertEqual(figures, [(2, 50.0, 4.0), (0, 0.0, 0.0)])
        self.assertEqual(self.technician.open_request_count, 1)

    def test_expired_authorisation_is_searchable_and_refused(self):
        Technician = self.env["svcms.technician"]
        self.assertIn(self.technician, Technician.search([("authorisation_valid", "=", True)]))
        self.technician.authorisation_expiry = fields.Date.today() - timedelta(days=1)
        self.assertIn(self.technician, Technician.search([("authorisation_valid", "=", False)]))
        with self.assertRaisesRegex(UserError, "Tech A"):
            self.technician._check_assignable()
        self.technician.authorisation_number = False
        with self.assertRaisesRegex(UserError, "authorisation number"):
            self.technician._check_assignable()

    def test_employee_technician_needs_employee(self):
        with self.assertRaises(UserError):
            self.env["svcms.technician"].create({"name": "No employee", "staff_type": "employee"})

    def test_technician_cannot_edit_outlets_or_technicians(self):
        tech_user = self._user("outlet_tech", "svcms_aftersales.group_aftersales_technician")
        self.outlet.with_user(tech_user).read(["name"])
        with self.assertRaises(AccessError):
            self.outlet.with_user(tech_user).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.technician.with_user(tech_user).write({"authorisation_expiry": fields.Date.today()})

    def test_kpi_definitions_measure_requests(self):
        Request = self.env["svcms.service.request"]
        today = fields.Date.today()

        def kpi(xmlid):
            definition = self.env.ref(f"svcms_aftersales.{xmlid}")
            return definition._evaluate(today - timedelta(days=1), today + timedelta(days=1), self.env.company)

        before = {
            code: kpi(f"kpi_def_request_{code}") for code in ("response_on_time", "first_time_fix", "repair_turnaround")
        }
        now = fields.Datetime.now()
        values = {"partner_id": self.customer.id, "lot_id": self.lot.id, "request_type": "repair_carry_in"}
        first, repeat, parts = Request.create(
            [
                {**values, "request_date": now - timedelta(hours=1)},
                {**values, "request_date": now - timedelta(hours=5)},
                {**values, "lot_id": False, "request_date": now},
            ]
        )
        self._finish(first)
        self._finish(repeat)
        parts.action_start()
        parts.action_wait_parts()
        parts.action_done()
        # "repeat" came 5 hours ago, so "first" (1 hour ago) repeats it: only "repeat" was fixed first time,
        # and "repeat" was answered late
        self.assertEqual((first.first_time_fix, repeat.first_time_fix, parts.first_time_fix), (False, True, False))

        def delta(code, key):
            return kpi(f"kpi_def_request_{code}")[key] - before[code][key]

        self.assertEqual((delta("response_on_time", "numerator"), delta("response_on_time", "denominator")), (2, 3))
        self.assertEqual((delta("first_time_fix", "numerator"), delta("first_time_fix", "denominator")), (1, 3))
        self.assertGreater(kpi("kpi_def_request_repair_turnaround")["value"], 0)
