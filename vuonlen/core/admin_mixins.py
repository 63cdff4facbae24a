"""Admin plumbing: every admin write is audited; scoped models hide what is out of scope."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse

from .audit import audit_record, history_for, snapshot
from .models import AuditAction


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit row for each create/update/delete made in the admin; the admin's
    "history" page shows the audit trail instead of Django's own LogEntry list."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = snapshot(old) if old else None
        if hasattr(obj, "refresh_name_keys"):
            obj.refresh_name_keys()
        if change and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=AuditAction.UPDATE if change else AuditAction.CREATE,
                     instance=obj, before=before, source="admin")

    def save_formset(self, request, form, formset, change):
        """Inline rows (a user's roles, a form's sections…) are audited one by one, like the parent;
        a changed row with a ``version`` moves it, as the parent's save does."""
        befores = {obj.pk: snapshot(obj) for obj in formset.queryset}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action=AuditAction.DELETE, instance=obj, source="admin")
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            if not created and hasattr(obj, "version"):
                obj.version += 1
            obj.save()
            audit_record(actor=request.user, action=AuditAction.CREATE if created else AuditAction.UPDATE,
                         instance=obj, before=None if created else befores.get(obj.pk), source="admin")
        formset.save_m2m()

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=AuditAction.DELETE, instance=obj, source="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action=AuditAction.DELETE, instance=obj, source="admin")
        super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": f"Lịch sử thay đổi: {obj}",
            "object": obj,
            "opts": self.model._meta,
            "entries": history_for(obj),
        }
        return TemplateResponse(request, "admin/core/audit_history.html", context)


class ScopedAdmin(AuditedAdmin):
    """For models placed in a unit: a staff member who is not a superuser sees only the
    records of their scope, and any other record is a 404 in every admin view."""

    scope_unit_field = "unit"
    scope_permission = "geo.view"

    def get_queryset(self, request):
        from vuonlen.accounts import scoping

        qs = super().get_queryset(request)
        return scoping.scoped(request.user, qs, self.scope_permission, self.scope_unit_field)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Không tìm thấy")
        return obj
