from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import AuditCase


class SourceCase(AuditCase):
    def _raise_from(self, record, user):
        """What the button does: open the form prefilled from the record; the user saves it."""
        action = record.with_user(user).action_raise_nonconformity()
        self.assertEqual(action["res_model"], "svcms.nonconformity")
        return self.env["svcms.nonconformity"].with_user(user).with_context(**action["context"]).create({})


class TestNonconformityFromComplaint(SourceCase):
    def test_raised_from_a_complaint_and_counted(self):
        partner = self.env["res.partner"].create({"name": "顾客张先生"})
        complaint = self.env["svcms.complaint"].create(
            {"subject": "空调安装漏水", "partner_id": partner.id, "description": "<p>安装后第二天室内机漏水</p>"}
        )
        self.assertTrue(complaint.nonconformity_available)
        self.assertEqual(complaint.nonconformity_count, 0)
        nc = self._raise_from(complaint, self.user_auditor)
        self.assertEqual(nc.source_type, "complaint")
        self.assertEqual(nc.source_ref, complaint)
        self.assertEqual(nc.partner_id, partner)
        self.assertIn("漏水", nc.description)
        complaint.invalidate_recordset(["nonconformity_count"])
        self.assertEqual(complaint.nonconformity_count, 1)
        self._raise_from(complaint, self.user_auditor)
        other = complaint.copy({"subject": "另一投诉"})
        (complaint | other).invalidate_recordset(["nonconformity_count"])
        self.assertEqual((complaint | other).mapped("nonconformity_count"), [2, 0])
        listed = complaint.action_view_nonconformities()
        self.assertEqual(self.env["svcms.nonconformity"].search(listed["domain"]), nc | nc.search([("id", ">", nc.id)]))

    def test_source_types_of_the_sources(self):
        self.assertEqual(self.env["svcms.complaint"]._svcms_nonconformity_source_type(), "complaint")
        self.assertEqual(self.env["svcms.sla.line"]._svcms_nonconformity_source_type(), "sla_breach")

    def test_raised_from_an_audit_line(self):
        audit = self.env["svcms.audit"].create(
            {
                "name": "2026 年度内审",
                "management_system_id": self.system.id,
                "date_start": "2026-03-01",
                "date_end": "2026-03-02",
                "department_ids": [(6, 0, self.dep_service.ids)],
            }
        )
        line = self.env["svcms.audit.line"].create(
            {"audit_id": audit.id, "question": "安装记录是否有客户签字？", "result": "minor", "notes": "2/5 缺签"}
        )
        action = line.with_user(self.user_auditor).action_raise_nonconformity()
        nc = self.env["svcms.nonconformity"].browse(action["res_id"])
        self.assertEqual(nc.source_type, "audit")
        self.assertEqual(nc.audit_line_id, line)
        self.assertEqual(nc.severity, "minor")
        self.assertEqual(nc.department_id, self.dep_service)
        # one finding, one nonconformity: a second raise is refused and nothing more is created
        with self.assertRaises(UserError):
            line.with_user(self.user_auditor).action_raise_nonconformity()
        self.assertEqual(line.nonconformity_ids, nc)


@tagged("post_install", "-at_install")
class TestNonconformityFromServiceRequest(SourceCase):
    def test_raised_from_a_service_request(self):
        if "svcms.service.request" not in self.env.registry:
            self.skipTest("svcms_aftersales is not installed")
        auditor = new_test_user(
            self.env,
            "t_nc_sr_auditor",
            groups="svcms_base.group_svcms_user,svcms_audit.group_audit_auditor,svcms_aftersales.group_aftersales_user",
        )
        partner = self.env["res.partner"].create({"name": "顾客李女士"})
        request = self.env["svcms.service.request"].create(
            {"partner_id": partner.id, "description": "<p>洗衣机脱水异响</p>"}
        )
        self.assertTrue(request.nonconformity_available)
        nc = self._raise_from(request, auditor)
        self.assertEqual(nc.source_type, "service_request")
        self.assertEqual(nc.source_ref, request)
        self.assertEqual(nc.partner_id, partner)
        request.invalidate_recordset(["nonconformity_count"])
        self.assertEqual(request.nonconformity_count, 1)
        # a technician (no access to nonconformities) still opens the request: no count, no button
        technician = new_test_user(self.env, "t_nc_sr_tech", groups="svcms_aftersales.group_aftersales_technician")
        self.env.invalidate_all()
        as_technician = request.with_user(technician).sudo(False)
        self.assertEqual(as_technician.nonconformity_count, 0)
        self.assertFalse(as_technician.nonconformity_available)
