"""The status pipeline: every allowed move, every refused one, who may make it, and the record
each move leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.reporting import services
from vuonlen.reporting.models import Submission, SubmissionEvent
from vuonlen.reporting.models import SubmissionStatus as S

from .conftest import Q2, vn
from .factories import NARRATIVE, ObligationFactory, ScheduleFactory, SubmissionFactory, figures_input

pytestmark = pytest.mark.django_db


def _start(world, org=None, actor=SYSTEM):
    org = org or world.farmers
    return services.submission_start(actor=actor, organisation=org, schedule=world.schedule, period=Q2)


def _save(world, sub, actor, submit=False, now=None, **kw):
    kw.setdefault("figures_input", figures_input(sub))
    kw.setdefault("narrative_input", NARRATIVE)
    return services.submission_save(actor=actor, submission=sub, expected_version=sub.version, submit=submit,
                                    now=now or vn(2023, 6, 5), **kw)


def _moves(sub):
    return list(SubmissionEvent.objects.filter(submission=sub).order_by("pk").values_list(
        "from_status", "to_status"))


def test_start_prefills_figures_and_records_the_draft(world):
    sub = _start(world, actor=world.farmers_user)
    assert sub.status == S.DRAFT and sub.period_code == "2023-Q2"
    villages = sub.values["villages"]
    assert villages["prefilled"] == villages["value"] and isinstance(villages["prefilled"], int)
    assert villages["source"].startswith("Danh mục thôn")
    assert sub.values["propaganda_sessions"]["prefilled"] is None  # typed by the unit
    assert _moves(sub) == [("", S.DRAFT)]
    assert AuditLog.objects.filter(object_id=str(sub.pk), action=AuditAction.CREATE).exists()
    # Starting again returns the same report.
    assert _start(world, actor=world.farmers_user2).pk == sub.pk


def test_full_pipeline_with_a_return_and_a_resubmission(world):
    sub = _start(world, actor=world.farmers_user)
    sub = _save(world, sub, world.farmers_user, submit=True, now=vn(2023, 6, 6, 10))
    assert sub.status == S.SUBMITTED and sub.submitted_at == vn(2023, 6, 6, 10)
    sub = services.submission_return(actor=world.secretariat, submission=sub, expected_version=sub.version,
                                     comment="Bổ sung số liệu hộ nghèo", now=vn(2023, 6, 9))
    assert sub.status == S.RETURNED
    sub = _save(world, sub, world.farmers_user2, submit=True, now=vn(2023, 6, 12))
    assert sub.status == S.SUBMITTED
    # The first sending is what counts against the deadline.
    assert sub.submitted_at == vn(2023, 6, 6, 10) and sub.last_submitted_at == vn(2023, 6, 12)
    sub = services.submission_accept(actor=world.secretariat2, submission=sub, expected_version=sub.version,
                                     now=vn(2023, 6, 13))
    assert sub.status == S.ACCEPTED and sub.accepted_at == vn(2023, 6, 13)
    assert _moves(sub) == [("", S.DRAFT), (S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.RETURNED),
                           (S.RETURNED, S.SUBMITTED), (S.SUBMITTED, S.ACCEPTED)]
    events = list(sub.events.order_by("pk"))
    assert events[2].comment == "Bổ sung số liệu hộ nghèo" and events[2].actor == world.secretariat
    assert events[3].is_resubmission and events[3].label == "Gửi lại" and events[3].actor == world.farmers_user2
    assert events[4].actor_name == "tt.huyen2"
    notes = list(AuditLog.objects.filter(object_id=str(sub.pk), action=AuditAction.UPDATE).values_list("note", flat=True))
    assert "Trả lại: Bổ sung số liệu hộ nghèo" in notes and "Tiếp nhận báo cáo" in notes


def test_accepted_is_locked(world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1),
                            accepted=True)
    with pytest.raises(ValidationError, match="đã được tiếp nhận .* nên đã khoá"):
        _save(world, sub, world.farmers_user)
    for move in (services.submission_accept, services.submission_submit):
        with pytest.raises(ValidationError, match="đã khoá"):
            move(actor=SYSTEM, submission=sub, expected_version=sub.version)
    with pytest.raises(ValidationError, match="đã khoá"):
        services.submission_return(actor=world.secretariat, submission=sub, expected_version=sub.version,
                                   comment="Sửa lại")
    assert Submission.objects.get(pk=sub.pk).status == S.ACCEPTED


def test_refused_moves_say_why_in_vietnamese(world):
    draft = _start(world)
    with pytest.raises(ValidationError, match="từ “Nháp” sang “Đã tiếp nhận”: chỉ báo cáo đã gửi mới được tiếp nhận"):
        services.submission_accept(actor=world.secretariat, submission=draft, expected_version=draft.version)
    with pytest.raises(ValidationError, match="báo cáo chưa gửi thì không có gì để trả lại"):
        services.submission_return(actor=world.secretariat, submission=draft, expected_version=draft.version,
                                   comment="x")
    sent = _save(world, draft, world.farmers_user, submit=True)
    with pytest.raises(ValidationError, match="đã gửi rồi"):
        services.submission_submit(actor=world.farmers_user, submission=sent, expected_version=sent.version)
    with pytest.raises(ValidationError, match="đang chờ Thường trực xem xét nên không sửa được"):
        _save(world, sent, world.farmers_user)
    returned = services.submission_return(actor=world.secretariat, submission=sent, expected_version=sent.version,
                                          comment="Thiếu số liệu")
    with pytest.raises(ValidationError, match="phải được đơn vị gửi lại trước"):
        services.submission_accept(actor=world.secretariat, submission=returned, expected_version=returned.version)
    assert _moves(returned)[-1] == (S.SUBMITTED, S.RETURNED)


def test_return_needs_a_reason(world):
    sent = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1))
    with pytest.raises(ValidationError) as caught:
        services.submission_return(actor=world.secretariat, submission=sent, expected_version=sent.version,
                                   comment="   \n ")
    assert caught.value.message_dict["comment"] == ["Trả lại báo cáo phải ghi rõ lý do, để đơn vị biết cần sửa gì."]
    assert Submission.objects.get(pk=sent.pk).status == S.SUBMITTED
    assert _moves(sent)[-1] == (S.DRAFT, S.SUBMITTED)


def test_who_may_move_what(world):
    draft = _start(world, actor=world.farmers_user)
    # Another unit cannot even see it: submitting "someone else's report" is a 404.
    with pytest.raises(Http404):
        _save(world, draft, world.youth_user, submit=True)
    with pytest.raises(Http404):
        services.submission_start(actor=world.youth_user, organisation=world.farmers, schedule=world.schedule,
                                  period=Q2)
    # The secretariat sees it but does not fill or send a unit's report.
    with pytest.raises(PermissionDenied, match="Chỉ người của Hội Nông dân huyện Kon Rẫy"):
        _save(world, draft, world.secretariat, submit=True)
    sent = _save(world, draft, world.farmers_user, submit=True)
    # A unit does not accept its own report (403), nor another unit's, which it cannot see (404); a viewer
    # does not accept either; another district's secretariat cannot see it.
    with pytest.raises(PermissionDenied, match="không có quyền tiếp nhận"):
        services.submission_accept(actor=world.farmers_user2, submission=sent, expected_version=sent.version)
    with pytest.raises(Http404):
        services.submission_accept(actor=world.youth_user, submission=sent, expected_version=sent.version)
    with pytest.raises(PermissionDenied, match="không có quyền tiếp nhận"):
        services.submission_accept(actor=world.viewer, submission=sent, expected_version=sent.version)
    with pytest.raises(Http404):
        services.submission_accept(actor=world.other_secretariat, submission=sent, expected_version=sent.version)
    assert Submission.objects.get(pk=sent.pk).status == S.SUBMITTED


def test_a_district_secretariat_does_not_accept_reports_owed_to_the_province(world):
    province = ScheduleFactory(name="Báo cáo quý (tỉnh)", form=world.schedule.form, issuer=world.province_bcd,
                               year_from=None)
    ObligationFactory(schedule=province, organisation=world.bcd)
    sub = SubmissionFactory(schedule=province, organisation=world.bcd, period=Q2, sent_at=vn(2023, 6, 5))
    with pytest.raises(PermissionDenied):
        services.submission_accept(actor=world.secretariat, submission=sub, expected_version=sub.version)


def test_commune_officer_acts_for_the_organisations_of_their_commune(world):
    sub = _start(world, org=world.bcd_x, actor=world.commune_officer)
    sub = _save(world, sub, world.commune_officer, submit=True)
    assert sub.status == S.SUBMITTED
    with pytest.raises(Http404):  # not the neighbouring commune's
        _start(world, org=world.bcd_y, actor=world.commune_officer)


def test_changed_figure_needs_a_note_and_sending_needs_the_required_parts(world):
    sub = _start(world, actor=world.farmers_user)
    prefilled = sub.values["villages"]["prefilled"]
    with pytest.raises(ValidationError) as caught:
        _save(world, sub, world.farmers_user, figures_input=figures_input(sub, villages=(str(prefilled + 3), "")))
    assert "hãy ghi rõ lý do sửa" in caught.value.message_dict["note_villages"][0]
    sub = _save(world, sub, world.farmers_user, figures_input=figures_input(
        sub, villages=(str(prefilled + 3), "Có 3 thôn mới tách")))
    assert sub.values["villages"] == {**sub.values["villages"], "value": prefilled + 3, "note": "Có 3 thôn mới tách",
                                      "prefilled": prefilled}
    # A draft may be incomplete; sending it may not: every missing part is named at once.
    with pytest.raises(ValidationError) as caught:
        _save(world, sub, world.farmers_user, submit=True, narrative_input={"ket-qua": "", "ton-tai": ""},
              figures_input={**figures_input(sub), "models_active": ("", "")})
    errors = caught.value.message_dict
    assert set(errors) >= {"nar_ket-qua", "nar_ton-tai", "fig_models_active"}
    assert "Phần “Kết quả thực hiện” không được để trống" in errors["nar_ket-qua"][0]
    assert Submission.objects.get(pk=sub.pk).status == S.DRAFT


def test_bad_numbers_are_reported_with_the_figure_name(world):
    sub = _start(world)
    with pytest.raises(ValidationError) as caught:
        _save(world, sub, world.farmers_user,
              figures_input=figures_input(sub, propaganda_sessions=("mười", ""), models_active=("-2", "")))
    errors = caught.value.message_dict
    assert "Số buổi tuyên truyền, vận động: “mười” không phải là số hợp lệ" in errors["fig_propaganda_sessions"][0]
    assert "không được là số âm" in errors["fig_models_active"][0]
    # Vietnamese grouping is read as written.
    sub = _save(world, sub, world.farmers_user, figures_input=figures_input(sub, propaganda_participants=("1.250", "")))
    assert sub.values["propaganda_participants"]["value"] == 1250


def test_a_report_not_asked_for_cannot_be_started(world):
    from vuonlen.core.periods import Period, PeriodKind

    with pytest.raises(ValidationError, match="không yêu cầu báo cáo cho Quý IV/2022"):
        services.submission_start(actor=SYSTEM, organisation=world.farmers, schedule=world.schedule,
                                  period=Period(2022, PeriodKind.QUARTER, 4))
    with pytest.raises(ValidationError, match="không thuộc diện phải gửi"):
        services.submission_start(actor=SYSTEM, organisation=world.front, schedule=world.schedule, period=Q2)
