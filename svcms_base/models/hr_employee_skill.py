from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import format_date

from .competence_gap import EXPIRING_DAYS


class HrEmployeeSkill(models.Model):
    """Certifications held: expiry status and renewal reminders to the employee's manager.

    hr_skills' own daily cron (``hr.employee._add_certification_activity_to_employees``) only looks
    at certifications required on job positions (``hr.job.skill``), three months ahead, and asks the
    employee to upload a certificate. The renewal reminder here covers every certification held,
    30 days ahead, and goes to whoever organises the renewal training (manager, department manager,
    HR responsible): once per certification and end of validity, and not when hr_skills already
    asked the same person about the same certification.
    """

    _name = "hr.employee.skill"
    _inherit = ["hr.employee.skill", "svcms.cron.failure.mixin", "svcms.lang.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.2",), "gbt27922": ("1.2.2",)}
    _svcms_evidence_date_field = None  # certifications held now
    _svcms_evidence_domain = [("skill_type_id.is_certification", "=", True)]

    svcms_expiry_status = fields.Selection(
        [("valid", "Valid"), ("expiring", "Expiring Soon"), ("expired", "Expired")],
        string="Expiry Status",
        compute="_compute_svcms_expiry_status",
    )
    svcms_renewal_notified = fields.Boolean(
        string="Renewal Reminder Sent",
        compute="_compute_svcms_renewal_notified",
        store=True,
        readonly=False,
        copy=False,
        help="Set when the renewal reminder for the current end of validity was scheduled; a new end of "
        "validity resets it.",
    )

    @api.depends("valid_to")
    def _compute_svcms_expiry_status(self):
        today = fields.Date.today()
        for skill in self:
            if skill.valid_to and skill.valid_to < today:
                skill.svcms_expiry_status = "expired"
            elif skill.valid_to and skill.valid_to <= today + timedelta(days=EXPIRING_DAYS):
                skill.svcms_expiry_status = "expiring"
            else:
                skill.svcms_expiry_status = "valid"

    @api.depends("valid_to")
    def _compute_svcms_renewal_notified(self):
        self.svcms_renewal_notified = False

    # ------------------------------------------------------------------ renewal reminders
    @api.model
    def _svcms_renewal_domain(self):
        today = fields.Date.today()
        return Domain.AND(
            [
                Domain("is_certification", "=", True),
                Domain("valid_to", ">=", today),
                Domain("valid_to", "<=", today + timedelta(days=EXPIRING_DAYS)),
                Domain("svcms_renewal_notified", "=", False),
                Domain("employee_id.active", "=", True),
                # a certification the cron failed on today waits for tomorrow's run
                self._svcms_cron_retry_domain(),
            ]
        )

    @api.model
    def _cron_svcms_certification_renewal(self, batch_size=200):
        """Daily cron: schedule renewal reminders in batches, committing progress after each."""
        done, remaining = self._svcms_schedule_renewal_activities(batch_size)
        self.env["ir.cron"]._commit_progress(done, remaining=remaining)

    @api.model
    def _svcms_schedule_renewal_activities(self, batch_size=200):
        """Schedule one renewal activity per certification ending within 30 days (one batch).

        A certification already renewed (a later or open-ended one of the same skill exists) needs no
        reminder. Queries per batch are bounded: the batch, newer certifications, open hr_skills
        activities, one activity create and one flag write. The batch runs in a savepoint; if it
        fails, each certification runs in its own: a broken one is rolled back, logged and marked
        (failure count and last error), the others are reminded, and tomorrow's run tries it again.

        :return: (number of certifications processed, number still to process)
        """
        self._svcms_check_renewal_rights()
        domain = self._svcms_renewal_domain()
        certifications = self.search(domain, order="valid_to, id", limit=batch_size)
        if not certifications:
            return 0, 0
        certifications._svcms_cron_process(lambda batch: batch._svcms_schedule_renewal_batch())
        return len(certifications), self.search_count(domain)

    @api.model
    def _svcms_check_renewal_rights(self):
        # The reminders are created as superuser (managers of other departments get them).
        if not (
            self.env.su
            or self.env.user.has_group("svcms_base.group_svcms_manager")
            or self.env.user.has_group("hr.group_hr_user")
        ):
            raise AccessError(self.env._("Only HR officers and service management managers schedule renewals."))

    def _svcms_schedule_renewal_batch(self):
        self._svcms_check_renewal_rights()
        certifications = self
        renewed = certifications._svcms_renewed()
        to_remind = certifications - renewed
        already_asked = to_remind._svcms_asked_by_hr_skills()
        activity_type = self.env.ref("svcms_base.mail_activity_type_certification_renewal")
        model_id = self.env["ir.model"]._get_id("hr.employee")
        course_owners = {
            course.skill_id.id: course.responsible_id
            for course in self.env["svcms.training.course"]
            .sudo()
            .search([("skill_id", "in", to_remind.skill_id.ids)], order="id desc")
        }
        vals_list = []
        for certification in to_remind:
            employee = certification.employee_id
            responsible = certification._svcms_renewal_responsible(course_owners.get(certification.skill_id.id))
            key = (employee.id, f"{certification.skill_id.name}: {certification.skill_level_id.name}", responsible.id)
            if key in already_asked:
                continue
            # in the language of whoever organises the renewal (the cron has none)
            addressed = certification._svcms_for_user(responsible)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": employee.id,
                    "activity_type_id": activity_type.id,
                    "user_id": responsible.id,
                    "date_deadline": certification.valid_to,
                    "summary": addressed.env._(
                        "Renew %(certification)s of %(employee)s",
                        certification=certification.skill_id.name,
                        employee=employee.name,
                    ),
                    "note": addressed.env._(
                        "The certification %(certification)s of %(employee)s ends on %(date)s. Schedule a renewal "
                        "training session or record the renewed certificate.",
                        certification=certification.skill_id.name,
                        employee=employee.name,
                        date=format_date(addressed.env, certification.valid_to),
                    ),
                }
            )
        self.env["mail.activity"].sudo().create(vals_list)
        certifications.svcms_renewal_notified = True

    def _svcms_renewed(self):
        """Certifications in self superseded by a later (or open-ended) one of the same employee and skill."""
        newer = self.search(
            Domain("employee_id", "in", self.employee_id.ids)
            & Domain("skill_id", "in", self.skill_id.ids)
            & (Domain("valid_to", "=", False) | Domain("valid_to", ">", min(self.mapped("valid_to"))))
        )
        latest = {}
        for skill in newer:
            key = (skill.employee_id.id, skill.skill_id.id)
            end = skill.valid_to or fields.Date.to_date("9999-12-31")
            latest[key] = max(latest.get(key, end), end)
        return self.filtered(lambda s: latest.get((s.employee_id.id, s.skill_id.id), s.valid_to) > s.valid_to)

    def _svcms_asked_by_hr_skills(self):
        """(employee, summary, user) of open hr_skills "upload certification" activities on these employees."""
        upload_type = self.env.ref("hr_skills.mail_activity_data_upload_certification", raise_if_not_found=False)
        if not upload_type:
            return set()
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "hr.employee"),
                    ("res_id", "in", self.employee_id.ids),
                    ("activity_type_id", "=", upload_type.id),
                ]
            )
        )
        return {(activity.res_id, activity.summary, activity.user_id.id) for activity in activities}

    def _svcms_renewal_responsible(self, course_owner=None):
        """Who organises the renewal: manager, department manager, HR responsible, course owner, else us."""
        self.ensure_one()
        employee = self.employee_id
        return (
            employee.parent_id.user_id
            or employee.department_id.manager_id.user_id
            or employee.hr_responsible_id
            or course_owner
            or self.env.user
        )
