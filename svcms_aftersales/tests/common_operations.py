from odoo import Command
from odoo.tests import TransactionCase, new_test_user


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
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "warehouse_id": cls.warehouse.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1.0})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
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
                            "location_id": cls.stock_location.id,
                            "location_dest_id": picking.location_dest_id.id,
                            "picking_id": picking.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        picking.button_validate()
        invoice_record = cls.env["account.move"]
        if invoice:
            invoice_record = order._create_invoices()
            invoice_record.action_post()
        return order, picking, invoice_record

    def _lot_locations(self, lot):
        quants = self.env["stock.quant"].search([("lot_id", "=", lot.id), ("quantity", ">", 0)])
        return quants.location_id


class OperationsCase(OperationsDataMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()
