from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL


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
        """Validate a delivery of ``lots`` to ``partner`` (or, returned=True, their return to stock)."""
        source, destination = cls.stock_location, cls.customer_location
        picking_type = cls.warehouse.out_type_id
        if returned:
            source, destination, picking_type = destination, source, cls.warehouse.in_type_id
        picking = cls.env["stock.picking"].create(
            {
                "partner_id": partner.id,
                "picking_type_id": picking_type.id,
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
