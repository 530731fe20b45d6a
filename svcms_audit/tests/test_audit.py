import xmlrpc.client

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import AuditFixtures


# Fixtures of the audit tests (kept in each test module: shared fixtures live only in common.py).
@tagged("post_install", "-at_install")
class TestAuditIndependence(AuditFixtures):
    def test_own_department_refused_at_plan_confirmation(self):
        audit = self._audit(department_ids=[(6, 0, self.dep_quality.ids)])
        with self.assertRefused(ValidationError, "Lead Auditor.*Test Quality"):
            audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "draft")

    def test_child_department_refused(self):
        field_auditor = self.env["hr.employee"].create(
            {"name": "Field Auditor", "department_id": self.department_field.id}
        )
        self._certify(field_auditor, self.today - relativedelta(years=1), self.today + relativedelta(years=1))
        audit = self._audit(auditor_ids=[(6, 0, field_auditor.ids)])
        with self.assertRefused(ValidationError, "Field Auditor.*Test Field Service"):
            audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "draft")

    def test_owned_process_refused(self):
        audit = self._audit(auditor_ids=[(6, 0, self.emp_verifier.ids)], process_ids=[(6, 0, self.process.ids)])
        with self.assertRefused(ValidationError, "Verifier owns the audited process.*Test Complaint Handling"):
            audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "draft")

    def test_team_or_scope_change_after_confirmation_refused(self):
        audit = self._audit()
        audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "in_progress")
        with self.assertRefused(ValidationError, "Test Quality"):
            audit.with_user(self.user_lead).write({"department_ids": [(4, self.dep_quality.id)]})
        with self.assertRefused(ValidationError, "Test Complaint Handling"):
            audit.with_user(self.user_lead).write(
                {"auditor_ids": [(4, self.emp_verifier.id)], "process_ids": [(4, self.process.id)]}
            )
        self.env.invalidate_all()
        self.assertEqual(audit.department_ids, self.dep_service)
        self.assertEqual(audit.auditor_ids, self.emp_auditor)
        self.assertFalse(audit.process_ids)

    def test_independent_team_starts(self):
        audit = self._audit(process_ids=[(6, 0, self.process.ids)])
        audit.with_user(self.user_auditor).action_start()
        self.assertEqual(audit.state, "in_progress")
        self.assertEqual(audit.started_by_id, self.user_auditor)
        self.assertTrue(audit.reference.startswith("AUD/"))


@tagged("post_install", "-at_install")
class TestAuditQualification(AuditFixtures):
    def test_no_certification_refused(self):
        uncertified = self.env["hr.employee"].create(
            {"name": "Uncertified Auditor", "department_id": self.dep_quality.id}
        )
        audit = self._audit(auditor_ids=[(6, 0, uncertified.ids)])
        with self.assertRefused(ValidationError, "Uncertified Auditor lacks a valid Internal Auditor Certificate"):
            audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "draft")

    def test_certification_expired_on_audit_date_refused(self):
        auditor = self.env["hr.employee"].create({"name": "Expiring Auditor", "department_id": self.dep_quality.id})
        # valid today, expired on the day the audit starts
        self._certify(auditor, self.today - relativedelta(years=2), self.today + relativedelta(days=3))
        audit = self._audit(auditor_ids=[(6, 0, auditor.ids)])
        with self.assertRefused(ValidationError, "Expiring Auditor lacks a valid"):
            audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "draft")
        # the same auditor is qualified for an audit starting while the certificate is valid
        audit.write({"date_start": self.today + relativedelta(days=2), "date_end": self.today + relativedelta(days=3)})
        audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "in_progress")

    def test_certification_obtained_after_audit_date_refused(self):
        auditor = self.env["hr.employee"].create({"name": "Future Auditor", "department_id": self.dep_quality.id})
        self._certify(auditor, self.today + relativedelta(days=30), self.today + relativedelta(years=3))
        audit = self._audit(auditor_ids=[(6, 0, auditor.ids)])
        with self.assertRefused(ValidationError, "Future Auditor lacks a valid"):
            audit.with_user(self.user_lead).action_start()

    def test_unqualified_auditor_added_later_refused(self):
        audit = self._audit()
        audit.with_user(self.user_lead).action_start()
        uncertified = self.env["hr.employee"].create({"name": "Late Auditor", "department_id": self.dep_quality.id})
        with self.assertRefused(ValidationError, "Late Auditor lacks a valid"):
            audit.with_user(self.user_lead).write({"auditor_ids": [(4, uncertified.id)]})

    def test_external_audit_needs_no_certification(self):
        audit = self._audit(
            audit_type="certification",
            lead_auditor_id=False,
            auditor_ids=[(5, 0, 0)],
            certification_body="中国质量认证中心",
            external_auditors="王审核, 李审核",
        )
        audit.with_user(self.user_lead).action_start()
        self.assertEqual(audit.state, "in_progress")


