import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/** Geometry of the two sizes: a chart on the KPI form, a sparkline on the kanban card. */
const SIZES = {
    full: { width: 720, height: 240, left: 56, right: 16, top: 14, bottom: 34 },
    sparkline: { width: 160, height: 44, left: 3, right: 3, top: 4, bottom: 4 },
};

/** A "nice" step (1, 2 or 5 times a power of ten) giving about `count` intervals over `span`. */
function niceStep(span, count) {
    const raw = span / count;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const fraction = raw / power;
    const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return nice * power;
}

export function formatValue(value, unit) {
    if (value === null || value === undefined) {
        return "—";
    }
    const number = formatFloat(value, { digits: [16, 2], trailingZeros: false });
    if (!unit) {
        return number;
    }
    return unit === "%" ? `${number}%` : `${number} ${unit}`;
}

/**
 * One KPI's measurements over time as an SVG line, with its target and the side of the target that
 * is good (above it when higher is better, below when lower is better). Never several KPIs on one
 * axis: each has its own unit and scale.
 */
export class KpiChart extends Component {
    static template = "svcms_base.KpiChart";
    static props = {
        series: { type: Object, optional: true },
        mode: { type: String, optional: true },
    };
    static defaultProps = { mode: "full" };

    get series() {
        return this.props.series || {};
    }

    get points() {
        return this.series.points || [];
    }

    get isSparkline() {
        return this.props.mode === "sparkline";
    }

    get hasValues() {
        return this.points.some((point) => point.value !== null);
    }

    get legend() {
        const series = this.series;
        return {
            target: _t("Target: %(target)s", { target: formatValue(series.target, series.unit) }),
            direction: series.direction_label || "",
            arrow: series.direction === "lower" ? "fa-arrow-down" : "fa-arrow-up",
            value: series.unit ? _t("Measured (%(unit)s)", { unit: series.unit }) : _t("Measured"),
        };
    }

    get emptyLabel() {
        return _t("No measurement yet");
    }

    /** Everything the template draws, in SVG user units. */
    get chart() {
        const size = SIZES[this.props.mode] || SIZES.full;
        const { width, height, left, right, top, bottom } = size;
        const plotWidth = width - left - right;
        const plotHeight = height - top - bottom;
        const points = this.points;
        const unit = this.series.unit;
        const targets = points.map((point) => point.target);
        if (!points.length) {
            targets.push(this.series.target || 0);
        }
        const values = points.filter((point) => point.value !== null).map((point) => point.value);
        let low = Math.min(...values, ...targets);
        let high = Math.max(...values, ...targets);
        if (high - low < 1e-9) {
            const pad = Math.abs(high) * 0.1 || 1;
            low -= pad;
            high += pad;
        }
        const ticks = [];
        if (!this.isSparkline) {
            const step = niceStep(high - low, 4);
            low = Math.floor(low / step) * step;
            high = Math.ceil(high / step) * step;
            for (let tick = low; tick <= high + step / 2; tick += step) {
                ticks.push(tick);
            }
        } else {
            const pad = (high - low) * 0.1;
            low -= pad;
            high += pad;
        }
        const y = (value) => top + plotHeight - ((value - low) / (high - low)) * plotHeight;
        const x = (index) =>
            points.length > 1 ? left + (index * plotWidth) / (points.length - 1) : left + plotWidth / 2;

        // the measured line, broken where a period had nothing to measure
        let valuePath = "";
        let pen = "M";
        points.forEach((point, index) => {
            if (point.value === null) {
                pen = "M";
                return;
            }
            valuePath += `${pen}${x(index).toFixed(1)},${y(point.value).toFixed(1)} `;
            pen = "L";
        });
        // the target as a step line across the plot: each measurement keeps the target it was judged on
        const targetSteps = [];
        if (points.length) {
            points.forEach((point, index) => {
                const from = index ? (x(index - 1) + x(index)) / 2 : left;
                const to = index < points.length - 1 ? (x(index) + x(index + 1)) / 2 : left + plotWidth;
                targetSteps.push([from, y(point.target)], [to, y(point.target)]);
            });
        } else {
            targetSteps.push([left, y(targets[0])], [left + plotWidth, y(targets[0])]);
        }
        const targetPath = targetSteps.map(([px, py], i) => `${i ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
        // the good side of the target, lightly shaded
        const edge = this.series.direction === "lower" ? top + plotHeight : top;
        const goodZone = `${targetPath} L${(left + plotWidth).toFixed(1)},${edge} L${left},${edge} Z`;

        const labelEvery = Math.max(1, Math.ceil(points.length / 8));
        const dots = points
            .map((point, index) => ({ point, index }))
            .filter(({ point }) => point.value !== null)
            .map(({ point, index }) => ({
                key: point.period,
                cx: x(index),
                cy: y(point.value),
                onTarget: point.on_target,
                title: _t("%(period)s: %(value)s (target %(target)s)", {
                    period: point.label,
                    value: formatValue(point.value, unit),
                    target: formatValue(point.target, unit),
                }),
            }));
        const last = dots.length ? dots[dots.length - 1] : null;
        return {
            width,
            height,
            viewBox: `0 0 ${width} ${height}`,
            left,
            right: left + plotWidth,
            bottom: top + plotHeight,
            valuePath,
            targetPath,
            goodZone,
            dots: this.isSparkline ? (last ? [last] : []) : dots,
            yTicks: ticks.map((tick) => ({
                key: String(tick),
                y: y(tick),
                label: formatValue(Math.round(tick * 1e6) / 1e6, unit === "%" ? "%" : ""),
            })),
            xLabels: points
                .map((point, index) => ({ key: point.period, x: x(index), label: point.label, index }))
                // counted from the latest period, which is always labelled
                .filter(({ index }) => (points.length - 1 - index) % labelEvery === 0),
            lastTitle: last ? last.title : "",
        };
    }
}

/** Field widget on svcms.kpi's `chart_data` (JSON): `options="{'mode': 'sparkline'}"` on kanban cards. */
export class KpiChartField extends Component {
    static template = "svcms_base.KpiChartField";
    static components = { KpiChart };
    static props = { ...standardFieldProps, mode: { type: String, optional: true } };

    get series() {
        return this.props.record.data[this.props.name] || {};
    }
}

export const kpiChartField = {
    component: KpiChartField,
    displayName: _t("KPI Chart"),
    supportedTypes: ["json"],
    extractProps: ({ options }) => ({ mode: options.mode || "full" }),
};

registry.category("fields").add("svcms_kpi_chart", kpiChartField);
