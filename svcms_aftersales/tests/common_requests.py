from datetime import date

from odoo.tests import TransactionCase, freeze_time, new_test_user


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
        with freeze_time(on):
            cls.env["stock.lot"]._svcms_demo_deliver([((partner or cls.customer).id, 0, lots.ids, False)])
        cls.env.invalidate_all()

    @classmethod
    def _user(cls, login, groups, **kw):
        return new_test_user(cls.env, login=login, groups=groups, **kw)


D = date
