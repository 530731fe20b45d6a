from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import RelationshipCase


@tagged("post_install", "-at_install")
class TestAftersalesKpi(RelationshipCase):
    """The after-sales KPI definitions measure known records correctly."""

    def _definition(self, code):
        return self.env["svcms.kpi.definition"].search([("code", "=", code)])

    def test_registered(self):
        codes = ["return_visit_completion", "return_visit_satisfaction", "recall_completion"]
        self.assertEqual(
            sorted(self.env["svcms.kpi.definition"].search([("code", "in", codes)]).mapped("code")), sorted(codes)
        )

    def test_aftersales_records_are_measurable_and_nothing_else(self):
        Definition = self.env["svcms.kpi.definition"]
        measurable = Definition._svcms_kpi_models()
        aftersales = {
            "svcms.service.request",
            "svcms.return.order",
            "svcms.recall",
            "svcms.recall.line",
            "svcms.return.visit",
        }
        self.assertLessEqual(aftersales, measurable)
        self.assertIn("svcms.complaint", measurable, "svcms_base's own models stay registered")
        # the measuring user reads them, and none of the sales, stock or accounting records around them
        env = Definition._svcms_measuring_env(self.company)
        for model in aftersales:
            self.assertTrue(env[model].has_access("read"), model)
        for model in ("sale.order", "stock.lot", "repair.order", "account.move", "res.partner"):
            self.assertFalse(env[model].has_access("read"), model)

        manager = new_test_user(self.env, login="kpi_as_manager", groups="svcms_base.group_svcms_manager")
        base = {"name": "Orders", "measure": "count", "date_field": "create_date"}
        with self.assertRaises(ValidationError):
            Definition.with_user(manager).create(
                {**base, "code": "as_sale_order", "model_id": self.env["ir.model"]._get_id("sale.order")}
            )
        request_model = self.env["ir.model"]._get_id("svcms.service.request")
        with self.assertRaises(ValidationError):
            Definition.with_user(manager).create(
                {
                    **base,
                    "code": "as_partner_path",
                    "model_id": request_model,
                    "denominator_domain": "[('partner_id.email', '=like', '%@example.com')]",
                }
            )
        self.assertFalse(Definition.search_count([("code", "in", ("as_sale_order", "as_partner_path"))]))
        accepted = Definition.with_user(manager).create(
            {
                **base,
                "code": "as_requests",
                "model_id": request_model,
                "denominator_domain": "[('lot_id', '!=', False)]",
            }
        )
        self.assertEqual(accepted.model_name, "svcms.service.request")

    def test_return_visit_completion_and_satisfaction(self):
        # January 2031: no demo visit lies there.
        Visit = self.env["svcms.return.visit"]
        values = [
            ("done", date(2031, 1, 5), 5),
            ("done", date(2031, 1, 10), 4),
            ("done", date(2031, 1, 20), 3),
            ("missed", date(2031, 1, 25), 0),
            ("planned", date(2031, 1, 28), 0),
            ("done", date(2031, 2, 2), 1),  # next period
        ]
        Visit.create(
            [
                {
                    "name": f"回访 {n}",
                    "partner_id": self.zhang.id,
                    "planned_date": planned,
                    "state": state,
                    "satisfaction": score,
                    "done_date": planned if state == "done" else False,
                }
                for n, (state, planned, score) in enumerate(values)
            ]
        )
        period = (date(2031, 1, 1), date(2031, 2, 1), self.company)
        completion = self._definition("return_visit_completion")._evaluate(*period)
        self.assertEqual(completion, {"value": 75.0, "numerator": 3, "denominator": 4})
        satisfaction = self._definition("return_visit_satisfaction")._evaluate(*period)
        self.assertEqual(satisfaction["value"], 4.0)
        self.assertEqual(satisfaction["denominator"], 3)

    def test_recall_completion(self):
        # A company of its own, so that demo recalls do not count.
        company = self.env["res.company"].create({"name": "召回测试公司"})
        recall = self.env["svcms.recall"].create(
            {"title": "测试召回", "product_id": self.air_conditioner.id, "company_id": company.id, "state": "open"}
        )
        partners = self.env["res.partner"].create([{"name": f"客户{n}"} for n in range(4)])
        lines = self.env["svcms.recall.line"].create(
            [{"recall_id": recall.id, "partner_id": partner.id, "contacted": True} for partner in partners]
        )
        lines[0].action_done()
        today = date.today()
        start = today.replace(day=1)
        end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        result = self._definition("recall_completion")._evaluate(start, end, company)
        self.assertEqual(result, {"value": 25.0, "numerator": 1, "denominator": 4})
        self.assertEqual(recall.progress, 25.0)
