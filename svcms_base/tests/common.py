"""Fixtures shared by the svcms_base tests (no test of their own).

- ``SlaCase``: calendars, customers, an SLA policy factory and complaints (SLA engine, complaints);
- ``SvcmsTrainingCase``: a small after-sales team, a certifying course and a competence requirement
  (training, competence);
- ``DocumentCommon``: a management system, document users and helpers (controlled documents, manual);
- ``committed_env`` / ``run_workers``: committed data and two cron workers at once (cron concurrency).
"""

import threading
from contextlib import closing, contextmanager
from datetime import datetime

import pytz
from dateutil.relativedelta import relativedelta
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.orm.environments import Transaction
from odoo.sql_db import db_connect
from odoo.tests import Form, TransactionCase, new_test_user


class SlaCase(TransactionCase):
    """Calendars, a customer and a policy factory shared by the SLA and complaint tests.

    Complaints are the consumer model: they inherit svcms.sla.mixin and declare their states.
    The demo policies are archived so that each test sees only the policies it creates.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        cls.env["svcms.sla.policy"].search([]).write({"active": False})
        cls.env["svcms.sla.agreement"].search([]).write({"active": False})
        cls.office_shanghai = cls._calendar("Office Shanghai", "Asia/Shanghai")
        cls.office_berlin = cls._calendar("Office Berlin", "Europe/Berlin")
        cls.always = cls._calendar("Always", "Europe/Berlin", hours=[(0, 24)], days=tuple(range(7)))
        cls.customer = cls.env["res.partner"].create(
            {"name": "佛山市顺德区美家电器商行", "email": "meijia@example.com"}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "广州市天河区李先生", "email": "li@example.com"})

    @classmethod
    def _calendar(cls, name, tz, hours=((8, 12), (13, 17)), days=(0, 1, 2, 3, 4)):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{name} {day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": "morning" if start < 12 else "afternoon",
                        }
                    )
                    for day in days
                    for start, stop in hours
                ],
            }
        )

    @classmethod
    def _policy(cls, name="Resolution", calendar=None, tz=None, hours=4.0, domain="[]", sequence=10, **target):
        calendar = calendar or cls.office_shanghai
        escalations = target.pop("escalations", [])
        policy_vals = target.pop("policy_vals", {})
        values = {
            "name": name,
            "metric": "resolution",
            "duration": hours,
            "stop_states": "resolved,closed",
            "pause_states": "waiting",
            "restart_states": "reopened",
            "cancel_states": "cancelled",
            "warning_percent": 0.0,
            "escalation_ids": [Command.create(step) for step in escalations],
        }
        values.update(target)
        return cls.env["svcms.sla.policy"].create(
            {
                "name": name,
                "res_model": "svcms.complaint",
                "calendar_id": calendar.id,
                "tz": tz or calendar.tz,
                "domain": domain,
                "sequence": sequence,
                "target_ids": [Command.create(values)],
                **policy_vals,
            }
        )

    @classmethod
    def _complaint(cls, partner=None, **values):
        return cls.env["svcms.complaint"].create(
            {
                "subject": values.pop("subject", "空调安装漏水"),
                "partner_id": (partner or cls.customer).id,
                "description": "<p>安装后第二天室内机漏水</p>",
                **values,
            }
        )

    @staticmethod
    def utc(local_string, tz):
        """Naive UTC datetime of a local wall-clock time, e.g. utc("2026-03-06 16:00", "Asia/Shanghai")."""
        local = pytz.timezone(tz).localize(datetime.strptime(local_string, "%Y-%m-%d %H:%M"))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @staticmethod
    def line(record, metric="resolution"):
        return record.sla_line_ids.filtered(lambda line: line.metric == metric)


class SvcmsTrainingCase(TransactionCase):
    """A small after-sales team of its own (not the demo data): technicians of one job, a certifying
    permit course and a competence requirement asking for the permit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.cert_type = cls.env.ref("svcms_base.skill_type_svcms_certification")
        cls.cert_level = cls.env.ref("svcms_base.skill_level_svcms_certified")
        cls.department = cls.env["hr.department"].create({"name": "Test After-sales"})
        cls.other_department = cls.env["hr.department"].create({"name": "Test Warehouse"})
        cls.job = cls.env["hr.job"].create({"name": "Test Technician", "department_id": cls.department.id})
        cls.permit = cls.env["hr.skill"].create({"name": "Test Installation Permit", "skill_type_id": cls.cert_type.id})
        cls.course = cls.env["svcms.training.course"].create(
            {
                "name": "Test Permit Training",
                "code": "T-PERMIT",
                "is_certifying": True,
                "skill_id": cls.permit.id,
                "validity_months": 24,
                "pass_mark": 60,
                "duration_hours": 16,
            }
        )
        cls.requirement = cls.env["svcms.competence.requirement"].create(
            {"name": "Test technician permit", "code": "T-REQ", "job_ids": [cls.job.id], "skill_ids": [cls.permit.id]}
        )
        cls.manager_user = new_test_user(cls.env, login="t_team_lead", groups="base.group_user")
        cls.team_lead = cls.env["hr.employee"].create(
            {"name": "Team Lead", "department_id": cls.department.id, "user_id": cls.manager_user.id}
        )
        cls.zhang = cls._employee("张伟")
        cls.liu = cls._employee("刘洋")

    @classmethod
    def _employee(cls, name, **vals):
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "job_id": cls.job.id,
                "department_id": cls.department.id,
                "parent_id": cls.team_lead.id,
                **vals,
            }
        )

    @classmethod
    def _session(cls, results, course=None, date=None, **vals):
        """A planned session of ``course`` on ``date`` with {employee: score} results."""
        date = date or cls.today
        return cls.env["svcms.training.session"].create(
            {
                "course_id": (course or cls.course).id,
                "date_start": date - relativedelta(days=1),
                "date_end": date,
                "attendance_ids": [
                    Command.create({"employee_id": employee.id, "score": score}) for employee, score in results.items()
                ],
                **vals,
            }
        )

    @classmethod
    def _certificate(cls, employee, valid_to, skill=None, valid_from=None):
        """A certification recorded directly in hr_skills (e.g. obtained outside the company)."""
        skill = skill or cls.permit
        return cls.env["hr.employee.skill"].create(
            {
                "employee_id": employee.id,
                "skill_type_id": skill.skill_type_id.id,
                "skill_id": skill.id,
                "skill_level_id": cls.cert_level.id,
                "valid_from": valid_from or cls.today - relativedelta(years=2),
                "valid_to": valid_to,
            }
        )


