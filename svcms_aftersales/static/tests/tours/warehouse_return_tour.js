import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("svcms_warehouse_return_tour", {
    steps: () => [
        {
            content: "Open the return order prepared from the delivery",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Create the return receipt with Odoo's return wizard",
            trigger: ".o_form_view button[name=action_create_return]",
            run: "click",
        },
        {
            content: "Receive the goods into the inspection location",
            trigger: ".o_form_view button[name=action_receive]",
            run: "click",
        },
        {
            content: "The return is received",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Received')",
        },
        {
            content: "Open the inspection tab",
            trigger: ".o_notebook_headers a[name=inspection]",
            run: "click",
        },
        {
            content: "Open the inspection result choices",
            trigger: ".o_field_widget[name=inspection_result] input",
            run: "click",
        },
        {
            content: "Record the inspection: resellable",
            trigger: ".o_select_menu_item:contains('Resellable')",
            run: "click",
        },
        {
            content: "Confirm the inspection",
            trigger: ".o_form_view button[name=action_inspect]",
            run: "click",
        },
        {
            content: "The return is inspected",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Inspected')",
        },
        {
            content: "Refund the customer",
            trigger: ".o_form_view button[name=action_refund]",
            run: "click",
        },
        {
            content: "Confirm the credit note",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The return is done and the credit note is linked",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "The credit note button is shown",
            trigger: ".o_form_view button[name=action_view_credit_note]",
        },
    ],
});
