from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestNonconformityTour(HttpCase):
    def test_finding_to_closed_nonconformity_in_browser(self):
        base = "svcms_base.group_svcms_user"
        auditor = new_test_user(
            self.env, "nc_tour_auditor", name="NC Tour Auditor", groups=f"{base},svcms_audit.group_audit_auditor"
        )
        owner = new_test_user(
            self.env, "nc_tour_owner", name="NC Tour Owner", groups=f"{base},svcms_audit.group_audit_nc_owner"
        )
        verifier = new_test_user(
            self.env, "nc_tour_verifier", name="NC Tour Verifier", groups=f"{base},svcms_audit.group_audit_auditor"
        )
        employee = self.env["hr.employee"].create({"name": "NC Tour Auditor", "user_id": auditor.id})
        system = self.env["svcms.management.system"].create({"name": "NC tour system", "code": "NCTOUR"})
        audit = self.env["svcms.audit"].create(
            {
                "name": "NC tour audit",
                "management_system_id": system.id,
                "date_start": "2026-03-01",
                "date_end": "2026-03-02",
                "lead_auditor_id": employee.id,
            }
        )
        line = self.env["svcms.audit.line"].create({"audit_id": audit.id, "question": "安装记录是否有客户签字？"})

        self.start_tour(f"/odoo/svcms.audit.line/{line.id}", "svcms_audit_nc_auditor_tour", login=auditor.login)
        nc = line.nonconformity_ids
        self.assertEqual(len(nc), 1)
        self.assertEqual((nc.source_type, nc.severity, nc.owner_id, nc.state), ("audit", "minor", owner, "open"))

        self.start_tour(f"/odoo/svcms.nonconformity/{nc.id}", "svcms_audit_nc_owner_tour", login=owner.login)
        action = nc.action_ids
        self.assertEqual(len(action), 1)
        self.assertEqual((action.owner_id, action.state), (owner, "open"))

        self.start_tour(f"/odoo/svcms.capa.action/{action.id}", "svcms_audit_nc_action_done_tour", login=owner.login)
        self.assertEqual((action.state, nc.state), ("done", "verification"))

        self.start_tour(f"/odoo/svcms.capa.action/{action.id}", "svcms_audit_nc_verify_tour", login=verifier.login)
        self.assertEqual((action.state, action.verified_by_id), ("effective", verifier))
        self.assertEqual((nc.state, nc.closed_by_id), ("closed", verifier))
