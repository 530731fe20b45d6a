import io

import openpyxl

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


class SvcmsProcessCommon:
    @classmethod
    def _setup_processes(cls):
        env = cls.env
        cls.system = env["svcms.management.system"].create({"name": "过程测试体系", "code": "PT"})
        cls.dep_service = env["hr.department"].create({"name": "售后服务部"})
        cls.dep_quality = env["hr.department"].create({"name": "品质部"})
        cls.job_technician = env["hr.job"].create({"name": "维修技术员"})
        cls.repair = env["svcms.process"].create(
            {
                "name": "维修保养服务过程",
                "code": "P-04",
                "sequence": 1,
                "management_system_id": cls.system.id,
                "raci_line_ids": [
                    Command.create({"department_id": cls.dep_service.id, "raci": "A"}),
                    Command.create({"job_id": cls.job_technician.id, "raci": "R"}),
                    Command.create({"department_id": cls.dep_quality.id, "raci": "I"}),
                ],
            }
        )
        cls.complaint = env["svcms.process"].create(
            {
                "name": "客户投诉管理",
                "code": "P-09",
                "sequence": 2,
                "management_system_id": cls.system.id,
                "raci_line_ids": [
                    Command.create({"department_id": cls.dep_quality.id, "raci": "A"}),
                    Command.create({"department_id": cls.dep_service.id, "raci": "R"}),
                    Command.create({"job_id": cls.job_technician.id, "raci": "C"}),
                ],
            }
        )


