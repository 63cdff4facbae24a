"""Unfinished tasks of the previous notice carry over, visibly, into the next one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vuonlen.core.models import AuditLog
from vuonlen.directives import selectors, services
from vuonlen.directives.models import DeadlineKind, Task, TaskState, TaskStatus

from .conftest import at, day


@pytest.fixture
def notices(world):
    n87 = world.document(number="87-TB/BCĐ", date="30/3/2023")
    done = world.task(n87, world.farmers, text="Đăng ký mô hình điểm", deadline="30/4/2023")
    open_ = world.task(n87, world.women, text="Đăng ký mô hình điểm (Phụ nữ)", deadline="30/4/2023",
                       coordinating=[world.farmers])
    ongoing = world.task(n87, world.people, text="Khảo sát mô hình nhà vườn", deadline="1/5/2023",
                         kind=DeadlineKind.MONTH)
    world.report(done, world.farmers, when=at("28/4/2023"))
    world.report(ongoing, world.people, state=TaskState.IN_PROGRESS, when=at("10/5/2023"))
    n103 = world.document(follows=n87)
    return n87, n103, done, open_, ongoing


def test_candidates_list_only_unfinished_tasks_of_the_previous_notice(world, notices):
    _n87, n103, done, open_, ongoing = notices
    candidates = selectors.carry_over_candidates(world.secretary, n103)
    assert [c.task for c in candidates] == [open_, ongoing]
    assert {c.status for c in candidates} == {TaskStatus.OVERDUE}
    assert all(c.carried is None for c in candidates)


def test_carry_over_copies_text_assignees_renews_deadlines_and_links_back(world, notices):
    _n87, n103, _done, open_, ongoing = notices
    copies = services.tasks_carry_over(
        actor=world.secretary, document=n103, tasks=[open_, ongoing],
        deadlines={open_.pk: (DeadlineKind.DATE, day("31/7/2023")), ongoing.pk: (DeadlineKind.MONTH, day("1/8/2023"))})
    assert [c.carried_from for c in copies] == [open_, ongoing]
    copy = copies[0]
    assert copy.document == n103 and copy.text == open_.text and copy.deadline == day("31/7/2023")
    assert {(a.organisation, a.is_lead) for a in copy.assignments.all()} == {(world.women, True),
                                                                            (world.farmers, False)}
    assert copies[1].deadline_kind == DeadlineKind.MONTH and copies[1].deadline_label == "trong tháng 8/2023"
    # The renewed deadline is what counts in the new notice; the original keeps its history.
    assert copy.status(at("20/7/2023")) == TaskStatus.NOT_STARTED
    open_.refresh_from_db()
    assert open_.state == TaskState.NOT_STARTED and list(open_.carried_into.all()) == [copy]
    assert open_.current_status == TaskStatus.OVERDUE
    assert AuditLog.objects.filter(object_id=str(copy.pk), note__contains=f"#{open_.pk}").exists()
    # Listed as carried, with the link, on the new document.
    candidates = selectors.carry_over_candidates(world.secretary, n103)
    assert [c.carried for c in candidates] == copies


def test_a_passed_deadline_is_never_carried_as_it_is(world, notices):
    """No 2023 deadline reappears in a later notice: every carried task whose deadline has passed
    needs a new one, and every such task is named at once; nothing is carried meanwhile."""
    _n87, n103, _done, open_, ongoing = notices
    with pytest.raises(ValidationError) as exc:
        services.tasks_carry_over(actor=world.secretary, document=n103, tasks=[open_, ongoing],
                                  deadlines={open_.pk: (DeadlineKind.DATE, day("31/7/2023"))})
    [message] = exc.value.message_dict["deadline"]
    assert "Khảo sát mô hình nhà vườn" in message and "trong tháng 5/2023" in message and "thời hạn mới" in message
    assert not Task.objects.filter(document=n103).exists()


def test_standing_instructions_stay_standing(world, notices):
    n87, n103, _done, _open, _ongoing = notices
    standing = world.task(n87, world.farmers, text="Tuyên truyền thường xuyên", kind=DeadlineKind.NONE)
    [copy] = services.tasks_carry_over(actor=world.secretary, document=n103, tasks=[standing])
    assert copy.deadline_kind == DeadlineKind.NONE and copy.deadline is None


def test_carry_over_twice_is_harmless(world, notices):
    _n87, n103, _done, open_, ongoing = notices
    renew = {"deadline_kind": DeadlineKind.DATE, "deadline": day("31/7/2023")}
    services.tasks_carry_over(actor=world.secretary, document=n103, tasks=[open_], **renew)
    again = services.tasks_carry_over(actor=world.secretary, document=n103, tasks=[open_, ongoing], **renew)
    assert [c.carried_from for c in again] == [ongoing]
    assert Task.objects.filter(document=n103).count() == 2


def test_done_or_foreign_tasks_are_refused(world, notices):
    n87, n103, done, _open, _ongoing = notices
    other = world.task(n103, world.farmers, deadline="31/7/2023")
    with pytest.raises(ValidationError) as exc:
        services.tasks_carry_over(actor=world.secretary, document=n103, tasks=[done, other])
    messages = exc.value.message_dict["tasks"]
    assert any("đã hoàn thành" in m for m in messages) and any("không thuộc văn bản trước" in m for m in messages)
    with pytest.raises(ValidationError):
        services.tasks_carry_over(actor=world.secretary, document=n87, tasks=[done])  # 87 follows nothing


def test_new_deadline_must_not_precede_the_new_notice(world, notices):
    _n87, n103, _done, open_, _ongoing = notices
    with pytest.raises(ValidationError) as exc:
        services.tasks_carry_over(actor=world.secretary, document=n103, tasks=[open_],
                                  deadline_kind=DeadlineKind.DATE, deadline=day("1/7/2023"))
    assert "trước ngày ban hành" in exc.value.message_dict["deadline"][0]
    [copy] = services.tasks_carry_over(actor=world.secretary, document=n103, tasks=[open_],
                                       deadline_kind=DeadlineKind.DATE, deadline=day("20/7/2023"))
    assert copy.deadline == day("20/7/2023")


def test_only_the_secretariat_carries_over(world, notices):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    _n87, n103, _done, open_, _ongoing = notices
    with pytest.raises(PermissionDenied):
        services.tasks_carry_over(actor=world.viewer, document=n103, tasks=[open_])
    with pytest.raises(Http404):
        services.tasks_carry_over(actor=world.other_secretary, document=n103, tasks=[open_])
