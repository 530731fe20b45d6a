from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestManagementSystem(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="sms_user", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="sms_manager", groups="svcms_base.group_svcms_manager")
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "IT service management", "code": "TST", "standard": "iso20000"}
        )

    def test_display_name_carries_code(self):
        self.assertEqual(self.system.display_name, "[TST] IT service management")

    def test_user_reads_but_cannot_configure(self):
        system = self.system.with_user(self.user)
        self.assertEqual(system.name, "IT service management")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            system.write({"name": "Changed"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["svcms.management.system"].with_user(self.user).create({"name": "X", "code": "X"})

    def test_manager_configures(self):
        self.system.with_user(self.manager).write({"name": "Changed"})
        self.assertEqual(self.system.name, "Changed")

    def test_other_company_system_is_invisible(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["svcms.management.system"].create({"name": "Other", "code": "OTH", "company_id": other.id})
        visible = self.env["svcms.management.system"].with_user(self.manager).search([("code", "=", "OTH")])
        self.assertFalse(visible)
