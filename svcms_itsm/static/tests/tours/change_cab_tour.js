import { registry } from "@web/core/registry";

// A CAB member opens a normal change awaiting approval, sees the schedule conflict and votes to approve it.
registry.category("web_tour.tours").add("svcms_itsm_change_cab_tour", {
    steps: () => [
        {
            content: "The change awaits approval",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Awaiting Approval)",
        },
        {
            content: "The conflict warning names the overlapping change",
            trigger: ".o_svcms_change_conflict:contains(Tour overlapping change)",
        },
        {
            content: "Vote to approve",
            trigger: ".o_statusbar_buttons button[name='action_vote_approve']",
            run: "click",
        },
        {
            content: "The vote dialog repeats the conflict",
            trigger: ".modal .o_field_widget[name='conflict_warning']:contains(Tour overlapping change)",
        },
        {
            trigger: ".modal .o_field_widget[name='comment'] textarea",
            run: "edit 已与机房协调，窗口可错开 30 分钟",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The vote is listed",
            trigger: ".o_notebook .nav-link:contains(Approval)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='vote_ids'] .o_data_row:contains(已与机房协调)",
        },
    ],
});
