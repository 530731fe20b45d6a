import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { RPCError } from "@web/core/network/rpc";
import { RecordSelector } from "@web/core/record_selectors/record_selector";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

export const RACI_VALUES = ["R", "A", "C", "I"];
const LINE_SPEC = {
    process_id: {},
    department_id: { fields: { name: {} } },
    job_id: { fields: { name: {} } },
    raci: {},
};
/** Errors the server raises on purpose: shown as a notification, never as a traceback. */
const USER_ERRORS = [
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
];

function columnKey(kind, id) {
    return `${kind}-${id}`;
}

/**
 * The responsibility allocation table (职责分配表) of one management system, as the manual prints
 * it: its processes in rows, the departments then the jobs taking part in columns, R/A/C/I in the
 * cells. Users who may edit responsibilities change a cell with its selector: the line is created,
 * changed or deleted at once through the ORM. When the server refuses a change (e.g. a second
 * Accountable), a notification says why and the cell stays marked as not saved: the next change in
 * the same row is saved together with it, as on the process form (moving the A from one role to
 * another is two changes checked together), or the row's changes are discarded.
 */
export class RaciGrid extends Component {
    static template = "svcms_base.RaciGrid";
    static components = { Layout, RecordSelector };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        this.raciValues = RACI_VALUES;
        this.state = useState({
            systems: [],
            systemId: false,
            processes: [],
            columns: [],
            cells: {}, // "processId:columnKey" -> {id, raci}
            pending: {}, // processId -> {columnKey: raci or ""}
            saving: {}, // processId -> true
            canEdit: false,
            loaded: false,
        });
        onWillStart(() => this.start());
    }

    async start() {
        const context = this.props.action.context || {};
        const [systems, canCreate, canWrite, canUnlink] = await Promise.all([
            this.orm.searchRead("svcms.management.system", [], ["display_name"]),
            user.checkAccessRight("svcms.raci.line", "create"),
            user.checkAccessRight("svcms.raci.line", "write"),
            user.checkAccessRight("svcms.raci.line", "unlink"),
        ]);
        this.state.systems = systems;
        this.state.canEdit = canCreate && canWrite && canUnlink;
        const wanted = context.default_management_system_id || context.active_id;
        const system = systems.find((s) => s.id === wanted) || systems[0];
        if (system) {
            await this.loadSystem(system.id);
        }
        this.state.loaded = true;
    }

    async loadSystem(systemId) {
        const [processes, lines] = await Promise.all([
            this.orm.searchRead("svcms.process", [["management_system_id", "=", systemId]], ["display_name", "code", "name"]),
            this.orm.webSearchRead("svcms.raci.line", [["management_system_id", "=", systemId]], {
                specification: LINE_SPEC,
            }),
        ]);
        this.state.systemId = systemId;
        this.state.processes = processes;
        this.state.pending = {};
        this.state.saving = {};
        this.state.cells = {};
        this.state.columns = [];
        const processIds = new Set(processes.map((process) => process.id));
        this.storeLines(lines.records.filter((line) => processIds.has(line.process_id)));
    }

    /** Put lines into the cells, adding the columns of roles not shown yet. */
    storeLines(lines) {
        for (const line of lines) {
            const kind = line.department_id ? "department" : "job";
            const role = line.department_id || line.job_id;
            if (!role) {
                continue;
            }
            this.addColumn(kind, role.id, role.name);
            this.state.cells[`${line.process_id}:${columnKey(kind, role.id)}`] = {
                id: line.id,
                raci: line.raci,
            };
        }
    }

    /** Columns as in the printed manual: departments first, then jobs, each in creation order. */
    addColumn(kind, id, name) {
        const key = columnKey(kind, id);
        if (this.state.columns.some((column) => column.key === key)) {
            return;
        }
        this.state.columns.push({ key, kind, id, name });
        this.state.columns.sort((a, b) => (a.kind === b.kind ? a.id - b.id : a.kind === "department" ? -1 : 1));
    }

    // ------------------------------------------------------------------ display
    get legend() {
        return _t("R = Responsible, A = Accountable (exactly one per process), C = Consulted, I = Informed");
    }

    get raciLabels() {
        return {
            R: _t("Responsible"),
            A: _t("Accountable"),
            C: _t("Consulted"),
            I: _t("Informed"),
        };
    }

    kindLabel(column) {
        return column.kind === "department" ? _t("Department") : _t("Job");
    }

    savedValue(process, column) {
        return this.state.cells[`${process.id}:${column.key}`]?.raci || "";
    }

    cellValue(process, column) {
        const pending = this.state.pending[process.id];
        if (pending && column.key in pending) {
            return pending[column.key];
        }
        return this.savedValue(process, column);
    }

    isPending(process, column) {
        const pending = this.state.pending[process.id];
        return Boolean(pending && column.key in pending);
    }

    rowPending(process) {
        return Object.keys(this.state.pending[process.id] || {}).length > 0;
    }

    cellTitle(process, column) {
        const value = this.cellValue(process, column);
        const role = value ? this.raciLabels[value] : _t("No part");
        return `${process.display_name} / ${column.name}: ${role}`;
    }

    get departmentIds() {
        return this.state.columns.filter((c) => c.kind === "department").map((c) => c.id);
    }

    get jobIds() {
        return this.state.columns.filter((c) => c.kind === "job").map((c) => c.id);
    }

    // ------------------------------------------------------------------ editing
    async onSystemChange(ev) {
        await this.loadSystem(Number(ev.target.value));
    }

    async onAddColumn(kind, id) {
        if (!id) {
            return;
        }
        const model = kind === "department" ? "hr.department" : "hr.job";
        const [record] = await this.orm.read(model, [id], ["name"]);
        this.addColumn(kind, id, record.name);
    }

    async onCellChange(process, column, ev) {
        const value = ev.target.value;
        const pending = { ...(this.state.pending[process.id] || {}) };
        if (value === this.savedValue(process, column)) {
            delete pending[column.key];
        } else {
            pending[column.key] = value;
        }
        this.state.pending[process.id] = pending;
        await this.saveRow(process);
    }

    discardRow(process) {
        this.state.pending[process.id] = {};
    }

    /** Save the changes of one row: one change through the line itself, several in one write. */
    async saveRow(process) {
        const pending = { ...(this.state.pending[process.id] || {}) };
        const changes = Object.entries(pending).map(([key, raci]) => {
            const column = this.state.columns.find((c) => c.key === key);
            return { column, raci, line: this.state.cells[`${process.id}:${key}`] };
        });
        if (!changes.length || this.state.saving[process.id]) {
            return;
        }
        this.state.saving[process.id] = true;
        try {
            if (changes.length === 1) {
                await this.saveLine(process, changes[0]);
            } else {
                await this.orm.write("svcms.process", [process.id], {
                    raci_line_ids: changes.map((change) => this.lineCommand(process, change)).filter(Boolean),
                });
            }
            // forget what was saved, keep what changed meanwhile
            const left = { ...(this.state.pending[process.id] || {}) };
            for (const [key, raci] of Object.entries(pending)) {
                if (left[key] === raci) {
                    delete left[key];
                }
            }
            this.state.pending[process.id] = left;
            await this.reloadRow(process);
        } catch (error) {
            if (!(error instanceof RPCError) || !USER_ERRORS.includes(error.exceptionName)) {
                throw error;
            }
            const hint = _t(
                "The change stays marked in the grid: change another cell of this row to save them together (e.g. to move the A), or undo it."
            );
            this.notification.add(`${error.data.message} ${hint}`, {
                title: _t("Not saved: %(process)s", { process: process.display_name }),
                type: "danger",
                sticky: false,
            });
        } finally {
            delete this.state.saving[process.id];
        }
    }

    async saveLine(process, { column, raci, line }) {
        if (line && !raci) {
            await this.orm.unlink("svcms.raci.line", [line.id]);
        } else if (line) {
            await this.orm.write("svcms.raci.line", [line.id], { raci });
        } else if (raci) {
            await this.orm.create("svcms.raci.line", [
                {
                    process_id: process.id,
                    [column.kind === "department" ? "department_id" : "job_id"]: column.id,
                    raci,
                },
            ]);
        }
    }

    lineCommand(process, { column, raci, line }) {
        if (line && !raci) {
            return [2, line.id];
        }
        if (line) {
            return [1, line.id, { raci }];
        }
        if (raci) {
            return [0, 0, { [column.kind === "department" ? "department_id" : "job_id"]: column.id, raci }];
        }
        return false;
    }

    async reloadRow(process) {
        const lines = await this.orm.webSearchRead("svcms.raci.line", [["process_id", "=", process.id]], {
            specification: LINE_SPEC,
        });
        for (const key of Object.keys(this.state.cells)) {
            if (key.startsWith(`${process.id}:`)) {
                delete this.state.cells[key];
            }
        }
        this.storeLines(lines.records);
    }

    // ------------------------------------------------------------------ navigation
    openProcess(process) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "svcms.process",
            res_id: process.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openLines() {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name: _t("Responsibility Lines"),
            res_model: "svcms.raci.line",
            views: [[false, "list"]],
            domain: [["management_system_id", "=", this.state.systemId]],
            context: { search_default_group_process: 1 },
            target: "current",
        });
    }

    downloadXlsx() {
        return this.actionService.doAction({
            type: "ir.actions.act_url",
            url: `/svcms/raci/xlsx?system_id=${this.state.systemId}`,
            target: "download",
        });
    }
}

registry.category("actions").add("svcms_raci_grid", RaciGrid);
