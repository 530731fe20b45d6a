"""Fixtures shared by the svcms_aftersales tests (no test of their own).

Serials reach customers one way only: ``svcms.aftersales.demo.story._deliver_serials`` (a confirmed sale
order whose delivery is validated with exactly those serials), as in the demo data and the benchmarks.

- ``AftersalesRequestsCase``: a warranty policy, serial-tracked product and customers (warranty, requests,
  outlets);
- ``OperationsDataMixin`` / ``OperationsCase``: a sold, delivered and invoiced appliance and warehouse users
  (returns, repairs, installation, spare parts);
- ``RelationshipCase``: appliances delivered to known customers and after-sales users (recalls, return
  visits, service fund, KPIs).
"""

import base64

from odoo import Command
from odoo.tests import TransactionCase, freeze_time, new_test_user
from odoo.tools import SQL

# 1x1 transparent PNG: a customer signature
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7"
        "d6a4b40000000049454e44ae426082"
    )
)


class AftersalesRequestsCase(TransactionCase):
    """Products, a policy, customers and helpers to deliver serials on a known date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.categ = cls.env["product.category"].create({"name": "Test Air Conditioners"})
        cls.policy = cls.env["svcms.warranty.policy"].create(
            {
                "name": "Test AC policy",
                "categ_id": cls.categ.id,
                "return_days": 7,
                "exchange_days": 15,
                "warranty_months": 12,
                "main_parts_warranty_months": 36,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Test AC",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": cls.categ.id,
                "invoice_policy": "order",
                "list_price": 1000,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Test Customer 王五", "email": "wangwu@example.com"})
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer 赵六", "email": "zl@example.com"})

    @classmethod
    def _lots(cls, count, prefix="T"):
        return cls.env["stock.lot"].create(
            [{"name": f"{prefix}-{i:05d}", "product_id": cls.product.id} for i in range(count)]
        )

    @classmethod
    def _deliver(cls, lots, on, partner=None):
        """Sell and deliver ``lots`` to ``partner`` on date ``on`` (validated picking with the serials)."""
        story = cls.env["svcms.aftersales.demo.story"]
        with freeze_time(on):
            story._deliver_serials([((partner or cls.customer).id, 0, lots.ids, False)])
        cls.env.invalidate_all()

    @classmethod
    def _user(cls, login, groups, **kw):
        return new_test_user(cls.env, login=login, groups=groups, **kw)


class OperationsDataMixin:
    """A sold, delivered and invoiced serial-tracked appliance, and warehouse users."""

    @classmethod
    def _setup_operations_data(cls):
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer = cls.env["res.partner"].create({"name": "测试客户 王先生"})
        cls.appliance = cls._create_product("测试空调 KFR-26", 3000.0, tracking="serial")
        cls.fridge = cls._create_product("测试冰箱 BCD-600", 6000.0, tracking="serial")
        cls.part = cls._create_product("测试主控板", 120.0, tracking="none")
        cls.lot_1 = cls._create_lot(cls.appliance, "T-AC-0001")
        cls.lot_2 = cls._create_lot(cls.appliance, "T-AC-0002")
        cls.fridge_lot = cls._create_lot(cls.fridge, "T-RF-0001")
        # Warehouse clerks handle returns: Inventory user + after-sales Returns Clerk.
        cls.warehouse_user = new_test_user(
            cls.env, login="ops_wh_user", groups="stock.group_stock_user,svcms_aftersales.group_aftersales_returns"
        )
        cls.billing_user = new_test_user(
            cls.env,
            login="ops_wh_billing",
            groups="stock.group_stock_user,svcms_aftersales.group_aftersales_returns,account.group_account_invoice",
        )
        cls.manager = new_test_user(
            cls.env, login="ops_as_manager", groups="stock.group_stock_user,svcms_aftersales.group_aftersales_manager"
        )

    @classmethod
    def _create_product(cls, name, price, tracking):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "tracking": tracking,
                "list_price": price,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )

    @classmethod
    def _create_lot(cls, product, name):
        lot = cls.env["stock.lot"].create({"name": name, "product_id": product.id, "company_id": cls.company.id})
        cls.env["stock.quant"]._update_available_quantity(product, cls.stock_location, 1.0, lot_id=lot)
        return lot

    @classmethod
    def _sell_and_deliver(cls, product, lot, invoice=True):
        """Sell ``lot`` (of ``product``) to the customer and deliver it: ``(order, delivery, invoice)``."""
        assert lot.product_id == product, "the serial belongs to another product"
        return cls.env["svcms.aftersales.demo.story"]._deliver_serial(cls.customer, lot, invoice=invoice)

    def _lot_locations(self, lot):
        quants = self.env["stock.quant"].search([("lot_id", "=", lot.id), ("quantity", ">", 0)])
        return quants.location_id


class OperationsCase(OperationsDataMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()


class RelationshipCase(TransactionCase):
    """Two serial-tracked appliances delivered to known customers, and after-sales users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.air_conditioner = cls._create_product("测试空调 KFR-35GW")
        cls.fridge = cls._create_product("测试冰箱 BCD-520")
        Partner = cls.env["res.partner"]
        cls.zhang = Partner.create({"name": "张建国(测试)", "email": "zhang.test@example.com"})
        cls.li = Partner.create({"name": "李秀英(测试)", "email": "li.test@example.com"})
        cls.wang = Partner.create({"name": "王先生(测试)", "email": "wang.test@example.com"})
        cls.as_user = new_test_user(
            cls.env, login="rel_as_user", groups="svcms_aftersales.group_aftersales_user", email="as.user@example.com"
        )
        cls.as_manager = new_test_user(
            cls.env,
            login="rel_as_manager",
            groups="svcms_aftersales.group_aftersales_manager",
            email="as.manager@example.com",
        )
        cls.technician_user = new_test_user(
            cls.env, login="rel_technician", groups="svcms_aftersales.group_aftersales_technician"
        )

    @classmethod
    def _create_product(cls, name):
        return cls.env["product.product"].create(
            {"name": name, "type": "consu", "is_storable": True, "tracking": "serial", "list_price": 3000.0}
        )

    @classmethod
    def _create_lots(cls, product, names):
        lots = cls.env["stock.lot"].create(
            [{"name": name, "product_id": product.id, "company_id": cls.company.id} for name in names]
        )
        for lot in lots:
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock_location, 1.0, lot_id=lot)
        return lots

    @classmethod
    def _transfer(cls, product, lots, partner, returned=False):
        """Deliver ``lots`` to ``partner`` (a sale order and its validated delivery), or, with ``returned``,
        receive them back from the customer into stock."""
        assert lots.product_id == product, "the serials belong to another product"
        if not returned:
            order = cls.env["svcms.aftersales.demo.story"]._deliver_serials([(partner.id, 0, lots.ids, False)])
            return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        source, destination = cls.customer_location, cls.stock_location
        picking = cls.env["stock.picking"].create(
            {
                "partner_id": partner.id,
                "picking_type_id": cls.warehouse.in_type_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": len(lots),
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_id": lot.id,
                            "quantity": 1.0,
                            "product_uom_id": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "picking_id": picking.id,
                        }
                    )
                    for lot in lots
                ],
                "picked": True,
            }
        )
        picking._action_done()
        return picking

    @classmethod
    def _set_lot_created(cls, lots, when):
        cls.env.flush_all()
        cls.env.cr.execute(SQL("UPDATE stock_lot SET create_date = %s WHERE id = ANY(%s)", when, lots.ids))
        lots.invalidate_recordset(["create_date"])
