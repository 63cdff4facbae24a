"""The account manager's pages (issue 13 item 5): accounts and organisations are managed on the
application's own pages, in Vietnamese; the Django admin stays for technical staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vuonlen.core.access import room_required
from vuonlen.core.paging import paginate

from . import account_services as svc
from . import roles, scoping
from .account_forms import AccountForm, OrganisationForm, RoleForm
from .models import Organisation, RoleAssignment
from .selectors import accounts_visible_to, organisations_visible_to

_ACCOUNT_FIELDS = ("full_name", "username", "email", "phone", "password", "role", "unit", "organisation")


def _get_account(request, pk):
    user = accounts_visible_to(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404(_("Không tìm thấy"))
    return user


@room_required(roles.ACCOUNT_MANAGE)
def account_list(request):
    search = request.GET.get("q", "")[:100]
    role = request.GET.get("role", "")
    role = role if role in roles.Role.values else ""
    users = accounts_visible_to(request.user, search=search, role=role).prefetch_related(
        "assignments__unit", "assignments__organisation__unit")
    return render(request, "accounts/manage/account_list.html", {
        "page_obj": paginate(request, users, 25), "q": search, "role": role, "roles": roles.Role.choices,
    })


@never_cache
@room_required(roles.ACCOUNT_MANAGE)
@require_http_methods(["GET", "POST"])
def account_new(request):
    """Step 1 the form, step 2 the review ("this person will see…"), then the account."""
    form = AccountForm(request.POST or None, manager=request.user)
    if request.method == "POST":
        valid = form.is_valid()  # choices outside the manager's area fail here
        values = {name: form.cleaned_data.get(name) for name in _ACCOUNT_FIELDS}
        values = {k: v if k in ("unit", "organisation") else (v or "") for k, v in values.items()}
        # The service's checks run too, so every problem shows at once.
        errors, cleaned = svc.account_problems(actor=request.user, **values)
        errors = {k: v for k, v in errors.items() if k not in form.errors}
        if errors:
            form.apply_service_errors(ValidationError(errors))
        step = request.POST.get("step", "")
        if not valid or errors or step == "edit":
            pass  # the filled form again, with its errors (or back from the review)
        elif step != "confirm":
            return render(request, "accounts/manage/account_review.html", {
                "form": form, "data": cleaned, "role_label": roles.Role(cleaned["role"]).label,
                "area": cleaned["organisation"].unit if cleaned["organisation"] else cleaned["unit"],
                "mentor": cleaned["role"] == roles.Role.MENTOR,
                "password_given": bool(values["password"]),
            })
        else:
            try:
                opened = svc.account_open(actor=request.user, **values)
            except ValidationError as exc:
                form.apply_service_errors(exc)
            else:
                # The temporary password is shown here once: never put in a message or a log.
                return render(request, "accounts/manage/account_created.html", {"opened": opened})
    return render(request, "accounts/manage/account_form.html", {"form": form})


@never_cache
@room_required(roles.ACCOUNT_MANAGE)
@require_http_methods(["GET", "POST"])
def account_detail(request, pk: int):
    person = _get_account(request, pk)
    role_form = RoleForm(request.POST or None, manager=request.user, prefix="role")
    new_password = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_role" and role_form.is_valid():
                svc.account_add_role(actor=request.user, user=person, role=role_form.cleaned_data["role"],
                                     unit=role_form.cleaned_data["unit"],
                                     organisation=role_form.cleaned_data["organisation"])
                messages.success(request, _("Đã thêm vai trò."))
                return redirect("accounts:account_detail", pk=person.pk)
            if action == "end_role":
                assignment = get_object_or_404(RoleAssignment, pk=request.POST.get("assignment") or 0, user=person)
                svc.account_end_role(actor=request.user, assignment=assignment,
                                     version=request.POST.get("version") or None)
                messages.success(request, _("Đã kết thúc vai trò từ hôm nay."))
                return redirect("accounts:account_detail", pk=person.pk)
            if action in ("lock", "unlock"):
                svc.account_set_active(actor=request.user, user=person, active=action == "unlock")
                messages.success(request, _("Đã mở khoá tài khoản.") if action == "unlock" else _("Đã khoá tài khoản."))
                return redirect("accounts:account_detail", pk=person.pk)
            if action == "reset_password":
                new_password = svc.account_reset_password(actor=request.user, user=person)
        except ValidationError as exc:
            if action == "add_role":
                role_form.apply_service_errors(exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
    assignments = (RoleAssignment.objects.filter(user=person)
                   .select_related("unit", "organisation__unit").order_by("-is_active", "-created_at"))
    return render(request, "accounts/manage/account_detail.html", {
        "person": person, "assignments": assignments, "role_form": role_form, "new_password": new_password,
        "is_self": person.pk == request.user.pk,
    })


def _organisation_or_404(request, pk) -> Organisation:
    org = organisations_visible_to(request.user).filter(pk=pk).first()
    if org is None:
        raise Http404(_("Không tìm thấy"))
    return org


def _organisation_form_ok(form, org: Organisation | None = None) -> bool:
    """The form's own checks and the service's, all shown at once."""
    valid = form.is_valid()
    data = form.cleaned_data
    errors = svc.organisation_problems(
        name=(data.get("name") or "").strip(), kind=data.get("kind") or "",
        unit=org.unit if org else data.get("unit"), parent=data.get("parent"),
        email=(data.get("email") or "").strip(), exclude_pk=org.pk if org else None)
    if org is not None:
        errors.pop("unit", None)
    errors = {k: v for k, v in errors.items() if k not in form.errors}
    if errors:
        form.apply_service_errors(ValidationError(errors))
    return valid and not errors


@room_required(roles.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def organisation_new(request):
    form = OrganisationForm(request.POST or None, manager=request.user)
    if request.method == "POST" and _organisation_form_ok(form):
        data = form.cleaned_data
        try:
            org = svc.organisation_open(actor=request.user, name=data["name"], kind=data["kind"], unit=data["unit"],
                                        short_name=data["short_name"], parent=data["parent"], email=data["email"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã tạo tổ chức “%(name)s”.") % {"name": org.name})
            return redirect("accounts:organisation_list")
    return render(request, "accounts/manage/organisation_form.html", {"form": form, "organisation": None})


@room_required(roles.ORG_MANAGE)
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk: int):
    org = _organisation_or_404(request, pk)
    scoping.require(request.user, roles.ORG_MANAGE, org.unit)
    initial = {"name": org.name, "short_name": org.short_name, "kind": org.kind, "parent": org.parent_id,
               "email": org.email, "is_active": org.is_active, "version": org.version}
    form = OrganisationForm(request.POST or None, initial=initial, manager=request.user, editing=org)
    if request.method == "POST" and _organisation_form_ok(form, org):
        data = form.cleaned_data
        try:
            changed = svc.organisation_edit(actor=request.user, organisation=org, version=data["version"],
                                            name=data["name"], kind=data["kind"], short_name=data["short_name"],
                                            parent=data["parent"], email=data["email"],
                                            is_active=data["is_active"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu tổ chức.") if changed else _("Không có gì thay đổi."))
            return redirect("accounts:organisation_list")
    return render(request, "accounts/manage/organisation_form.html", {"form": form, "organisation": org})
