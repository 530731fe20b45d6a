from odoo.tests import TransactionCase, new_test_user


class TestImpact(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, login="itsm_agent_impact", groups="base.group_user,svcms_itsm.group_itsm_user"
        )
        cls.manager = new_test_user(
            cls.env, login="itsm_manager_impact", groups="base.group_user,svcms_itsm.group_itsm_manager"
        )
        cls.ci_type = cls.env["svcms.ci.type"].create({"name": "影响测试类型", "code": "impact_test"})
        cls.CI = cls.env["svcms.ci"].with_user(cls.agent)
        cls.Relation = cls.env["svcms.ci.relation"].with_user(cls.agent)

    def _cis(self, *identifiers):
        return self.CI.create(
            [{"identifier": ident, "name": f"配置项 {ident}", "type_id": self.ci_type.id} for ident in identifiers]
        )

    def _relate(self, *triples):
        return self.Relation.create([{"source_id": s.id, "relation_type": r, "target_id": t.id} for s, r, t in triples])

    def test_diamond(self):
        a, b, c, d, e = self._cis("D-A", "D-B", "D-C", "D-D", "D-E")
        self._relate(
            (b, "depends_on", a),
            (c, "runs_on", a),
            (d, "depends_on", b),
            (d, "part_of", c),
            # a backup does not propagate an outage
            (e, "backed_up_by", a),
        )
        impact = a._svcms_impact()
        self.assertEqual(impact["cis"], {b.id: 1, c.id: 1, d.id: 2})
        # seen from the middle of the graph
        self.assertEqual(b._svcms_impact()["cis"], {d.id: 1})
        self.assertEqual(d._svcms_impact()["cis"], {})
        # several CIs at once: neither is reported as impacted by the other
        self.assertEqual((a | b)._svcms_impact()["cis"], {c.id: 1, d.id: 1})

    def test_connected_cycle_terminates(self):
        x, y, z, app, w = self._cis("C-X", "C-Y", "C-Z", "C-APP", "C-W")
        self._relate(
            (x, "connected_to", y),
            (y, "connected_to", z),
            (z, "connected_to", x),
            (app, "runs_on", z),
            # w depends on app: two steps from z, three from x (via z) at the shortest
            (w, "depends_on", app),
        )
        impact = x._svcms_impact()
        self.assertEqual(impact["cis"], {y.id: 1, z.id: 1, app.id: 2, w.id: 3})
        # connected_to works both ways: the app is impacted by any switch of the ring
        self.assertEqual(y._svcms_impact()["cis"], {x.id: 1, z.id: 1, app.id: 2, w.id: 3})
        # nothing depends on w
        self.assertEqual(w._svcms_impact()["cis"], {})
        # the app itself does not impact the ring
        self.assertEqual(app._svcms_impact()["cis"], {w.id: 1})

    def test_services_and_customers(self):
        db, app, other = self._cis("S-DB", "S-APP", "S-OTHER")
        self._relate((app, "depends_on", db))
        customer_1, customer_2, customer_3 = self.env["res.partner"].create(
            [{"name": "佛山市顺德区美家电器商行"}, {"name": "广州市天河区李先生"}, {"name": "深圳市福田区王女士"}]
        )
        Service = self.env["svcms.service"].with_user(self.manager)
        erp, db_service, unrelated = Service.create(
            [
                {
                    "name": "ERP 服务",
                    "code": "T-ERP",
                    "ci_ids": [app.id],
                    "customer_ids": [customer_1.id, customer_2.id],
                },
                {"name": "数据库服务", "code": "T-DB", "ci_ids": [db.id], "customer_ids": [customer_2.id]},
                {"name": "其他服务", "code": "T-OTHER", "ci_ids": [other.id], "customer_ids": [customer_3.id]},
            ]
        )
        impact = db._svcms_impact()
        self.assertEqual(impact["cis"], {app.id: 1})
        self.assertEqual(impact["services"], {db_service.id: 0, erp.id: 1})
        self.assertEqual(impact["customers"], {customer_2.id: 0, customer_1.id: 1})
        self.assertNotIn(unrelated.id, impact["services"])

        action = db.action_impact_analysis()
        self.assertEqual(action["res_model"], "svcms.ci.impact")
        lines = self.env["svcms.ci.impact"].search(action["domain"])
        self.assertEqual(lines.ci_id, app)
        self.assertEqual(lines.service_id, erp | db_service)
        self.assertEqual(lines.customer_id, customer_1 | customer_2)
        self.assertEqual(lines.filtered(lambda line: line.ci_id == app).kind, "ci")
        self.assertEqual(lines.filtered(lambda line: line.customer_id == customer_1).depth, 1)

    def _chain(self, prefix, length):
        cis = self._cis(*[f"{prefix}-{i:03d}" for i in range(length)])
        self._relate(*[(cis[i + 1], "depends_on", cis[i]) for i in range(length - 1)])
        # and a ring of connected_to at the end
        self._relate((cis[0], "connected_to", cis[-1]))
        return cis

    def _queries(self, ci):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        impact = ci._svcms_impact()
        return self.env.cr.sql_log_count - before, impact

    def test_constant_number_of_queries(self):
        small = self._chain("Q-S", 3)
        large = self._chain("Q-L", 40)
        count_small, impact_small = self._queries(small[0])
        count_large, impact_large = self._queries(large[0])
        self.assertEqual(len(impact_small["cis"]), 2)
        self.assertEqual(len(impact_large["cis"]), 39)
        # by the ring, the last CI is one step away from the first
        self.assertEqual(impact_large["cis"][large[-1].id], 1)
        self.assertEqual(impact_large["cis"][large[20].id], 20)
        self.assertEqual(count_small, count_large)
        self.assertEqual(count_large, 1)
