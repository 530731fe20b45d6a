import { registry } from "@web/core/registry";

// A portal customer reports a fault on one of their delivered serials.
registry.category("web_tour.tours").add("svcms_portal_repair_tour", {
    url: "/my/service-requests",
    steps: () => [
        {
            content: "Open the fault report form",
            trigger: "a.o_svcms_new_request",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose the delivered serial",
            trigger: "select[name=lot_id]",
            run: "selectByLabel TOUR-SERIAL-0001",
        },
        {
            content: "Choose an on-site repair",
            trigger: "select[name=request_type]",
            run: "select repair_onsite",
        },
        {
            content: "Describe the fault",
            trigger: "textarea[name=description]",
            run: "edit 空调外机漏水，室内机显示 E4",
        },
        {
            content: "Submit",
            trigger: "button.o_svcms_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request is filed for the serial",
            trigger: ".o_svcms_serial:contains(TOUR-SERIAL-0001)",
        },
        {
            content: "The warranty entitlement is shown",
            trigger: ".o_svcms_entitlement:contains(Free Repair)",
        },
    ],
});
