import { registry } from "@web/core/registry";

// A dealer's shop manager reports an incident on the portal.
registry.category("web_tour.tours").add("svcms_itsm_incident_portal_tour", {
    url: "/my/incidents",
    steps: () => [
        {
            content: "Open the incident form",
            trigger: "a.o_svcms_new_incident",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: "input[name=subject]",
            run: "edit 门店订货系统打不开",
        },
        {
            content: "Choose the ERP service",
            trigger: "select[name=service_id]",
            run: "selectByLabel Test ERP",
        },
        {
            trigger: "textarea[name=description]",
            run: "edit 登录订货系统时提示账号已停用",
        },
        {
            content: "Submit",
            trigger: "button.o_svcms_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The incident is registered",
            trigger: ".o_svcms_incident_created",
        },
    ],
});

// The service desk agent takes the portal report in the backend, assigns it to themself and resolves it.
registry.category("web_tour.tours").add("svcms_itsm_incident_agent_tour", {
    steps: () => [
        {
            content: "The portal report is open",
            trigger: ".o_field_widget[name='subject'] input:value(门店订货系统打不开)",
        },
        {
            content: "Assign it",
            trigger: ".o_statusbar_buttons button[name='action_assign']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Assigned)",
        },
        {
            content: "Open the resolution tab",
            trigger: ".o_notebook a[name='resolution']",
            run: "click",
        },
        {
            content: "Describe the resolution",
            trigger: ".o_field_html[name='resolution'] .odoo-editor-editable",
            run: "editor 重置了门店账号并恢复权限",
        },
        {
            content: "Resolve it",
            trigger: ".o_statusbar_buttons button[name='action_resolve']",
            run: "click",
        },
        {
            content: "The incident is resolved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Resolved)",
        },
    ],
});
