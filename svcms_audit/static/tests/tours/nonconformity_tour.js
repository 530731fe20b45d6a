import { registry } from "@web/core/registry";

const currentStatus = (label) => ({
    content: `the record is ${label}`,
    trigger: `.o_statusbar_status button.o_arrow_button_current:contains(${label})`,
});

// 1. The auditor records a minor nonconformity on a checklist line and raises it, then opens it for its owner.
registry.category("web_tour.tours").add("svcms_audit_nc_auditor_tour", {
    steps: () => [
        {
            content: "The auditor records the finding as a minor nonconformity",
            trigger: ".o_field_widget[name='result'] .o_select_menu_toggler",
            run: "click",
        },
        {
            trigger: ".o_select_menu_menu .o_select_menu_item:contains(Minor Nonconformity)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='notes'] textarea",
            run: "edit 抽查 5 份安装单，2 份无客户签字",
        },
        {
            content: "Raise the nonconformity from the line",
            trigger: ".o_statusbar_buttons button[name='action_raise_nonconformity']",
            run: "click",
        },
        currentStatus("Draft"),
        {
            content: "The nonconformity is numbered and linked to the finding",
            trigger: ".o_field_widget[name='audit_line_id'] a",
        },
        {
            trigger: ".o_field_widget[name='owner_id'] input",
            run: "edit NC Tour Owner",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(NC Tour Owner)",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name='action_open']",
            run: "click",
        },
        currentStatus("Open"),
    ],
});

// 2. The owner adds a corrective action.
registry.category("web_tour.tours").add("svcms_audit_nc_owner_tour", {
    steps: () => [
        currentStatus("Open"),
        {
            trigger: ".o_notebook .nav-link:contains(Actions)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='action_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit 安装单签字栏设为必填",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_field_widget[name='action_ids'] .o_data_row:contains(安装单签字栏设为必填)",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_saved",
        },
    ],
});

// 3. The owner marks the action done.
registry.category("web_tour.tours").add("svcms_audit_nc_action_done_tour", {
    steps: () => [
        {
            trigger: ".o_statusbar_buttons button[name='action_done']",
            run: "click",
        },
        currentStatus("Done"),
    ],
});

// 4. Another user verifies the action effective and closes the nonconformity.
registry.category("web_tour.tours").add("svcms_audit_nc_verify_tour", {
    steps: () => [
        currentStatus("Done"),
        {
            trigger: ".o_field_widget[name='verification_note'] textarea",
            run: "edit 抽查 10 份新安装单，均有客户签字",
        },
        {
            trigger: ".o_statusbar_buttons button[name='action_verify_effective']",
            run: "click",
        },
        currentStatus("Verified Effective"),
        {
            content: "back to the nonconformity",
            trigger: ".o_field_widget[name='nonconformity_id'] a.o_form_uri",
            run: "click",
        },
        currentStatus("Awaiting Verification"),
        {
            trigger: ".o_statusbar_buttons button[name='action_close']",
            run: "click",
        },
        currentStatus("Closed"),
    ],
});
