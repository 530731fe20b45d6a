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
