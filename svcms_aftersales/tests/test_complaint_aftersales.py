from odoo.addons.svcms_base.tests.common import SlaCase
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

SH = "Asia/Shanghai"


@tagged("post_install", "-at_install")
class TestAftersalesComplaint(SlaCase):
    """After-sales complaint fields live in svcms_aftersales: technician visits, causes, compensations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handler = new_test_user(cls.env, login="as_cmp_handler", groups="svcms_base.group_svcms_user")
        cls.visit_policy = cls._policy(
            "上门 24 小时",
            calendar=cls.always,
            tz=SH,
            hours=24,
            domain="[('onsite_required', '=', True)]",
            metric="on_site",
            stop_states=False,
            stop_event="on_site",
            pause_states="waiting",
            restart_states=False,
            cancel_states="cancelled,resolved,closed",
        )

    def test_technician_visit_meets_the_on_site_commitment(self):
        category = self.env.ref("svcms_base.complaint_category_installation")
        self.assertTrue(category.onsite_required)
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._complaint(category_id=category.id).with_user(self.handler)
        self.assertTrue(complaint.onsite_required)
        line = self.line(complaint, "on_site")
        self.assertEqual(line.state, "running")
        self.assertTrue(complaint.can_register_visit)
        with self.assertRaises(UserError):
            complaint.write({"onsite_date": "2026-03-09 10:00:00"})
        with freeze_time(self.utc("2026-03-09 15:00", SH)):
            self.assertIs(complaint.action_register_visit(), True)
        self.assertEqual(complaint.onsite_date, self.utc("2026-03-09 15:00", SH))
        self.assertEqual(line.state, "met")
        with freeze_time(self.utc("2026-03-09 16:00", SH)):
            complaint.action_register_visit()
        self.assertEqual(complaint.onsite_date, self.utc("2026-03-09 15:00", SH), "the first visit stays recorded")
        complaint.action_cancel()
        with self.assertRaises(UserError):
            complaint.action_register_visit()

    def test_aftersales_causes_compensations_and_references(self):
        complaint = self._complaint().with_user(self.handler)
        complaint.write({"root_cause_category": "installation", "compensation_type": "replacement"})
        self.assertEqual((complaint.root_cause_category, complaint.compensation_type), ("installation", "replacement"))
        models = dict(self.env["svcms.complaint"]._selection_related_record())
        self.assertLessEqual({"stock.lot", "repair.order", "stock.picking"}, set(models))
        self.assertIn("on_site", dict(self.env["svcms.complaint"]._svcms_sla_event_selection()))
