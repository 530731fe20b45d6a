import xmlrpc.client

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPortalProducts(HttpCase):
    """/my/products lists the serials at the customer; a company's designated service contact sees all of the
    company's requests and complaints, the other contacts their own, other companies nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["svcms.service.request"]
        cls.Complaint = cls.env["svcms.complaint"]
        cls.company = cls.env.company
        cls.company.svcms_service_hotline = "400-830-6688"
        cls.product = cls.env["product.product"].create(
            {"name": "门户变频空调", "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        cls.env["svcms.warranty.policy"].create(
            {"name": "门户空调三包", "product_tmpl_id": cls.product.product_tmpl_id.id, "company_id": cls.company.id}
        )
        Partner = cls.env["res.partner"]
        cls.customer_a, cls.customer_b = Partner.create(
            [{"name": "甲贸易公司", "is_company": True}, {"name": "乙公司", "is_company": True}]
        )
        cls.designated = new_test_user(cls.env, login="pp_designated", groups="base.group_portal", name="甲-服务联系人")
        cls.colleague = new_test_user(cls.env, login="pp_colleague", groups="base.group_portal", name="甲-普通联系人")
        cls.outsider = new_test_user(cls.env, login="pp_outsider", groups="base.group_portal", name="乙-联系人")
        cls.lonely = new_test_user(cls.env, login="pp_lonely", groups="base.group_portal", name="无产品顾客")
        cls.designated.partner_id.write({"parent_id": cls.customer_a.id, "svcms_service_contact": True})
        cls.colleague.partner_id.parent_id = cls.customer_a
        cls.outsider.partner_id.parent_id = cls.customer_b
        Lot = cls.env["stock.lot"]
        cls.lot_designated, cls.lot_colleague, cls.lot_returned, cls.lot_other = Lot.create(
            [
                {"name": f"PP-{name}", "product_id": cls.product.id, "company_id": cls.company.id}
                for name in ("DESIGNATED-01", "COLLEAGUE-02", "RETURNED-03", "OTHER-04")
            ]
        )
        story = cls.env["svcms.aftersales.demo.story"]
        story._deliver_serial(cls.designated.partner_id, cls.lot_designated | cls.lot_returned)
        story._deliver_serial(cls.colleague.partner_id, cls.lot_colleague)
        story._deliver_serial(cls.outsider.partner_id, cls.lot_other)
        cls._return_serial(cls.lot_returned, cls.designated.partner_id)

        cls.req_designated, cls.req_colleague, cls.req_company, cls.req_other = cls.Request.create(
            [
                {"partner_id": cls.designated.partner_id.id, "lot_id": cls.lot_designated.id},
                {"partner_id": cls.colleague.partner_id.id, "lot_id": cls.lot_colleague.id},
                {"partner_id": cls.customer_a.id},
                {"partner_id": cls.outsider.partner_id.id, "lot_id": cls.lot_other.id},
            ]
        )
        cls.cpl_designated, cls.cpl_colleague, cls.cpl_other = cls.Complaint.create(
            [
                {
                    "subject": "甲服务联系人投诉",
                    "description": "<p>甲服务联系人投诉</p>",
                    "partner_id": cls.designated.partner_id.id,
                },
                {
                    "subject": "甲普通联系人投诉",
                    "description": "<p>甲普通联系人投诉</p>",
                    "partner_id": cls.colleague.partner_id.id,
                },
                {"subject": "乙公司投诉", "description": "<p>乙公司投诉</p>", "partner_id": cls.outsider.partner_id.id},
            ]
        )

    @classmethod
    def _return_serial(cls, lot, partner):
        """The customer sends the unit back: a done receipt from the customer location into stock."""
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        source = cls.env.ref("stock.stock_location_customers")
        destination = warehouse.lot_stock_id
        picking = cls.env["stock.picking"].create(
            {
                "partner_id": partner.id,
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": lot.product_id.id,
                            "product_uom_qty": 1,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": lot.product_id.id,
                            "lot_id": lot.id,
                            "quantity": 1.0,
                            "product_uom_id": lot.product_id.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "picking_id": picking.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        picking._action_done()
        return picking

    # ------------------------------------------------------------------ my products
    def test_products_page(self):
        recall = self.env["svcms.recall"].create(
            {
                "title": "压缩机继电器召回",
                "product_id": self.product.id,
                "lot_ids": [Command.set(self.lot_designated.ids)],
            }
        )
        recall.action_open()
        self.assertEqual(recall.line_ids.partner_id, self.designated.partner_id)
        self.authenticate("pp_designated", "pp_designated")
        page = self.url_open("/my/products").text
        self.assertIn("PP-DESIGNATED-01", page)
        self.assertIn("PP-COLLEAGUE-02", page, "the serials of the whole customer company")
        self.assertNotIn("PP-RETURNED-03", page, "a returned unit is no longer the customer's")
        self.assertNotIn("PP-OTHER-04", page)
        self.assertIn("In Return Window", page)
        self.assertIn(f"/my/service-requests/new?lot_id={self.lot_designated.id}", page)
        self.assertIn(f"/my/service-requests?serial={self.lot_designated.id}", page)
        self.assertIn(recall.name, page)
        self.assertEqual(page.count("o_svcms_recall_alert"), 1, "only the recalled serial carries the alert")
        self.assertIn('href="/spare-parts"', page)
        self.assertIn('href="/recalls"', page)
        # the link of the open requests lists the requests of that serial
        filtered = self.url_open(f"/my/service-requests?serial={self.lot_colleague.id}").text
        self.assertIn(self.req_colleague.name, filtered)
        self.assertNotIn(self.req_designated.name, filtered)
        # the new request form preselects the serial and never offers the returned one
        form = self.url_open(f"/my/service-requests/new?lot_id={self.lot_designated.id}").text
        self.assertIn(f'<option value="{self.lot_designated.id}" selected="True">', form)
        self.assertNotIn("PP-RETURNED-03", form)
        self.assertNotIn("PP-OTHER-04", form)
        # the portal home counts the products
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["svcms_product_count"]})
        self.assertEqual(counters["svcms_product_count"], 2)
        self.assertIn('href="/my/products"', self.url_open("/my").text)

    def test_returned_serial_cannot_be_requested(self):
        Request = self.Request.with_user(self.designated)
        self.assertEqual(
            Request._portal_delivered_lots(self.designated.partner_id), self.lot_designated | self.lot_colleague
        )
        count = self.Request.search_count([])
        with self.assertRaises(Exception) as caught:
            Request._portal_create(self.lot_returned.id, "repair_report", "退回的机器")
        self.assertIn("delivered to you", str(caught.exception))
        self.assertEqual(self.Request.search_count([]), count)
        # delivered again (sold anew), the serial is the customer's again
        self.env["svcms.aftersales.demo.story"]._deliver_serial(self.colleague.partner_id, self.lot_returned)
        self.assertIn(self.lot_returned, Request._portal_delivered_lots(self.designated.partner_id))

    def test_empty_states_give_the_hotline(self):
        self.authenticate("pp_lonely", "pp_lonely")
        for url in ("/my/products", "/my/service-requests", "/my/service-requests/new"):
            page = self.url_open(url).text
            self.assertIn("o_svcms_empty", page, url)
            self.assertIn("400-830-6688", page, url)
        self.company.svcms_service_hotline = "400-000-1111"
        self.assertIn("400-000-1111", self.url_open("/my/products").text)

    # ------------------------------------------------------------------ designated contacts
    def _visible(self, user):
        requests = self.Request.with_user(user).search([("id", "in", self._all_requests().ids)])
        complaints = self.Complaint.with_user(user).search([("id", "in", self._all_complaints().ids)])
        return requests, complaints

    def _all_requests(self):
        return self.req_designated | self.req_colleague | self.req_company | self.req_other

    def _all_complaints(self):
        return self.cpl_designated | self.cpl_colleague | self.cpl_other

    def test_designated_contact_sees_company_records(self):
        expected = {
            self.designated: (
                self.req_designated | self.req_colleague | self.req_company,
                self.cpl_designated | self.cpl_colleague,
            ),
            self.colleague: (self.req_colleague, self.cpl_colleague),
            self.outsider: (self.req_other, self.cpl_other),
        }
        for user, (requests, complaints) in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(self._visible(user), (requests, complaints))
                for model, records, everything in (
                    ("svcms.service.request", requests, self._all_requests()),
                    ("svcms.complaint", complaints, self._all_complaints()),
                ):
                    rows = self.xmlrpc_object.execute_kw(
                        self.env.cr.dbname,
                        user.id,
                        user.login,
                        model,
                        "search_read",
                        [[("id", "in", everything.ids)]],
                        {"fields": ["id"]},
                    )
                    self.assertEqual(sorted(row["id"] for row in rows), sorted(records.ids))
                    for hidden in everything - records:
                        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
                            self.xmlrpc_object.execute_kw(
                                self.env.cr.dbname, user.id, user.login, model, "read", [hidden.ids, ["id"]]
                            )
                self.authenticate(user.login, user.login)
                listing = self.url_open("/my/service-requests").text
                complaint_list = self.url_open("/my/complaints").text
                for record in self._all_requests():
                    self.assertEqual(record.name in listing, record in requests, record.name)
                    detail = self.url_open(f"/my/service-requests/{record.id}")
                    self.assertEqual(detail.url.endswith("/my"), record not in requests, record.name)
                for record in self._all_complaints():
                    self.assertEqual(record.name in complaint_list, record in complaints, record.name)
                    detail = self.url_open(f"/my/complaints/{record.id}")
                    self.assertEqual(detail.url.endswith("/my"), record not in complaints, record.name)

    def test_designation_takes_effect_at_once(self):
        """The flag is read by the record rules: changing it applies to the next search (no stale cache)."""
        self.assertEqual(self._visible(self.colleague)[0], self.req_colleague)
        self.colleague.partner_id.svcms_service_contact = True
        self.assertEqual(self._visible(self.colleague)[0], self.req_designated | self.req_colleague | self.req_company)
        self.designated.partner_id.svcms_service_contact = False
        self.assertEqual(self._visible(self.designated), (self.req_designated, self.cpl_designated))

    def test_flag_is_set_by_after_sales_users_only(self):
        as_user = new_test_user(
            self.env,
            login="pp_as_user",
            groups="base.group_user,base.group_partner_manager,svcms_aftersales.group_aftersales_user",
        )
        self.colleague.partner_id.with_user(as_user).svcms_service_contact = True
        self.assertTrue(self.colleague.partner_id.svcms_service_contact)
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.outsider.id,
                "pp_outsider",
                "res.partner",
                "write",
                [self.outsider.partner_id.ids, {"svcms_service_contact": True}],
            )
        self.assertFalse(self.outsider.partner_id.svcms_service_contact)
