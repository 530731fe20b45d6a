import { registry } from "@web/core/registry";

const currentStatus = (label) => ({
    content: `the document is ${label}`,
    trigger: `.o_statusbar_status button.o_arrow_button_current:contains(${label})`,
});

registry.category("web_tour.tours").add("svcms_base_document_tour", {
    steps: () => [
        {
            content: "Create a controlled document",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='name'] input",
            run: "edit 服务台值班程序",
        },
        {
            trigger: ".o_field_widget[name='document_type_id'] input",
            run: "edit Procedure",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Procedure)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='management_system_id'] input",
            run: "edit TOURDOC",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(TOURDOC)",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "the number is drawn when the draft is saved",
            trigger: ".o_breadcrumb .active:contains(MC-TDOC-P-01)",
        },
        {
            trigger: ".o_statusbar_buttons button[name='action_submit']",
            run: "click",
        },
        currentStatus("In Review"),
    ],
});

registry.category("web_tour.tours").add("svcms_base_document_reader_tour", {
    steps: () => [
        currentStatus("Effective"),
        {
            content: "The reader confirms having read the effective revision",
            trigger: ".o_statusbar_buttons button[name='action_confirm_read']",
            run: "click",
        },
        {
            content: "nothing left to confirm",
            trigger: ".o_form_view:not(:has(.o_statusbar_buttons button[name='action_confirm_read']))",
        },
    ],
});

registry.category("web_tour.tours").add("svcms_base_document_revision_tour", {
    steps: () => [
        currentStatus("Effective"),
        {
            trigger: ".o_statusbar_buttons button[name='action_new_revision']",
            run: "click",
        },
        {
            content: "A major change raises the letter",
            trigger: ".modal .o_field_widget[name='change_type'] input[data-value='major']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='next_revision']:contains(B/0)",
        },
        {
            trigger: ".modal .o_field_widget[name='change_summary'] textarea",
            run: "edit 值班交接增加未关闭工单核对",
        },
        {
            trigger: ".modal button[name='action_create_revision']",
            run: "click",
        },
        currentStatus("Draft"),
        {
            content: "the new draft keeps the number and carries the next revision code",
            trigger: ".o_field_widget[name='revision']:contains(B/0)",
        },
    ],
});