class DocumentCommon(TransactionCase):
    """Users and helpers shared by the controlled-document tests (no test of its own)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "Document control test system", "code": "TDC", "standard": "iso20000"}
        )
        cls.procedure_type = cls.env.ref("svcms_base.document_type_procedure")
        cls.manual_type = cls.env.ref("svcms_base.document_type_manual")
        cls.form_type = cls.env.ref("svcms_base.document_type_form")
        cls.author = new_test_user(cls.env, login="doc_author", groups="svcms_base.group_svcms_user")
        cls.reviewer = new_test_user(cls.env, login="doc_reviewer", groups="svcms_base.group_svcms_user")
        cls.approver = new_test_user(cls.env, login="doc_approver", groups="svcms_base.group_svcms_document_approver")
        cls.manager = new_test_user(cls.env, login="doc_manager", groups="svcms_base.group_svcms_manager")
        cls.employee_user = new_test_user(cls.env, login="doc_employee", groups="base.group_user")
        cls.other_employee_user = new_test_user(cls.env, login="doc_employee2", groups="base.group_user")
        cls.department = cls.env["hr.department"].create({"name": "Service Desk"})
        cls.reader = cls.env["hr.employee"].create(
            {"name": "Reader One", "user_id": cls.employee_user.id, "department_id": cls.department.id}
        )
        cls.reader_without_user = cls.env["hr.employee"].create(
            {"name": "Reader Without User", "department_id": cls.department.id}
        )
        cls.outsider = cls.env["hr.employee"].create({"name": "Outsider", "user_id": cls.other_employee_user.id})
        cls.clause = cls.env.ref("svcms_base.clause_iso20000_7_5_3")

    def _create_document(self, doc_type=None, user=None, **values):
        vals = {
            "name": "Document control procedure",
            "document_type_id": (doc_type or self.procedure_type).id,
            "management_system_id": self.system.id,
            "body": "<p>Documents are reviewed and approved before use.</p>",
            "reviewer_ids": [Command.set(self.reviewer.ids)],
        }
        vals.update(values)
        return self.env["svcms.document"].with_user(user or self.author).create(vals)

    def _approve(self, document):
        document.with_user(document.author_id).action_submit()
        document.with_user(self.reviewer).action_mark_reviewed()
        document.with_user(self.approver).action_approve()
        return document

    def _new_revision(self, document, major=False, summary="Clarified the approval step"):
        wizard = Form(
            self.env["svcms.document.new.revision"].with_user(self.author).with_context(default_document_id=document.id)
        )
        if major:
            wizard.change_type = "major"
        wizard.change_summary = summary
        action = wizard.save().action_create_revision()
        return self.env["svcms.document"].browse(action["res_id"])


# the smallest PDF a portal upload check accepts
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


# ---------------------------------------------------------------- two cron workers at once

# Two cron workers at once, for the concurrency tests (no test of its own).
#
# A TransactionCase's cursor never commits and its data is invisible to other connections, so these
# tests set up COMMITTED data through their own connections (``committed_env``) and delete it again in a
# cleanup. ``run_workers`` runs a function in N threads, each with its own database connection (not the
# registry's test cursor): each takes its REPEATABLE READ snapshot, then all start together (a barrier),
# run the function and commit. A worker that fails to serialize rolls back and runs again, as the cron
# scheduler's next call would; the number of such retries is returned per worker.
#
# The environments are built on the registry object itself: post-install tests run while the loading
# thread holds ``Registry._lock``, so ``Registry(dbname)`` (what ``api.Environment`` calls for a fresh
# cursor) would block the worker threads forever.


def _env(registry, cr, context):
    cr.transaction = Transaction(registry)
    return api.Environment(cr, SUPERUSER_ID, context)


@contextmanager
def committed_env(registry, context=None):
    """An environment on a connection of its own, committed at the end (rolled back on error)."""
    with closing(db_connect(registry.db_name).cursor()) as cr:
        env = _env(registry, cr, dict(context or {}, tracking_disable=True))
        try:
            yield env
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit; a second connection: the workers must see the data
        except BaseException:
            cr.rollback()
            raise


def run_workers(registry, function, workers=2, max_retries=3):
    """Run ``function(env)`` in ``workers`` threads at once; return the retries of each worker."""
    barrier = threading.Barrier(workers)
    retries = [0] * workers
    errors = []

    def work(index):
        try:
            first = True
            while True:
                with closing(db_connect(registry.db_name).cursor()) as cr:
                    cr.execute("SELECT 1")  # the snapshot: taken before any worker commits
                    if first:
                        first = False
                        barrier.wait(timeout=60)
                    env = _env(registry, cr, {})
                    try:
                        function(env)
                        env.flush_all()
                        cr.commit()  # pylint: disable=invalid-commit; a worker commits like Odoo's cron runner
                        return
                    except SerializationFailure:
                        cr.rollback()
                        retries[index] += 1
                        if retries[index] > max_retries:
                            raise
        except Exception as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,), name=f"svcms-cron-{index}") for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError("a cron worker is still running after 120 s (blocked?)")
    if errors:
        raise errors[0]
    return retries
