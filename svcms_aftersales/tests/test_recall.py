from datetime import date, datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RelationshipCase


@tagged("post_install", "-at_install")
class TestRecallCustomers(RelationshipCase):
    """The recall search finds exactly the customers who hold an affected unit today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ac_lots = cls._create_lots(cls.air_conditioner, [f"RC-AC-{n:04d}" for n in range(1, 6)])
        cls.fridge_lot = cls._create_lots(cls.fridge, ["RC-RF-0001"])
        ac1, ac2, ac3, ac4, _ac5 = cls.ac_lots
        cls._transfer(cls.air_conditioner, ac1 | ac2, cls.zhang)
        cls._transfer(cls.air_conditioner, ac3, cls.li)
        cls._transfer(cls.air_conditioner, ac4, cls.wang)
        # Wang sent his unit back: it is in our warehouse, not at a customer's.
        cls._transfer(cls.air_conditioner, ac4, cls.wang, returned=True)
        # Zhang also owns a fridge, which is not recalled.
        cls._transfer(cls.fridge, cls.fridge_lot, cls.zhang)

    def _recall(self, **values):
        return (
            self.env["svcms.recall"]
            .with_user(self.as_user)
            .create(
                {
                    "title": "压缩机继电器过热",
                    "product_id": self.air_conditioner.id,
                    "lot_ids": [(6, 0, self.ac_lots.ids)],
                    **values,
                }
            )
        )

    def _customers(self, recall):
        return {line.partner_id: set(line.lot_ids.mapped("name")) for line in recall.line_ids}

    def test_serial_recall_lists_customers_holding_units(self):
        recall = self._recall()
        recall.action_find_customers()
        self.assertEqual(
            self._customers(recall),
            {self.zhang: {"RC-AC-0001", "RC-AC-0002"}, self.li: {"RC-AC-0003"}},
            "Wang returned his unit and RC-AC-0005 was never delivered: neither is a customer to contact.",
        )
        self.assertEqual(recall.returned_lot_ids.mapped("name"), ["RC-AC-0004"])
        self.assertNotIn(self.fridge_lot, recall.line_ids.lot_ids)

    def test_search_again_completes_lines_without_duplicates(self):
        recall = self._recall()
        recall.action_open()
        self.assertEqual(recall.state, "open")
        ac5 = self.ac_lots[4]
        self._transfer(self.air_conditioner, ac5, self.li)
        recall.action_find_customers()
        self.assertEqual(len(recall.line_ids), 2)
        self.assertEqual(self._customers(recall)[self.li], {"RC-AC-0003", "RC-AC-0005"})

    def test_production_date_range(self):
        ac1, ac2, ac3, ac4, ac5 = self.ac_lots
        self._set_lot_created(ac1, datetime(2026, 1, 10, 8, 0))
        self._set_lot_created(ac3 | ac4, datetime(2026, 3, 31, 23, 0))
        self._set_lot_created(ac2 | ac5, datetime(2026, 4, 1, 0, 0))
        recall = self._recall(
            scope="production_dates",
            lot_ids=[(5, 0, 0)],
            production_date_from=date(2026, 1, 1),
            production_date_to=date(2026, 3, 31),
        )
        recall.action_find_customers()
        self.assertEqual(self._customers(recall), {self.zhang: {"RC-AC-0001"}, self.li: {"RC-AC-0003"}})
        self.assertEqual(recall.returned_lot_ids, ac4)

    def test_production_range_must_be_valid(self):
        with self.assertRaises(ValidationError):
            self._recall(scope="production_dates", production_date_from=date(2026, 3, 1), production_date_to=False)
        with self.assertRaises(ValidationError):
            self._recall(
                scope="production_dates", production_date_from=date(2026, 3, 1), production_date_to=date(2026, 2, 1)
            )

    def test_search_is_one_query_whatever_the_number_of_serials(self):
        small = self._recall(lot_ids=[(6, 0, self.ac_lots[:1].ids)])
        large = self._recall()
        for recall in (small, large):
            recall.lot_ids.mapped("name")
            self.env.flush_all()
            with self.assertQueryCount(1):
                recall._search_affected_units()

    def test_notify_and_progress(self):
        recall = self._recall()
        recall.action_open()
        self.assertEqual((recall.line_count, recall.done_count, recall.progress), (2, 0, 0.0))
        recall.action_notify_customers()
        zhang_line = recall.line_ids.filtered(lambda line: line.partner_id == self.zhang)
        li_line = recall.line_ids - zhang_line
        self.assertTrue(all(recall.line_ids.mapped("notified_date")))
        notice = zhang_line.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(notice), 1)
        self.assertIn(self.zhang, notice.partner_ids)
        self.assertIn("RC-AC-0001", notice.body)
        self.assertIn("压缩机继电器过热", notice.subject)
        # A second notification does not email the same customers again.
        recall.action_notify_customers()
        self.assertEqual(len(zhang_line.message_ids.filtered(lambda m: m.message_type == "comment")), 1)

        with self.assertRaisesRegex(UserError, "Contact"):
            zhang_line.action_done()
        zhang_line.action_mark_contacted()
        zhang_line.remedy = "replace"
        with self.assertRaisesRegex(UserError, "Recover"):
            zhang_line.action_done()
        zhang_line.product_recovered = True
        zhang_line.action_done()
        self.assertEqual((recall.done_count, recall.progress), (1, 50.0))
        with self.assertRaises(UserError):
            recall.action_done()
        li_line.action_mark_contacted()
        li_line.action_done()
        recall.action_done()
        self.assertEqual((recall.state, recall.progress), ("done", 100.0))

    def test_access(self):
        recall = self._recall()
        with self.assertRaises(AccessError):
            recall.with_user(self.technician_user).check_access("read")
        with self.assertRaises(AccessError):
            recall.with_user(self.as_user).unlink()
        other_company = self.env["res.company"].create({"name": "其他公司"})
        outsider = new_test_user(
            self.env,
            login="rel_other_company",
            groups="svcms_aftersales.group_aftersales_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        self.assertFalse(self.env["svcms.recall"].with_user(outsider).search([("id", "=", recall.id)]))


@tagged("post_install", "-at_install")
class TestDefectDisclosure(RelationshipCase):
    """Only published disclosures reach portal users and the public /recalls page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Disclosure = cls.env["svcms.defect.disclosure"]
        cls.published = Disclosure.create(
            {
                "name": "空调压缩机继电器过热风险",
                "product_id": cls.air_conditioner.id,
                "description": "<p>继电器触点可能过热。</p>",
                "risk": "长时间运行可能导致外机冒烟。",
                "remedy": "免费更换继电器。",
            }
        )
        cls.published.action_publish()
        cls.draft = Disclosure.create(
            {"name": "冰箱门封条老化(未发布)", "product_id": cls.fridge.id, "description": "<p>草稿</p>"}
        )
        cls.portal_user = new_test_user(cls.env, login="rel_portal", groups="base.group_portal")

    def test_publish_needs_risk_and_remedy(self):
        with self.assertRaisesRegex(UserError, "risk"):
            self.draft.with_user(self.as_user).action_publish()
        self.assertFalse(self.draft.published)
        self.assertTrue(self.published.published_date)

    def test_portal_sees_only_published(self):
        visible = self.env["svcms.defect.disclosure"].with_user(self.portal_user).search([])
        self.assertIn(self.published, visible)
        self.assertNotIn(self.draft, visible)
        with self.assertRaises(AccessError):
            self.draft.with_user(self.portal_user).check_access("read")
        with self.assertRaises(AccessError):
            self.published.with_user(self.portal_user).write({"risk": "无"})

    def test_recall_prepares_disclosure(self):
        recall = self.env["svcms.recall"].create(
            {"title": "空调继电器", "product_id": self.air_conditioner.id, "remedy": "replace"}
        )
        action = recall.action_create_disclosure()
        disclosure = self.env["svcms.defect.disclosure"].browse(action["res_id"])
        self.assertEqual((disclosure.recall_id, disclosure.product_id), (recall, self.air_conditioner))
        self.assertFalse(disclosure.published)


@tagged("post_install", "-at_install")
class TestRecallPage(HttpCase):
    def test_public_recalls_page(self):
        product = self.env["product.product"].create({"name": "测试洗衣机", "type": "consu"})
        Disclosure = self.env["svcms.defect.disclosure"]
        published = Disclosure.create(
            {
                "name": "洗衣机门锁失灵公告",
                "product_id": product.id,
                "description": "<p>门锁可能失灵。</p>",
                "risk": "夹手风险。",
                "remedy": "免费上门更换门锁。",
            }
        )
        published.action_publish()
        Disclosure.create({"name": "内部草稿不公开", "product_id": product.id, "description": "<p>x</p>"})
        response = self.url_open("/recalls")
        self.assertEqual(response.status_code, 200)
        self.assertIn("洗衣机门锁失灵公告", response.text)
        self.assertNotIn("内部草稿不公开", response.text)
