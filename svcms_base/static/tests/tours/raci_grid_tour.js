import { registry } from "@web/core/registry";

/** Data: svcms_base/tests/test_pictures.py (TestPicturesUi.test_raci_grid_tour). */
const ROW = "tr:has(a:contains('TOUR流程一'))";

registry.category("web_tour.tours").add("svcms_base_raci_grid_tour", {
    steps: () => [
        {
            content: "Choose the management system",
            trigger: ".o_svcms_raci_grid select.o_svcms_raci_system",
            run: "selectByLabel TOUR职责体系",
        },
        {
            content: "The grid shows the Accountable of the first process",
            trigger: `${ROW} td.o_svcms_raci_A[title^='TOUR流程一 / TOUR岗位经理']`,
        },
        {
            content: "Make the second department Responsible in the first process",
            trigger: `${ROW} td[title^='TOUR流程一 / TOUR部门二'] select`,
            run: "select R",
        },
        {
            content: "Saved: the cell shows R and is not pending",
            trigger: `${ROW} td.o_svcms_raci_R[title^='TOUR流程一 / TOUR部门二']:not(.o_svcms_raci_pending)`,
        },
        {
            content: "Make the first department Accountable too",
            trigger: `${ROW} td[title^='TOUR流程一 / TOUR部门一'] select`,
            run: "select A",
        },
        {
            content: "Refused with a notification, no traceback",
            trigger: ".o_notification:contains('exactly one Accountable')",
            run() {
                if (document.querySelector(".o_error_dialog")) {
                    throw new Error("An error dialog opened instead of a notification");
                }
            },
        },
        {
            content: "The refused cell stays marked as not saved",
            trigger: `${ROW} td.o_svcms_raci_pending[title^='TOUR流程一 / TOUR部门一']`,
        },
        {
            content: "Discard the refused change",
            trigger: `${ROW} .o_svcms_raci_discard`,
            run: "click",
        },
        {
            content: "The cell is back to R",
            trigger: `${ROW} td.o_svcms_raci_R[title^='TOUR流程一 / TOUR部门一']:not(.o_svcms_raci_pending)`,
        },
        {
            content: "Move the A: first the first department, refused alone ...",
            trigger: `${ROW} td[title^='TOUR流程一 / TOUR部门一'] select`,
            run: "select A",
        },
        {
            trigger: `${ROW} td.o_svcms_raci_pending[title^='TOUR流程一 / TOUR部门一']`,
        },
        {
            content: "... then the job that was Accountable becomes Responsible: both are saved together",
            trigger: `${ROW} td[title^='TOUR流程一 / TOUR岗位经理'] select`,
            run: "select R",
        },
        {
            content: "The A has moved, nothing is pending",
            trigger: `${ROW}:not(.o_svcms_raci_row_pending) td.o_svcms_raci_A[title^='TOUR流程一 / TOUR部门一']`,
            run() {
                const row = this.anchor.closest("tr");
                if (!row.querySelector("td.o_svcms_raci_R[title^='TOUR流程一 / TOUR岗位经理']")) {
                    throw new Error("The job did not become Responsible");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("svcms_base_raci_grid_readonly_tour", {
    steps: () => [
        {
            content: "Choose the management system",
            trigger: ".o_svcms_raci_grid select.o_svcms_raci_system",
            run: "selectByLabel TOUR职责体系",
        },
        {
            content: "Letters, no selectors, for a user who may not edit",
            trigger: `${ROW} td.o_svcms_raci_A .o_svcms_raci_letter:contains('A')`,
            run() {
                if (document.querySelector(".o_svcms_raci_grid select.o_svcms_raci_select")) {
                    throw new Error("A read-only user gets cell selectors");
                }
                if (!document.querySelector(".o_svcms_raci_readonly")) {
                    throw new Error("The grid does not say it is read only");
                }
            },
        },
    ],
});
