"""Two cron workers generating the maintenance visits at once: each visit is created once (issue #11 §5).

The committed data (a product, serials, a customer, plans) are deleted afterwards; the installed base
(``_due_visits``, which needs delivered serials) is replaced by the serials of the test, each due
today unless it already has a visit of the plan, as the real method decides from the visits.
"""

from unittest.mock import patch

from odoo.addons.svcms_base.tests.common import committed_env, run_workers
from odoo.fields import Domain
from odoo.tests import TransactionCase, tagged

PLANS, LOTS = 4, 10


@tagged("post_install", "-at_install")
class TestMaintenanceVisitConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with committed_env(cls.registry) as env:
            product = env["product.product"].create(
                {"name": "并发测试空调", "type": "consu", "is_storable": True, "tracking": "serial"}
            )
            lots = env["stock.lot"].create(
                [{"name": f"CC-{index:04d}", "product_id": product.id} for index in range(LOTS)]
            )
            partner = env["res.partner"].create({"name": "并发测试客户 孙先生"})
            plans = env["svcms.maintenance.plan"].create(
                [
                    {"name": f"并发测试保养 {index}", "product_tmpl_id": product.product_tmpl_id.id}
                    for index in range(PLANS)
                ]
            )
            cls.product_id, cls.template_id = product.id, product.product_tmpl_id.id
            cls.lot_ids, cls.partner_id, cls.plan_ids = lots.ids, partner.id, plans.ids
        cls.addClassCleanup(cls._delete_committed)

    @classmethod
    def _delete_committed(cls):
        with committed_env(cls.registry) as env:
            cr = env.cr
            cr.execute("SELECT id FROM svcms_service_request WHERE maintenance_plan_id IN %s", [tuple(cls.plan_ids)])
            request_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            for model, ids in (("svcms.service.request", request_ids), ("svcms.maintenance.plan", tuple(cls.plan_ids))):
                cr.execute("DELETE FROM mail_activity WHERE res_model = %s AND res_id IN %s", [model, ids])
                cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id IN %s", [model, ids])
                cr.execute("DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s", [model, ids])
                cr.execute("DELETE FROM svcms_sla_line WHERE res_model = %s AND res_id IN %s", [model, ids])
            cr.execute("DELETE FROM svcms_service_request WHERE id IN %s", [request_ids])
            cr.execute("DELETE FROM svcms_maintenance_plan WHERE id IN %s", [tuple(cls.plan_ids)])
            cr.execute("DELETE FROM stock_lot WHERE id IN %s", [tuple(cls.lot_ids)])
            cr.execute("DELETE FROM product_product WHERE id = %s", [cls.product_id])
            cr.execute("DELETE FROM product_template WHERE id = %s", [cls.template_id])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [cls.partner_id])

    def test_maintenance_visits_generated_once_by_two_workers(self):
        Plan = self.registry["svcms.maintenance.plan"]
        original_pending = Plan._cron_pending_domain
        plan_ids, lot_ids, partner_id = self.plan_ids, self.lot_ids, self.partner_id

        def pending(self):
            return Domain(original_pending(self)) & Domain("id", "in", plan_ids)

        def due_visits(self, today):
            visited = {
                (plan.id, lot.id)
                for plan, lot in self.env["svcms.service.request"]._read_group(
                    [("maintenance_plan_id", "in", self.ids)], ["maintenance_plan_id", "lot_id"]
                )
            }
            lots, partner = self.env["stock.lot"].browse(lot_ids), self.env["res.partner"].browse(partner_id)
            return [(plan, lot, partner, today) for plan in self for lot in lots if (plan.id, lot.id) not in visited]

        with patch.object(Plan, "_cron_pending_domain", pending), patch.object(Plan, "_due_visits", due_visits):
            retries = run_workers(self.registry, lambda env: env["svcms.maintenance.plan"]._cron_generate_visits())
        with committed_env(self.registry) as env:
            env.cr.execute(
                "SELECT maintenance_plan_id, lot_id, count(*) FROM svcms_service_request"
                " WHERE maintenance_plan_id IN %s GROUP BY maintenance_plan_id, lot_id",
                [tuple(plan_ids)],
            )
            counts = {(plan_id, lot_id): count for plan_id, lot_id, count in env.cr.fetchall()}
            env.cr.execute(
                "SELECT count(*) FROM svcms_maintenance_plan WHERE id IN %s AND generation_failure_count > 0",
                [tuple(plan_ids)],
            )
            failed = env.cr.fetchone()[0]
        self.assertEqual(counts, {(plan_id, lot_id): 1 for plan_id in plan_ids for lot_id in lot_ids})
        self.assertEqual(failed, 0, "no plan is recorded as failed by the worker that lost the race")
        self.assertEqual(retries, [0, 0], "the second worker skips the plans the first one took")
