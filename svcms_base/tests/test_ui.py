from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_manager_creates_management_system_in_browser(self):
        new_test_user(self.env, login="tour_manager", groups="svcms_base.group_svcms_manager,base.group_user")
        self.start_tour("/odoo", "svcms_base_management_system_tour", login="tour_manager")
        system = self.env["svcms.management.system"].search([("code", "=", "TOUR")])
        self.assertEqual(system.name, "Tour information security")
        self.assertEqual(system.create_uid.login, "tour_manager")
