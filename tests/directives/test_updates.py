"""Progress updates by the assignee: files, moves, and two people at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from vuonlen.core.models import AuditLog
from vuonlen.directives import services
from vuonlen.directives.models import TaskEvidence, TaskState, TaskUpdate

from .conftest import at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def task(world):
    doc = world.document()
    return world.task(doc, world.farmers, coordinating=[world.women], deadline="31/7/2023")


def test_assignee_reports_progress_with_evidence(world, task):
    update = services.task_report_progress(
        actor=world.farmer_user, task=task, progress="Đã rà soát 6 mô hình", state=TaskState.IN_PROGRESS,
        expected_version=task.version, files=[SimpleUploadedFile("bien-ban.pdf", PDF)])
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.version == 2
    assert update.organisation == world.farmers and update.author == world.farmer_user
    evidence = update.evidence.get()
    assert evidence.original_name == "bien-ban.pdf" and default_storage.exists(evidence.stored_name)
    assert AuditLog.objects.filter(object_id=str(task.pk), action="update").exists()
    assert AuditLog.objects.filter(object_id=str(update.pk), action="create").exists()


def test_coordinating_unit_may_report_too(world, task):
    update = services.task_report_progress(actor=world.women_user, task=task, progress="Đã phối hợp",
                                           state=TaskState.IN_PROGRESS, expected_version=task.version)
    assert update.organisation == world.women


def test_two_people_updating_at_once_never_overwrite(world, task):
    """Both opened the form at version 1; the second to send is refused, nothing of it is kept."""
    loaded = task.version
    services.task_report_progress(actor=world.farmer_user, task=task, progress="Đang thực hiện",
                                  state=TaskState.IN_PROGRESS, expected_version=loaded)
    with pytest.raises(ValidationError) as exc:
        services.task_report_progress(actor=world.women_user, task=task, progress="Đã hoàn thành",
                                      state=TaskState.DONE, expected_version=loaded,
                                      files=[SimpleUploadedFile("bao-cao.pdf", PDF)])
    assert "vừa được người khác cập nhật" in exc.value.messages[0]
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.version == 2
    assert TaskUpdate.objects.count() == 1 and not TaskEvidence.objects.exists()
    assert not default_storage.exists("directives/evidence")  # the refused file was never stored


def test_wrong_file_type_or_size_is_refused_and_nothing_written(world, task, settings):
    with pytest.raises(ValidationError) as exc:
        services.task_report_progress(actor=world.farmer_user, task=task, progress="x", state=TaskState.DONE,
                                      expected_version=task.version,
                                      files=[SimpleUploadedFile("anh.exe", b"MZ...")])
    assert "không được phép" in exc.value.message_dict["files"][0]
    settings.VUONLEN_MAX_UPLOAD_BYTES = 50
    with pytest.raises(ValidationError) as exc:
        services.task_report_progress(actor=world.farmer_user, task=task, progress="x", state=TaskState.DONE,
                                      expected_version=task.version,
                                      files=[SimpleUploadedFile("bao-cao.pdf", PDF + b" " * 100)])
    assert "vượt giới hạn" in exc.value.message_dict["files"][0]
    task.refresh_from_db()
    assert task.state == TaskState.NOT_STARTED and not TaskUpdate.objects.exists()


def test_every_error_at_once(world, task):
    with pytest.raises(ValidationError) as exc:
        services.task_report_progress(actor=world.farmer_user, task=task, progress=" ", state="not_started",
                                      expected_version=task.version,
                                      files=[SimpleUploadedFile("x.txt", b"hello")])
    assert set(exc.value.message_dict) == {"progress", "state", "files"}


def test_done_cannot_be_undone_by_the_assignee(world, task):
    world.report(task, world.farmers, when=at("20/7/2023"))
    task.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.task_report_progress(actor=world.farmer_user, task=task, progress="Làm lại",
                                      state=TaskState.IN_PROGRESS, expected_version=task.version)
    assert "đã được báo cáo hoàn thành" in exc.value.message_dict["state"][0]


def test_not_assignee_is_refused_and_out_of_scope_is_not_found(world, task):
    with pytest.raises(PermissionDenied):  # the secretariat sees the task but is not an assignee
        services.task_report_progress(actor=world.secretary, task=task, progress="x", state=TaskState.DONE,
                                      expected_version=task.version)
    with pytest.raises(Http404):
        services.task_report_progress(actor=world.other_farmer_user, task=task, progress="x",
                                      state=TaskState.DONE, expected_version=task.version)
    with pytest.raises(PermissionDenied):  # a viewer reads the district's tasks, updates none
        services.task_report_progress(actor=world.viewer, task=task, progress="x", state=TaskState.DONE,
                                      expected_version=task.version)


@pytest.mark.django_db(transaction=True)
def test_two_updates_at_the_same_instant(kontum):
    """Two threads send an update for the same loaded version at once: one is saved, the other
    is refused — the row lock (``select_for_update``) on PostgreSQL, the immediate write
    transaction on SQLite (a file database in the tests too) make them take turns."""
    import threading

    from django.db import connection

    from .conftest import World

    world = World()
    task = world.task(world.document(), world.farmers, coordinating=[world.women], deadline="31/7/2023")
    barrier = threading.Barrier(2)
    outcomes = []

    def send(user, state):
        try:
            barrier.wait(timeout=5)
            services.task_report_progress(actor=user, task=task, progress=f"{user.username}", state=state,
                                          expected_version=1)
            outcomes.append("saved")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(world.farmer_user, TaskState.IN_PROGRESS)),
               threading.Thread(target=send, args=(world.women_user, TaskState.DONE))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["Nhiệm vụ này vừa được người khác cập nhật trong lúc bạn đang nhập. Hãy tải lại "
                                "trang để xem bản mới nhất rồi gửi lại; nội dung bạn vừa nhập chưa được lưu.",
                                "saved"]
    task.refresh_from_db()
    assert task.version == 2 and TaskUpdate.objects.count() == 1