@tagged("post_install", "-at_install")
class TestProcessRaci(SvcmsProcessCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_processes()
        cls.user = new_test_user(cls.env, login="raci_user", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="raci_manager", groups="svcms_base.group_svcms_manager")

    def _new_process(self, letters):
        deps = self.env["hr.department"].create([{"name": f"部门{i}"} for i in range(len(letters))])
        return self.env["svcms.process"].create(
            {
                "name": "安装过程",
                "management_system_id": self.system.id,
                "raci_line_ids": [
                    Command.create({"department_id": dep.id, "raci": letter})
                    for dep, letter in zip(deps, letters, strict=True)
                ],
            }
        )

    def test_exactly_one_accountable(self):
        with self.assertRaisesRegex(ValidationError, "安装过程.*none"):
            self._new_process(["R", "C"])
        with self.assertRaisesRegex(ValidationError, "安装过程.*2"):
            self._new_process(["A", "A", "R"])
        process = self._new_process(["A", "R", "I"])
        self.assertEqual(process.accountable_role, "部门0")
        self.assertTrue(self.env["svcms.process"].create({"name": "尚未分配职责"}), "no lines, nothing to check")

    def test_form_edits_are_checked_on_save(self):
        form = Form(self.repair)
        with form.raci_line_ids.edit(0) as line:
            line.raci = "C"
        with form.raci_line_ids.edit(2) as line:
            line.raci = "A"
        form.save()  # the A moved from one role to another in a single save
        self.assertEqual(self.repair.accountable_role, "品质部")
        form = Form(self.repair)
        with form.raci_line_ids.new() as line:
            line.job_id = self.env["hr.job"].create({"name": "客服专员"})
            line.raci = "A"
        with self.assertRaisesRegex(ValidationError, "维修保养服务过程"):
            form.save()

    def test_a_client_context_cannot_skip_the_accountable_check(self):
        # the key the process form uses internally, sent by a client as plain JSON/XML-RPC data
        lines = self.env["svcms.raci.line"].with_user(self.manager).with_context(svcms_raci_check_later=True)
        accountable = self.repair.raci_line_ids.filtered(lambda line: line.raci == "A")
        with self.assertRaises(ValidationError):
            lines.browse(accountable.id).write({"raci": "R"})
        self.assertEqual(accountable.raci, "A")

    def test_direct_line_edits_are_checked(self):
        accountable = self.repair.raci_line_ids.filtered(lambda line: line.raci == "A")
        with self.assertRaises(ValidationError):
            accountable.raci = "R"
        second = self.env["hr.department"].create({"name": "X"})
        with self.assertRaises(ValidationError):
            self.env["svcms.raci.line"].create({"process_id": self.repair.id, "department_id": second.id, "raci": "A"})
        with self.assertRaises(ValidationError):
            accountable.unlink()
        self.repair.raci_line_ids.unlink()
        self.assertFalse(self.repair.raci_line_ids)

    def test_role_is_a_department_or_a_job(self):
        both = {"department_id": self.dep_service.id, "job_id": self.job_technician.id}
        with self.assertRaises(ValidationError):
            self.env["svcms.raci.line"].create({"process_id": self.repair.id, "raci": "C", **both})
        with self.assertRaises(ValidationError):
            self.env["svcms.raci.line"].create({"process_id": self.repair.id, "raci": "C"})
        with self.assertRaisesRegex(ValidationError, "twice"):
            self.env["svcms.raci.line"].create(
                {"process_id": self.repair.id, "job_id": self.job_technician.id, "raci": "C"}
            )

    def test_users_read_managers_configure(self):
        self.assertEqual(self.repair.with_user(self.user).raci_line_ids.mapped("raci"), ["A", "R", "I"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["svcms.process"].with_user(self.user).create({"name": "X"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.repair.raci_line_ids[1].with_user(self.user).raci = "C"
        self.repair.raci_line_ids[1].with_user(self.manager).raci = "C"

    def test_other_company_processes_are_invisible(self):
        other = self.env["res.company"].create({"name": "其他公司"})
        process = self.env["svcms.process"].create({"name": "B", "company_id": other.id})
        self.assertFalse(self.env["svcms.process"].with_user(self.manager).search([("id", "=", process.id)]))

    def test_xlsx_table(self):
        processes = self.env["svcms.process"].search([("management_system_id", "=", self.system.id)])
        data = processes._raci_xlsx_content(processes._raci_xlsx_title(self.system))
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        self.assertEqual(len(workbook.worksheets), 1)
        sheet = workbook.active
        self.assertIn("[PT] 过程测试体系", sheet["A1"].value)
        self.assertIn("职责分配表", sheet["A1"].value)
        header = [cell.value for cell in sheet[2]]
        self.assertEqual(header[:2], ["Code / 编号", "Process / 过程"])
        columns = {value.split("\n")[0]: index for index, value in enumerate(header) if value}
        self.assertIn("Department / 部门", header[columns["售后服务部"]])
        self.assertIn("Job / 岗位", header[columns["维修技术员"]])
        rows = {row[1]: row for row in sheet.iter_rows(min_row=3, max_row=4, values_only=True)}
        repair, complaint = rows["维修保养服务过程"], rows["客户投诉管理"]
        self.assertEqual(repair[0], "P-04")
        self.assertEqual(
            (repair[columns["售后服务部"]], repair[columns["维修技术员"]], repair[columns["品质部"]]), ("A", "R", "I")
        )
        self.assertEqual(
            (complaint[columns["售后服务部"]], complaint[columns["维修技术员"]], complaint[columns["品质部"]]),
            ("R", "C", "A"),
        )

    def test_download_from_the_management_system(self):
        action = self.env.ref("svcms_base.action_server_raci_xlsx")
        context = {"active_model": "svcms.management.system", "active_id": self.system.id}
        result = action.with_user(self.user).with_context(**context).run()
        self.assertEqual(result["url"], f"/svcms/raci/xlsx?system_id={self.system.id}")
        employee = new_test_user(self.env, login="raci_plain_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            action.with_user(employee).with_context(**context).run()

    def test_download_actions(self):
        action = self.repair.action_download_raci_xlsx()
        self.assertEqual(action["url"], f"/svcms/raci/xlsx?process_ids={self.repair.id}")
        everything = self.env["svcms.process"].action_download_raci_xlsx()
        self.assertIn(str(self.complaint.id), everything["url"])


@tagged("post_install", "-at_install")
class TestProcessRaciDownload(SvcmsProcessCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_processes()
        new_test_user(cls.env, login="raci_reader", groups="svcms_base.group_svcms_user")
        new_test_user(cls.env, login="raci_employee", groups="base.group_user")
        other = cls.env["res.company"].create({"name": "其他公司"})
        cls.other_system = cls.env["svcms.management.system"].create(
            {"name": "Other", "code": "OT", "company_id": other.id}
        )

    def test_reader_downloads_the_table(self):
        self.authenticate("raci_reader", "raci_reader")
        response = self.url_open(f"/svcms/raci/xlsx?system_id={self.system.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertIn("过程测试体系", sheet["A1"].value)
        self.assertEqual(sheet["B3"].value, "维修保养服务过程")
        response = self.url_open(f"/svcms/raci/xlsx?process_ids={self.complaint.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(openpyxl.load_workbook(io.BytesIO(response.content)).active["B3"].value, "客户投诉管理")

    def test_refused_without_access(self):
        self.authenticate("raci_employee", "raci_employee")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/svcms/raci/xlsx?system_id={self.system.id}")
        self.assertEqual(response.status_code, 403)
        self.authenticate("raci_reader", "raci_reader")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/svcms/raci/xlsx?system_id={self.other_system.id}")
        self.assertEqual(response.status_code, 403)

    def test_anonymous_is_sent_to_login(self):
        self.authenticate(None, None)
        response = self.url_open(f"/svcms/raci/xlsx?system_id={self.system.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
