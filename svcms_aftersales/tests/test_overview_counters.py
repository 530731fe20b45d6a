"""After-sales counters on the overview card of a GB/T 27922 management system (issue #13 §5)."""

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user

from .common import OperationsDataMixin

COUNTERS = [
    "aftersales_open_request_count",
    "aftersales_sla_alert_count",
    "aftersales_inspection_count",
    "aftersales_open_recall_count",
    "aftersales_recall_progress",
]


class TestOverviewCounters(OperationsDataMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()
        cls.other_company = cls.env["res.company"].create({"name": "佛山测试售后有限公司"})
        System = cls.env["svcms.management.system"]
        cls.system = System.create({"name": "测试售后服务体系", "code": "TASC", "standard": "gbt27922"})
        cls.it_system = System.create({"name": "测试IT服务体系", "code": "TITS", "standard": "iso20000"})
        cls.other_system = System.create(
            {"name": "分公司售后服务体系", "code": "TASC", "standard": "gbt27922", "company_id": cls.other_company.id}
        )
        cls.company_ids = [cls.company.id, cls.other_company.id]
        cls.user = new_test_user(
            cls.env,
            login="overview_aftersales",
            groups="svcms_aftersales.group_aftersales_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company_ids)],
        )
        # A resolution target of its own, first in line, so every new request has a clock.
        cls.env["svcms.sla.policy"].create(
            {
                "name": "测试修复承诺",
                "sequence": 1,
                "res_model": "svcms.service.request",
                "calendar_id": cls.env.ref("resource.resource_calendar_std").id,
                "tz": "Asia/Shanghai",
                "domain": "[]",
                "target_ids": [
                    Command.create(
                        {
                            "name": "72 小时修复",
                            "metric": "resolution",
                            "duration": 72.0,
                            "stop_states": "done,closed",
                            "cancel_states": "cancelled",
                        }
                    )
                ],
            }
        )

    def _counters(self, systems):
        self.env.invalidate_all()
        systems = systems.with_user(self.user).with_context(allowed_company_ids=self.company_ids)
        return {system.id: {name: system[name] for name in COUNTERS} for system in systems}

    def _request(self, **values):
        return self.env["svcms.service.request"].create({"partner_id": self.customer.id, **values})

    def test_counters_count_the_company_of_a_gbt27922_system(self):
        before = self._counters(self.system)[self.system.id]

        # open requests: two open, one cancelled; SLA: one breached, one at risk, one on track
        breached, at_risk, on_track = self._request(), self._request(), self._request()
        cancelled = self._request()
        cancelled.state = "cancelled"
        for request, values in ((breached, {"breached": True, "state": "breached"}), (at_risk, {"warning_sent": True})):
            self.assertTrue(request.sla_line_ids, "the test policy gives every request a clock")
            request.sla_line_ids.sudo().write(values)
        self.assertEqual((breached | at_risk | on_track).mapped("sla_status"), ["breached", "warning", "on_track"])

        # a return received into inspection
        _order, delivery, _invoice = self._sell_and_deliver(self.appliance, self.lot_1)
        return_order = self.env["svcms.return.order"].create(
            {
                "partner_id": self.customer.id,
                "picking_id": delivery.id,
                "product_id": self.appliance.id,
                "lot_id": self.lot_1.id,
                "reason": "七日内无理由退货",
            }
        )
        return_order.action_create_return()
        return_order.action_receive()
        self.assertEqual(return_order.state, "received")

        after = self._counters(self.system)[self.system.id]
        self.assertEqual(after["aftersales_open_request_count"] - before["aftersales_open_request_count"], 3)
        self.assertEqual(after["aftersales_sla_alert_count"] - before["aftersales_sla_alert_count"], 2)
        self.assertEqual(after["aftersales_inspection_count"] - before["aftersales_inspection_count"], 1)

        # the IT system has no after-sales counters; the branch's system counts only its own company
        counters = self._counters(self.it_system | self.other_system)
        self.assertEqual(set(counters[self.it_system.id].values()), {0})
        self.assertEqual(set(counters[self.other_system.id].values()), {0})

    def test_recall_completion_of_the_recalls_in_progress(self):
        Recall = self.env["svcms.recall"].with_company(self.other_company)
        partners = self.env["res.partner"].create([{"name": f"召回客户 {i}"} for i in range(4)])
        open_recall, finished_recall = Recall.create(
            [
                {"title": "测试召回：电源板过热", "product_id": self.appliance.id, "company_id": self.other_company.id},
                {"title": "测试召回：已结束", "product_id": self.appliance.id, "company_id": self.other_company.id},
            ]
        )
        lines = self.env["svcms.recall.line"].create(
            [{"recall_id": open_recall.id, "partner_id": partner.id} for partner in partners]
            + [{"recall_id": finished_recall.id, "partner_id": partner.id} for partner in partners[:2]]
        )
        open_recall.state = "open"
        finished_recall.state = "done"
        lines[0].state = "done"

        counters = self._counters(self.other_system)[self.other_system.id]
        self.assertEqual(counters["aftersales_open_recall_count"], 1)
        self.assertEqual(counters["aftersales_recall_progress"], 25.0, "1 of the 4 customers of the open recall")

        action = (
            self.other_system.with_user(self.user)
            .with_context(allowed_company_ids=self.company_ids, overview_counter="aftersales_recall_progress")
            .action_open_aftersales_records()
        )
        self.assertEqual(action["res_model"], "svcms.recall")
        recalls = self.env["svcms.recall"].search(action["domain"])
        self.assertEqual(recalls, open_recall)

    def test_counter_opens_the_filtered_list(self):
        request = self._request()
        action = (
            self.system.with_user(self.user)
            .with_context(overview_counter="aftersales_open_request_count")
            .action_open_aftersales_records()
        )
        self.assertEqual(action["res_model"], "svcms.service.request")
        found = self.env["svcms.service.request"].search(action["domain"])
        self.assertIn(request, found)
        self.assertEqual(found.company_id, self.company)
        self.assertFalse(found.filtered(lambda r: r.state in ("done", "closed", "cancelled")))
        unknown = self.system.with_context(overview_counter="name").action_open_aftersales_records()
        self.assertFalse(unknown)

    def test_query_count_does_not_grow_with_the_number_of_systems(self):
        System = self.env["svcms.management.system"]
        many = self.system | self.other_system | self.it_system
        for index in range(5):
            many |= System.create(
                {
                    "name": f"测试售后体系 {index}",
                    "code": f"TQ{index}",
                    "standard": "gbt27922",
                    "company_id": self.company_ids[index % 2],
                }
            )
        self._request()
        # warm the user's access and rule caches, then count the counters alone
        many.with_user(self.user).with_context(allowed_company_ids=self.company_ids).read(COUNTERS)
        queries = []
        for systems in (self.system, many):
            systems = systems.with_user(self.user).with_context(allowed_company_ids=self.company_ids)
            self.env.invalidate_all()
            with self.assertQueryCount(6):
                before = self.env.cr.sql_log_count
                systems.read(COUNTERS)
                queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "8 systems cost as many queries as 1")

    def test_counters_are_for_after_sales_users_only(self):
        reader = new_test_user(self.env, login="overview_sms_reader", groups="svcms_base.group_svcms_user")
        with self.assertRaises(AccessError):
            self.system.with_user(reader).read(["aftersales_open_request_count"])
        view = self.env.ref("svcms_base.svcms_management_system_view_kanban_overview")
        arch = self.env["svcms.management.system"].with_user(reader).get_view(view.id, "kanban")["arch"]
        self.assertNotIn("aftersales_open_request_count", arch)
        arch = self.env["svcms.management.system"].with_user(self.user).get_view(view.id, "kanban")["arch"]
        self.assertIn("aftersales_open_request_count", arch)
