import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("svcms_base_management_system_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Service Management app",
            trigger: ".o_app[data-menu-xmlid='svcms_base.menu_svcms_root']",
            run: "click",
        },
        {
            content: "Open Management Systems",
            trigger: ".o_menu_sections [data-menu-xmlid='svcms_base.menu_svcms_system']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='svcms_base.menu_svcms_management_system']",
            run: "click",
        },
        {
            content: "Create a management system",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour information security",
        },
        {
            trigger: ".o_field_widget[name='code'] input",
            run: "edit TOUR",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the breadcrumb shows the new record",
            trigger: ".o_breadcrumb .active:contains('[TOUR] Tour information security')",
        },
    ],
});
