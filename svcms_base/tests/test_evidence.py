from datetime import date

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestClauseEvidence(TransactionCase):
    """Each clause shows the record types declaring it and their count in a period, from one aggregate per type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Evidence customer"})
        Clause = cls.env["svcms.clause"]
        cls.clause_complaints = Clause.search([("standard", "=", "iso20000"), ("code", "=", "8.3.2")])
        cls.clause_policy = Clause.search([("standard", "=", "iso20000"), ("code", "=", "5.2")])

    def _complaint(self, received):
        return self.env["svcms.complaint"].create(
            {"subject": "Noisy unit", "description": "Noisy", "partner_id": self.partner.id, "date_received": received}
        )

    def test_complaints_counted_in_their_period_only(self):
        clauses = self.clause_complaints | self.clause_policy
        before = clauses._svcms_evidence_counts(date(2031, 3, 1), date(2031, 3, 31), self.env.company)
        self._complaint("2031-03-05 02:00:00")
        self._complaint("2031-03-31 10:00:00")
        self._complaint("2031-04-02 10:00:00")
        counts = clauses._svcms_evidence_counts(date(2031, 3, 1), date(2031, 3, 31), self.env.company)
        complaint_counts = {name: count for name, _label, count in counts[self.clause_complaints.id]}
        counted_before = {name: count for name, _label, count in before[self.clause_complaints.id]}
        self.assertEqual(complaint_counts["svcms.complaint"], counted_before["svcms.complaint"] + 2)
        self.assertNotIn("svcms.complaint", [name for name, _label, _count in counts[self.clause_policy.id]])
        self.assertIn("svcms.complaint", self.env["svcms.clause"]._svcms_evidence_models())

    def test_sample_draws_from_the_period(self):
        inside = self._complaint("2031-05-10 10:00:00") | self._complaint("2031-05-11 10:00:00")
        self._complaint("2031-06-10 10:00:00")
        sample = self.env["svcms.complaint"]._svcms_evidence_sample(date(2031, 5, 1), date(2031, 5, 31), 5)
        self.assertEqual(sample, inside)
        self.assertEqual(
            len(self.env["svcms.complaint"]._svcms_evidence_sample(date(2031, 5, 1), date(2031, 5, 31), 1)), 1
        )


@tagged("post_install", "-at_install")
class TestEvidenceDeclarations(TransactionCase):
    """Every record type's declaration names real clauses; registers, splits and dotted dates count right."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Clause = cls.env["svcms.clause"]
        cls.partner = cls.env["res.partner"].create({"name": "Evidence customer"})

    def clause(self, standard, code):
        clause = self.Clause.search([("standard", "=", standard), ("code", "=", code)])
        self.assertEqual(len(clause), 1, f"{standard} {code}")
        return clause

    def counts(self, clause, date_from=date(2031, 3, 1), date_to=date(2031, 3, 31)):
        rows = clause._svcms_evidence_counts(date_from, date_to, self.env.company)[clause.id]
        return {label if name == "svcms.service.request" else name: count for name, label, count in rows}

    def test_every_declared_clause_exists(self):
        existing = set(self.Clause.with_context(active_test=False).search([]).mapped(lambda c: (c.standard, c.code)))
        names = self.Clause._svcms_evidence_models()
        expected = {"svcms.complaint", "svcms.document", "svcms.document.review", "svcms.document.acknowledgement",
                    "svcms.training.session", "svcms.training.attendance", "hr.employee.skill", "svcms.objective",
                    "svcms.kpi.measurement", "svcms.risk", "svcms.context.issue", "svcms.interested.party",
                    "svcms.obligation", "svcms.compliance.evaluation", "svcms.communication.plan",
                    "svcms.knowledge.article", "svcms.sla.line", "svcms.sla.agreement", "svcms.raci.line",
                    "svcms.process"}  # fmt: skip
        self.assertLessEqual(expected, set(names))
        for name in names:
            Model = self.env[name]
            declared = [(standard, code) for standard, codes in Model._svcms_evidence_clauses.items() for code in codes]
            declared += list(Model._svcms_evidence_split)
            self.assertTrue(declared, f"{name} declares no clause")
            for key in declared:
                self.assertIn(key, existing, f"{name} declares {key}, not in svcms_clause_data.xml")
            # the date field and the domain are valid: the count runs
            self.assertGreaterEqual(Model._svcms_evidence_count(date(2031, 1, 1), date(2031, 12, 31)), 0)
            if Model._svcms_evidence_split_field:
                self.assertEqual(Model._fields[Model._svcms_evidence_split_field].type, "selection")

    def test_register_counts_current_records_whatever_the_period(self):
        clause = self.clause("iso20000", "4.4")
        before = self.counts(clause).get("svcms.process", 0)
        self.env["svcms.process"].create({"name": "Evidence test process"})
        self.assertEqual(self.counts(clause)["svcms.process"], before + 1)
        self.assertEqual(self.counts(clause, date(2001, 1, 1), date(2001, 1, 31))["svcms.process"], before + 1)

    def test_drafts_do_not_count(self):
        clause = self.clause("iso20000", "7.6")
        before = self.counts(clause).get("svcms.knowledge.article", 0)
        article = self.env["svcms.knowledge.article"].create({"name": "How to descale"})
        self.assertEqual(self.counts(clause)["svcms.knowledge.article"], before, "a draft article is no evidence")
        article.action_publish()
        self.assertEqual(self.counts(clause)["svcms.knowledge.article"], before + 1)

    def test_clause_form_shows_evidence_and_controlling_documents(self):
        clause = self.clause("iso20000", "8.3.2")
        other = self.clause("iso20000", "8.3.3")
        document = self.env["svcms.document"].create(
            {"name": "Complaint procedure", "document_type_id": self.env.ref("svcms_base.document_type_procedure").id}
        )
        draft = self.env["svcms.document"].create(
            {"name": "Draft procedure", "document_type_id": self.env.ref("svcms_base.document_type_procedure").id}
        )
        covering = self.env["svcms.document"].create(
            {
                "name": "Complaint form",
                "document_type_id": self.env.ref("svcms_base.document_type_form").id,
                "clause_ids": [(6, 0, clause.ids)],
            }
        )
        (document | covering).write({"state": "effective", "effective_date": "2031-03-02"})  # as superuser
        process = self.env["svcms.process"].create(
            {
                "name": "Complaint handling",
                "clause_ids": [(6, 0, clause.ids)],
                "document_ids": [(6, 0, (document | draft).ids)],
            }
        )
        self.env["svcms.complaint"].create(
            {
                "subject": "Late",
                "description": "Late",
                "partner_id": self.partner.id,
                "date_received": "2031-03-10 10:00",
            }
        )
        clauses = (clause | other).with_context(evidence_date_from="2031-03-01", evidence_date_to="2031-03-31")
        clause_in_period, other_in_period = clauses
        self.assertEqual(clause_in_period.evidence_date_from, date(2031, 3, 1))
        self.assertGreaterEqual(clause_in_period.evidence_count, 1)
        self.assertIn(
            "svcms.complaint",
            [n for n, _l, _c in clause._svcms_evidence_counts(date(2031, 3, 1), date(2031, 3, 31))[clause.id]],
        )
        self.assertIn("<table", str(clause_in_period.evidence_html))
        self.assertIn(process, clause_in_period.control_process_ids)
        self.assertLessEqual(document | covering, clause_in_period.control_document_ids)
        self.assertNotIn(draft, clause_in_period.control_document_ids, "effective documents only")
        self.assertFalse(other_in_period.control_document_ids & (document | covering))
        # default period: the last 12 months
        self.assertEqual((clause.evidence_date_to - clause.evidence_date_from).days, 364)

    def test_service_requests_split_by_type(self):
        if "svcms.service.request" not in self.env:
            self.skipTest("svcms_aftersales is not installed")
        Request = self.env["svcms.service.request"]
        install, repair, service = (
            self.clause("gbt27922", "2.4.1"),
            self.clause("gbt27922", "2.4.2"),
            self.clause("iso20000", "8.6.2"),
        )
        period = (date(2031, 3, 1), date(2031, 3, 31))

        def count(clause):
            return sum(
                c for n, _l, c in (clause._svcms_evidence_counts(*period)[clause.id]) if n == "svcms.service.request"
            )

        before = [count(install), count(repair), count(service)]
        Request.create(
            [
                {"partner_id": self.partner.id, "request_type": "installation", "request_date": "2031-03-05 10:00"},
                {"partner_id": self.partner.id, "request_type": "repair_onsite", "request_date": "2031-03-06 10:00"},
                {"partner_id": self.partner.id, "request_type": "repair_report", "request_date": "2031-03-07 10:00"},
                {"partner_id": self.partner.id, "request_type": "consultation", "request_date": "2031-03-07 11:00"},
                {"partner_id": self.partner.id, "request_type": "repair_onsite", "request_date": "2031-04-07 10:00"},
            ]
        )
        self.assertEqual([count(install), count(repair), count(service)], [before[0] + 1, before[1] + 2, before[2] + 4])
        labels = [
            label
            for n, label, _c in install._svcms_evidence_counts(*period)[install.id]
            if n == "svcms.service.request"
        ]
        self.assertEqual(len(labels), 1)
        self.assertIn("(", labels[0], "the label names the request types counted")
        sample = Request._svcms_evidence_sample(*period, 10, clause=install)
        self.assertTrue(sample)
        self.assertEqual(set(sample.mapped("request_type")), {"installation"})
