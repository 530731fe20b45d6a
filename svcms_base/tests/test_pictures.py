"""Pictures where people look: a chart per KPI, the risk heat map, the RACI grid (issue #13 §5)."""

import xmlrpc.client
from datetime import date

from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged


class TestKpiChart(TransactionCase):
    """The chart data of KPIs: one series per KPI, its own unit, target and direction, from one search."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kpi = cls.env["svcms.kpi"]
        cls.Measurement = cls.env["svcms.kpi.measurement"]
        cls.rate = cls.Kpi.create(
            {
                "name": "投诉处理及时率",
                "unit": "%",
                "target": 95.0,
                "direction": "higher",
                "frequency": "monthly",
                "date_start": date(2025, 1, 1),
            }
        )
        cls.repair_time = cls.Kpi.create(
            {
                "name": "平均修复时长",
                "unit": "hours",
                "target": 48.0,
                "direction": "lower",
                "frequency": "quarterly",
                "date_start": date(2025, 1, 1),
            }
        )
        cls.unmeasured = cls.Kpi.create({"name": "新指标", "unit": "次", "target": 3.0})
        cls.Measurement.create(
            [
                # out of order on purpose: the chart draws them oldest first
                {"kpi_id": cls.rate.id, "period_start": date(2025, 2, 10), "value": 96.0},
                {"kpi_id": cls.rate.id, "period_start": date(2025, 1, 1), "value": 92.0},
                {"kpi_id": cls.rate.id, "period_start": date(2025, 3, 1), "value": 0.0, "has_value": False},
                {"kpi_id": cls.repair_time.id, "period_start": date(2025, 5, 1), "value": 40.0},
                {"kpi_id": cls.repair_time.id, "period_start": date(2025, 1, 1), "value": 50.0},
            ]
        )

    def test_one_series_per_kpi_with_its_target(self):
        kpis = self.rate | self.repair_time | self.unmeasured
        series = kpis._get_chart_series()
        self.assertEqual(set(series), set(kpis.ids), "one series per KPI, the unmeasured one included")

        rate = series[self.rate.id]
        self.assertEqual((rate["name"], rate["unit"], rate["target"]), ("投诉处理及时率", "%", 95.0))
        self.assertEqual(rate["direction"], "higher")
        self.assertEqual(rate["direction_label"], "Higher is better")
        self.assertEqual([p["label"] for p in rate["points"]], ["2025-01", "2025-02", "2025-03"])
        self.assertEqual([p["value"] for p in rate["points"]], [92.0, 96.0, None], "no value: a gap, not a zero")
        self.assertEqual([p["target"] for p in rate["points"]], [95.0, 95.0, 95.0])
        self.assertEqual([p["on_target"] for p in rate["points"]], [False, True, False])

        repair = series[self.repair_time.id]
        self.assertEqual((repair["unit"], repair["target"], repair["direction"]), ("hours", 48.0, "lower"))
        self.assertEqual([p["label"] for p in repair["points"]], ["2025 Q1", "2025 Q2"])
        self.assertEqual([p["value"] for p in repair["points"]], [50.0, 40.0])
        self.assertEqual([p["on_target"] for p in repair["points"]], [False, True], "lower is better")

        self.assertEqual(series[self.unmeasured.id]["points"], [])
        self.assertEqual(series[self.unmeasured.id]["target"], 3.0)

    def test_each_point_keeps_the_target_it_was_judged_on(self):
        self.rate.target = 90.0
        rate = self.rate._get_chart_series()[self.rate.id]
        self.assertEqual(rate["target"], 90.0)
        self.assertEqual([p["target"] for p in rate["points"]], [95.0, 95.0, 95.0])

    def test_chart_is_limited_to_the_last_periods(self):
        self.Measurement.create(
            [
                {"kpi_id": self.rate.id, "period_start": date(2023 + month // 12, month % 12 + 1, 1), "value": month}
                for month in range(12)
            ]
        )
        points = self.rate._get_chart_series(limit=5)[self.rate.id]["points"]
        self.assertEqual([p["label"] for p in points], ["2023-11", "2023-12", "2025-01", "2025-02", "2025-03"])

    def test_chart_data_of_many_kpis_costs_the_same_queries_as_one(self):
        kpis = self.rate | self.repair_time
        for index in range(6):
            kpi = self.Kpi.create(
                {"name": f"指标 {index}", "unit": "%", "target": 90.0, "date_start": date(2025, 1, 1)}
            )
            self.Measurement.create(
                [{"kpi_id": kpi.id, "period_start": date(2025, month, 1), "value": 80.0 + month} for month in (1, 2, 3)]
            )
            kpis |= kpi
        user = new_test_user(self.env, login="pictures_kpi_reader", groups="svcms_base.group_svcms_user")
        kpis.with_user(user).web_read({"name": {}, "chart_data": {}})  # warm the user's access caches
        counts = []
        for batch in (kpis[:1], kpis):
            batch = batch.with_user(user)
            self.env.invalidate_all()
            with self.assertQueryCount(3):
                before = self.env.cr.sql_log_count
                result = batch.web_read({"name": {}, "chart_data": {}})
                counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(result), len(batch))
            self.assertTrue(all(record["chart_data"]["kpi_id"] == record["id"] for record in result))
        self.assertEqual(counts[0], counts[1], "the chart data of 8 KPIs takes as many queries as that of 1")
        by_id = {record["id"]: record["chart_data"] for record in result}
        self.assertEqual(len(by_id[kpis[-1].id]["points"]), 3)

    def test_kpi_views_show_the_chart(self):
        form = self.Kpi.get_view(self.env.ref("svcms_base.svcms_kpi_view_form").id, "form")["arch"]
        self.assertIn('widget="svcms_kpi_chart"', form)
        kanban = self.Kpi.get_view(self.env.ref("svcms_base.svcms_kpi_view_kanban").id, "kanban")["arch"]
        self.assertIn('widget="svcms_kpi_chart"', kanban)
        self.assertIn("sparkline", kanban)
        action = self.env.ref("svcms_base.svcms_kpi_measurement_action")
        self.assertEqual(action.view_mode.split(",")[0], "list")
        self.assertNotIn("graph", action.view_mode, "no graph stacking KPIs of different units")
        self.assertIn("search_default_group_kpi", action.context)


@tagged("post_install", "-at_install")
class TestPicturesUi(HttpCase):
    """The heat map and the RACI grid in the browser, as users without administrator rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="pictures_user", groups="base.group_user,svcms_base.group_svcms_user")
        cls.manager = new_test_user(
            cls.env, login="pictures_manager", groups="base.group_user,svcms_base.group_svcms_manager"
        )

    # ------------------------------------------------------------------ risk heat map
    def test_heat_map_tour(self):
        System = self.env["svcms.management.system"]
        system = System.create({"name": "TOUR图片体系", "code": "TPIC", "standard": "gbt27922"})
        other = System.create({"name": "TOUR他系统", "code": "TPIO", "standard": "iso20000"})
        Risk = self.env["svcms.risk"]
        high = Risk.create(
            {"name": "TOUR高风险：备件断供", "management_system_id": system.id, "likelihood": "4", "impact": "3"}
        )
        Risk.create({"name": "TOUR低风险", "management_system_id": system.id, "likelihood": "1", "impact": "2"})
        Risk.create({"name": "TOUR他系统风险", "management_system_id": other.id, "likelihood": "4", "impact": "3"})
        self.assertEqual(high.level, "high")
        self.start_tour("/odoo/svcms-risk-heat-map", "svcms_base_risk_heat_map_tour", login=self.user.login)

    # ------------------------------------------------------------------ RACI grid
    def _raci_data(self):
        system = self.env["svcms.management.system"].create({"name": "TOUR职责体系", "code": "TRACI"})
        Department = self.env["hr.department"]
        first, second = Department.create([{"name": "TOUR部门一"}, {"name": "TOUR部门二"}])
        manager_job = self.env["hr.job"].create({"name": "TOUR岗位经理"})
        Process = self.env["svcms.process"]
        process, other = Process.create(
            [
                {
                    "name": "TOUR流程一",
                    "sequence": 1,
                    "management_system_id": system.id,
                    "raci_line_ids": [
                        Command.create({"job_id": manager_job.id, "raci": "A"}),
                        Command.create({"department_id": first.id, "raci": "R"}),
                    ],
                },
                {
                    "name": "TOUR流程二",
                    "sequence": 2,
                    "management_system_id": system.id,
                    "raci_line_ids": [
                        Command.create({"job_id": manager_job.id, "raci": "A"}),
                        Command.create({"department_id": second.id, "raci": "C"}),
                    ],
                },
            ]
        )
        return process, other, first, second, manager_job

    def _roles(self, process):
        return {(line.department_id or line.job_id).name: line.raci for line in process.raci_line_ids}

    def test_raci_grid_tour(self):
        process, other, first, second, manager_job = self._raci_data()
        self.start_tour("/odoo/svcms-raci", "svcms_base_raci_grid_tour", login=self.manager.login)
        process.invalidate_recordset()
        self.assertEqual(
            self._roles(process),
            {"TOUR岗位经理": "R", "TOUR部门一": "A", "TOUR部门二": "R"},
            "the R set in the grid is a new line; the A moved from the job to the first department",
        )
        created = process.raci_line_ids.filtered(lambda line: line.department_id == second)
        self.assertEqual(created.create_uid, self.manager)
        self.assertEqual(self._roles(other), {"TOUR岗位经理": "A", "TOUR部门二": "C"})

        # The refusal through RPC: a second Accountable is not written.
        job_line = process.raci_line_ids.filtered(lambda line: line.job_id == manager_job)
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.manager.id,
                self.manager.login,
                "svcms.raci.line",
                "write",
                [job_line.ids, {"raci": "A"}],
            )
        job_line.invalidate_recordset()
        self.assertEqual(job_line.raci, "R")

    def test_raci_grid_is_read_only_without_write_access(self):
        process, _other, _first, second, _job = self._raci_data()
        self.start_tour("/odoo/svcms-raci", "svcms_base_raci_grid_readonly_tour", login=self.user.login)
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.user.id,
                self.user.login,
                "svcms.raci.line",
                "create",
                [{"process_id": process.id, "department_id": second.id, "raci": "I"}],
            )
        process.invalidate_recordset()
        self.assertEqual(self._roles(process), {"TOUR岗位经理": "A", "TOUR部门一": "R"})

    def test_menus_open_the_pictures(self):
        heat_map = self.env.ref("svcms_base.menu_svcms_risk_heat_map").action
        self.assertEqual((heat_map._name, heat_map.tag), ("ir.actions.client", "svcms_risk_heat_map"))
        raci = self.env.ref("svcms_base.menu_svcms_raci_line").action
        self.assertEqual((raci._name, raci.tag), ("ir.actions.client", "svcms_raci_grid"))
        # the spreadsheet stays reachable from the grid's system
        system = self.env["svcms.management.system"].create({"name": "XLSX体系", "code": "TXLSX"})
        self.authenticate(self.manager.login, self.manager.login)
        response = self.url_open(f"/svcms/raci/xlsx?system_id={system.id}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "an XLSX (zip) file")
