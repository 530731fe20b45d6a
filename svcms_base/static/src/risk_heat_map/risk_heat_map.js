import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/** Upper bounds of the bands on the 5 x 5 matrix, as LEVEL_BANDS in svcms_base/models/risk.py:
 *  low 1-4, medium 5-9, high 10-16, critical 17-25. */
const LEVEL_BANDS = [
    [4, "low"],
    [9, "medium"],
    [16, "high"],
];
const SCALE = [1, 2, 3, 4, 5];
/** Risks named in a cell before "+ n more". */
const CELL_LIMIT = 4;

export function scoreLevel(score) {
    if (!score) {
        return false;
    }
    for (const [upper, level] of LEVEL_BANDS) {
        if (score <= upper) {
            return level;
        }
    }
    return "critical";
}

/**
 * The 5 x 5 risk heat map: likelihood in rows (5 at the top), impact in columns, each cell coloured by
 * the level of its score and listing its risks. One search_read fetches the risks the user may read
 * (record rules apply); the filters (management system, type, inherent or residual rating, closed
 * items) work on that result.
 */
export class RiskHeatMap extends Component {
    static template = "svcms_base.RiskHeatMap";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        const context = this.props.action.context || {};
        this.state = useState({
            risks: [],
            labels: { likelihood: {}, impact: {}, level: {} },
            systemId: context.default_management_system_id || context.management_system_id || 0,
            riskType: "risk",
            basis: "inherent",
            includeClosed: false,
        });
        onWillStart(() => this.load());
    }

    async load() {
        const [risks, fields] = await Promise.all([
            this.orm.searchRead(
                "svcms.risk",
                [],
                [
                    "reference",
                    "name",
                    "risk_type",
                    "state",
                    "likelihood",
                    "impact",
                    "level",
                    "residual_likelihood",
                    "residual_impact",
                    "residual_level",
                    "management_system_id",
                ],
                { order: "score desc, reference" }
            ),
            this.orm.call("svcms.risk", "fields_get", [["likelihood", "impact", "level"]], {
                attributes: ["selection"],
            }),
        ]);
        this.state.risks = risks;
        for (const name of ["likelihood", "impact", "level"]) {
            this.state.labels[name] = Object.fromEntries(fields[name].selection);
        }
    }

    // ------------------------------------------------------------------ filters
    get systems() {
        const systems = new Map();
        for (const risk of this.state.risks) {
            if (risk.management_system_id) {
                systems.set(risk.management_system_id[0], risk.management_system_id[1]);
            }
        }
        return [...systems].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
    }

    get typeOptions() {
        return [
            { value: "risk", label: _t("Risks") },
            { value: "opportunity", label: _t("Opportunities") },
            { value: "all", label: _t("Risks and opportunities") },
        ];
    }

    get basisOptions() {
        return [
            { value: "inherent", label: _t("Inherent rating") },
            { value: "residual", label: _t("Residual rating") },
        ];
    }

    get filteredRisks() {
        const { systemId, riskType, includeClosed } = this.state;
        return this.state.risks.filter(
            (risk) =>
                (!systemId || (risk.management_system_id && risk.management_system_id[0] === systemId)) &&
                (riskType === "all" || risk.risk_type === riskType) &&
                (includeClosed || risk.state !== "closed")
        );
    }

    rating(risk) {
        const residual = this.state.basis === "residual";
        return {
            likelihood: Number(residual ? risk.residual_likelihood : risk.likelihood) || 0,
            impact: Number(residual ? risk.residual_impact : risk.impact) || 0,
        };
    }

    // ------------------------------------------------------------------ matrix
    get matrix() {
        const cells = {};
        const unrated = [];
        for (const risk of this.filteredRisks) {
            const { likelihood, impact } = this.rating(risk);
            if (!likelihood || !impact) {
                unrated.push(risk);
                continue;
            }
            (cells[`${likelihood}-${impact}`] ||= []).push(risk);
        }
        const levelCounts = { low: 0, medium: 0, high: 0, critical: 0 };
        const rows = [...SCALE].reverse().map((likelihood) => ({
            likelihood,
            label: this.state.labels.likelihood[String(likelihood)] || String(likelihood),
            cells: SCALE.map((impact) => {
                const risks = cells[`${likelihood}-${impact}`] || [];
                const level = scoreLevel(likelihood * impact);
                levelCounts[level] += risks.length;
                return {
                    key: `${likelihood}-${impact}`,
                    likelihood,
                    impact,
                    score: likelihood * impact,
                    level,
                    levelLabel: this.state.labels.level[level] || level,
                    risks: risks.slice(0, CELL_LIMIT),
                    more: Math.max(0, risks.length - CELL_LIMIT),
                    count: risks.length,
                    ids: risks.map((risk) => risk.id),
                };
            }),
        }));
        const columns = SCALE.map((impact) => ({
            impact,
            label: this.state.labels.impact[String(impact)] || String(impact),
        }));
        const legend = ["low", "medium", "high", "critical"].map((level) => ({
            level,
            label: this.state.labels.level[level] || level,
            count: levelCounts[level],
        }));
        return { rows, columns, legend, unrated };
    }

    cellTitle(cell) {
        return _t("Likelihood %(likelihood)s × impact %(impact)s = %(score)s: %(level)s", {
            likelihood: cell.likelihood,
            impact: cell.impact,
            score: cell.score,
            level: cell.levelLabel,
        });
    }

    riskLabel(risk) {
        return risk.reference ? `${risk.reference} ${risk.name}` : risk.name;
    }

    // ------------------------------------------------------------------ handlers
    onSystemChange(ev) {
        this.state.systemId = Number(ev.target.value) || 0;
    }

    onTypeChange(ev) {
        this.state.riskType = ev.target.value;
    }

    onBasisChange(ev) {
        this.state.basis = ev.target.value;
    }

    onClosedToggle(ev) {
        this.state.includeClosed = ev.target.checked;
    }

    openRisk(risk) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "svcms.risk",
            res_id: risk.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openList(ids, name) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: "svcms.risk",
            domain: [["id", "in", ids]],
            views: [
                [false, "list"],
                [false, "form"],
            ],
            context: { active_test: false },
            target: "current",
        });
    }

    openCell(cell) {
        return this.openList(cell.ids, this.cellTitle(cell));
    }

    openUnrated(risks) {
        return this.openList(
            risks.map((risk) => risk.id),
            _t("Not rated yet")
        );
    }
}

registry.category("actions").add("svcms_risk_heat_map", RiskHeatMap);
