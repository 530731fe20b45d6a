import { registry } from "@web/core/registry";

/** Data: svcms_base/tests/test_pictures.py (TestPicturesUi.test_heat_map_tour). */
registry.category("web_tour.tours").add("svcms_base_risk_heat_map_tour", {
    steps: () => [
        {
            content: "Show one management system",
            trigger: ".o_svcms_risk_heat_map select.o_svcms_heat_map_system",
            run: "selectByLabel TOUR图片体系",
        },
        {
            content: "The high risk (likelihood 4 x impact 3) is named in a red cell",
            trigger:
                ".o_svcms_heat_cell[data-likelihood='4'][data-impact='3'] .o_svcms_heat_risk:contains('TOUR高风险：备件断供')",
            run() {
                const cell = this.anchor.closest("td");
                const color = getComputedStyle(cell).backgroundColor;
                if (cell.dataset.level !== "high" || color !== "rgb(220, 53, 69)") {
                    throw new Error(`The high risk's cell is ${cell.dataset.level} (${color}), not a red high cell`);
                }
                const count = cell.querySelector(".o_svcms_heat_count");
                if (!count || count.textContent.trim() !== "1") {
                    throw new Error("The cell does not count its one risk");
                }
            },
        },
        {
            content: "The low risk sits in a green cell, the other system's risk is filtered out",
            trigger:
                ".o_svcms_heat_cell.o_svcms_heat_low[data-likelihood='1'][data-impact='2'] .o_svcms_heat_risk:contains('TOUR低风险')",
            run() {
                if (document.body.textContent.includes("TOUR他系统风险")) {
                    throw new Error("A risk of another management system is shown");
                }
            },
        },
        {
            content: "Open the high risk",
            trigger: ".o_svcms_heat_risk:contains('TOUR高风险：备件断供')",
            run: "click",
        },
        {
            content: "Its form is open",
            trigger: ".o_form_view .o_breadcrumb .active:contains('TOUR高风险：备件断供')",
        },
    ],
});
