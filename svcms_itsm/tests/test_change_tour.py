from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestChangeCabTour(HttpCase):
    def test_cab_member_votes_on_conflicting_change(self):
        itsm = "base.group_user,svcms_itsm.group_itsm_user"
        requester = new_test_user(self.env, "t_chg_tour_req", groups=itsm)
        member = new_test_user(
            self.env, "t_chg_tour_cab", name="Tour CAB Member", groups=f"{itsm},svcms_itsm.group_itsm_cab"
        )
        member2 = new_test_user(self.env, "t_chg_tour_cab2", groups=f"{itsm},svcms_itsm.group_itsm_cab")
        cab = self.env["svcms.cab"].create(
            {
                "name": "Tour CAB",
                "quorum": 2,
                "member_ids": [Command.create({"user_id": member.id}), Command.create({"user_id": member2.id})],
            }
        )
        ci_type = self.env["svcms.ci.type"].create({"name": "Tour type", "code": "T-TOUR"})
        ci = self.env["svcms.ci"].create({"name": "Tour server", "identifier": "T-TOUR-01", "type_id": ci_type.id})
        window = {"planned_start": "2031-05-06 20:00:00", "planned_end": "2031-05-06 23:00:00"}
        Change = self.env["svcms.change"].with_user(requester)
        Change.create({"subject": "Tour overlapping change", "ci_ids": [Command.set(ci.ids)], **window})
        change = Change.create(
            {
                "subject": "Tour change",
                "cab_id": cab.id,
                "backout_plan": "<p>Restore.</p>",
                "ci_ids": [Command.set(ci.ids)],
                **window,
            }
        )
        for response in change.risk_response_ids:
            response.answer_id = response.question_id.answer_ids[:1]
        change.action_submit()
        change.action_request_approval()
        self.assertTrue(change.has_conflict)

        self.start_tour(f"/odoo/svcms.change/{change.id}", "svcms_itsm_change_cab_tour", login=member.login)

        change.invalidate_recordset()
        self.assertEqual(len(change.vote_ids), 1)
        self.assertEqual(
            (change.vote_ids.user_id, change.vote_ids.decision, change.vote_ids.comment),
            (member, "approve", "已与机房协调，窗口可错开 30 分钟"),
        )
        self.assertEqual(change.state, "approval", "one approval of a quorum of two")