@tagged("post_install", "-at_install")
class TestAuditChecklist(AuditFixtures):
    def test_generate_checklist_from_clauses_with_children(self):
        parent = self.clause("iso20000", "8.3")
        self.assertTrue(parent.child_ids, "the catalogue has sub-clauses of 8.3")
        audit = self._audit(clause_ids=[(6, 0, parent.ids)])
        audit.with_user(self.user_auditor).action_generate_checklist()
        expected = self.env["svcms.clause"].search([("id", "child_of", parent.id)])
        self.assertEqual(audit.line_ids.clause_id, expected)
        self.assertEqual(len(audit.line_ids), len(expected), "one line per clause")
        self.assertTrue(all(audit.line_ids.mapped("question")))
        # a custom question, then generating again adds nothing twice
        self.env["svcms.audit.line"].with_user(self.user_auditor).create(
            {"audit_id": audit.id, "question": "服务台是否记录所有来电?"}
        )
        audit.with_user(self.user_auditor).action_generate_checklist()
        self.assertEqual(len(audit.line_ids), len(expected) + 1)

    def test_generate_without_clauses_refused(self):
        audit = self._audit()
        with self.assertRefused(UserError, "Choose the clauses"):
            audit.with_user(self.user_auditor).action_generate_checklist()

    def test_sample_drawn_from_the_period(self):
        clause = self.clause("iso20000", "8.3.2")
        partner = self.env["res.partner"].create({"name": "测试客户"})
        Complaint = self.env["svcms.complaint"]
        inside = Complaint.create(
            [
                {
                    "subject": f"投诉{i}",
                    "partner_id": partner.id,
                    "description": "<p>x</p>",
                    "date_received": f"{self.today.year - 5}-0{i}-10 08:00:00",
                }
                for i in range(1, 4)
            ]
        )
        outside = Complaint.create(
            {
                "subject": "旧投诉",
                "partner_id": partner.id,
                "description": "<p>x</p>",
                "date_received": f"{self.today.year - 7}-05-10 08:00:00",
            }
        )
        audit = self._audit(clause_ids=[(6, 0, clause.ids)], date_start=self.today, date_end=self.today)
        audit.with_user(self.user_auditor).action_generate_checklist()
        line = audit.line_ids
        action = line.with_user(self.user_auditor).action_draw_sample()
        Wizard = self.env["svcms.audit.sample.wizard"].with_user(self.user_auditor).with_context(**action["context"])
        self.assertIn("svcms.complaint", dict(Wizard._selection_res_model()))
        self.assertNotIn("svcms.audit", dict(Wizard._selection_res_model()))
        year = self.today.year - 5  # before the demo data
        wizard = Wizard.create(
            {"res_model": "svcms.complaint", "size": 10, "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
        )
        wizard.action_draw()
        self.assertEqual(set(line.evidence_ids.mapped("res_id")), set(inside.ids))
        self.assertNotIn(outside.id, line.evidence_ids.mapped("res_id"))
        self.assertIn(line.evidence_ids[0].record_ref, inside)
        self.assertEqual(line.evidence_ids[0].record_ref._name, "svcms.complaint")
        # drawing again finds nothing new in that period
        with self.assertRefused(UserError, "No new"):
            Wizard.create(
                {"res_model": "svcms.complaint", "size": 10, "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
            ).action_draw()
        # the default period: the 12 months up to the audit's start
        default = Wizard.create({"res_model": "svcms.complaint", "size": 2})
        self.assertEqual(default.date_to, audit.date_start)
        self.assertEqual(default.date_from, audit.date_start - relativedelta(months=12) + relativedelta(days=1))
        # a record type that does not evidence the line's clause is refused
        other_line = self.env["svcms.audit.line"].create(
            {"audit_id": audit.id, "clause_id": self.clause("iso20000", "9.2").id, "question": "Q"}
        )
        self.assertNotIn(
            "svcms.complaint",
            dict(Wizard.with_context(default_line_id=other_line.id)._selection_res_model()),
        )
        wrong = (
            self.env["svcms.audit.sample.wizard"]
            .with_user(self.user_auditor)
            .create({"line_id": other_line.id, "res_model": "svcms.complaint", "size": 2})
        )
        with self.assertRefused(UserError, "does not evidence"):
            wrong.action_draw()
        self.assertFalse(other_line.evidence_ids)

    def test_raise_nonconformity_from_minor_finding(self):
        clause = self.clause("iso20000", "8.3.2")
        audit = self._audit(clause_ids=[(6, 0, clause.ids)], process_ids=[(6, 0, self.process.ids)])
        audit.with_user(self.user_lead).action_start()
        audit.with_user(self.user_auditor).action_generate_checklist()
        line = audit.line_ids
        line.with_user(self.user_auditor).write({"result": "observation", "notes": "记录完整"})
        with self.assertRefused(UserError, "minor or major"):
            line.with_user(self.user_auditor).action_raise_nonconformity()
        line.with_user(self.user_auditor).write({"result": "minor", "notes": "两单投诉未在24小时内响应"})
        action = line.with_user(self.user_auditor).action_raise_nonconformity()
        nc = self.env["svcms.nonconformity"].browse(action["res_id"])
        self.assertEqual(nc.audit_line_id, line)
        self.assertEqual(nc.source_type, "audit")
        self.assertEqual(nc.source_ref, line)
        self.assertEqual(nc.clause_ids, clause)
        self.assertEqual(nc.severity, "minor")
        self.assertEqual(nc.management_system_id, self.system)
        self.assertEqual(nc.department_id, self.dep_service)
        self.assertEqual(audit.nonconformity_count, 1)
        with self.assertRaises(UserError):
            line.with_user(self.user_auditor).action_raise_nonconformity()

    def test_auditees_see_audits_of_their_department(self):
        ours = self._audit(name="Service audit")
        theirs = self._audit(name="Quality audit", department_ids=[(6, 0, self.dep_quality.ids)])
        ours.with_user(self.user_auditor).write({"line_ids": [(0, 0, {"question": "Q1"})]})
        visible = self.env["svcms.audit"].with_user(self.user_staff).search([("id", "in", (ours | theirs).ids)])
        self.assertEqual(visible, ours)
        self.assertEqual(self.env["svcms.audit.line"].with_user(self.user_staff).search([]).audit_id, ours)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            ours.with_user(self.user_staff).write({"name": "changed"})


@tagged("post_install", "-at_install")
class TestAuditApproval(AuditFixtures):
    def _reported_audit(self):
        audit = self._audit(clause_ids=[(6, 0, self.clause("iso20000", "8.3.2").ids)])
        audit.with_user(self.user_lead).action_start()
        audit.with_user(self.user_auditor).action_generate_checklist()
        audit.line_ids.with_user(self.user_auditor).write({"result": "conform"})
        audit.with_user(self.user_auditor).write({"conclusion": "<p>体系运行有效</p>"})
        audit.with_user(self.user_auditor).action_submit()
        return audit

    def test_only_the_lead_auditor_approves(self):
        audit = self._reported_audit()
        self.assertEqual(audit.state, "reported")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            audit.with_user(self.user_auditor).action_approve()
        # a manager holds the lead auditor group, yet is not this audit's lead auditor
        with self.assertRefused(UserError, "Only the lead auditor"):
            audit.with_user(self.user_manager).action_approve()
        self.assertFalse(audit.with_user(self.user_manager).can_approve)
        self.assertTrue(audit.with_user(self.user_lead).can_approve)
        audit.with_user(self.user_lead).action_approve()
        self.assertEqual(audit.state, "approved")
        self.assertEqual(audit.approved_by_id, self.user_lead)

    def test_submit_needs_every_result(self):
        audit = self._audit(clause_ids=[(6, 0, self.clause("iso20000", "8.3.2").ids)])
        audit.with_user(self.user_lead).action_start()
        audit.with_user(self.user_auditor).action_generate_checklist()
        with self.assertRefused(UserError, "no result"):
            audit.with_user(self.user_auditor).action_submit()
        self.assertEqual(audit.state, "in_progress")

    def test_approved_audit_is_frozen(self):
        audit = self._reported_audit()
        audit.with_user(self.user_lead).action_approve()
        line = audit.line_ids
        with self.assertRaises(UserError):
            audit.with_user(self.user_lead).write({"name": "changed"})
        with self.assertRaises(UserError):
            line.with_user(self.user_lead).write({"result": "major"})
        with self.assertRaises(UserError):
            self.env["svcms.audit.line"].with_user(self.user_lead).create({"audit_id": audit.id, "question": "Q"})
        with self.assertRaises(UserError):
            line.with_user(self.user_lead).unlink()
        with self.assertRaises(UserError):
            self.env["svcms.audit.evidence"].with_user(self.user_lead).create(
                {"line_id": line.id, "res_model": "svcms.audit", "res_id": audit.id}
            )
        with self.assertRaises(UserError):
            audit.with_user(self.user_manager).unlink()
        self.assertEqual(audit.name, "Test internal audit")
        self.assertEqual(line.result, "conform")


@tagged("post_install", "-at_install")
class TestAuditRpc(AuditFixtures, HttpCase):
    def _rpc(self, user, model, method, *args, **kwargs):
        with mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http"):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
            )

    def _refused(self, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.addons.base.models.ir_model"):
            self._rpc(user, model, method, *args, **kwargs)
        self.env.invalidate_all()

    def test_approval_and_frozen_audit_through_rpc(self):
        audit = self._audit(clause_ids=[(6, 0, self.clause("iso20000", "8.3.2").ids)])
        audit.with_user(self.user_lead).action_start()
        audit.with_user(self.user_auditor).action_generate_checklist()
        audit.line_ids.with_user(self.user_auditor).write({"result": "conform"})
        audit.with_user(self.user_auditor).action_submit()
        line = audit.line_ids
        # not the lead auditor: refused, still reported
        self._refused(self.user_manager, "svcms.audit", "action_approve", [audit.id])
        self.assertEqual(audit.state, "reported")
        # the state cannot be written directly
        self._refused(self.user_lead, "svcms.audit", "write", [audit.id], {"state": "approved"})
        self.assertEqual(audit.state, "reported")
        self.assertTrue(self._rpc(self.user_lead, "svcms.audit", "action_approve", [audit.id]))
        self.assertEqual(audit.state, "approved")
        self._refused(self.user_lead, "svcms.audit", "write", [audit.id], {"name": "changed"})
        self._refused(self.user_manager, "svcms.audit", "write", [audit.id], {"state": "draft"})
        self._refused(self.user_lead, "svcms.audit.line", "write", [line.id], {"result": "major"})
        self._refused(self.user_lead, "svcms.audit.line", "unlink", [line.id])
        self._refused(self.user_lead, "svcms.audit.line", "create", {"audit_id": audit.id, "question": "Q"})
        self._refused(self.user_lead, "svcms.audit", "action_generate_checklist", [audit.id])
        self.assertEqual(audit.name, "Test internal audit")
        self.assertEqual(audit.state, "approved")
        self.assertEqual(line.result, "conform")
        self.assertEqual(audit.line_ids, line)
