"""Demo organisations of the campaign and one demo account for every role."""

from __future__ import annotations

from django.db import transaction

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from .models import Organisation, OrgKind, RoleAssignment, User
from .roles import Role

DEMO_PASSWORD = "VuonLen@2026"
DEMO_DISTRICT = "614"  # Huyện Kon Rẫy (seed 001's district is a Kon Rẫy-like district)
DEMO_COMMUNE = "23485"  # Xã Đăk Tơ Lung, Kon Rẫy (village 4's "Nhà vườn kiểu mẫu", seed 003)

PROVINCE_ORGS = [
    ("Ban Chỉ đạo Cuộc vận động tỉnh", "BCĐ tỉnh", OrgKind.STEERING_COMMITTEE),
    ("Ủy ban MTTQ Việt Nam tỉnh", "UBMTTQ tỉnh", OrgKind.FATHERLAND_FRONT),
    ("Tỉnh ủy", "TU", OrgKind.PARTY_COMMITTEE),
    ("Ban Dân vận Tỉnh ủy", "BDV TU", OrgKind.PARTY_COMMITTEE),
    ("Ủy ban nhân dân tỉnh", "UBND tỉnh", OrgKind.PEOPLES_COMMITTEE),
    ("Sở Nội vụ", "SNV", OrgKind.AGENCY),
    ("Sở Nông nghiệp và Môi trường", "SNN&MT", OrgKind.AGENCY),
    ("Ban Dân tộc tỉnh", "BDT", OrgKind.AGENCY),
    ("Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "NHCSXH", OrgKind.AGENCY),
    ("Hội Nông dân tỉnh", "HND tỉnh", OrgKind.FARMERS_UNION),
    ("Hội Liên hiệp Phụ nữ tỉnh", "HLHPN tỉnh", OrgKind.WOMENS_UNION),
    ("Tỉnh đoàn", "Tỉnh đoàn", OrgKind.YOUTH_UNION),
    ("Hội Cựu chiến binh tỉnh", "HCCB tỉnh", OrgKind.VETERANS_UNION),
    ("Bộ Chỉ huy Quân sự tỉnh", "BCHQS tỉnh", OrgKind.ARMED_FORCES),
    ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "BĐBP tỉnh", OrgKind.ARMED_FORCES),
    ("Công ty Cổ phần Cao su Kon Tum", "Cao su Kon Tum", OrgKind.ENTERPRISE),
]
DISTRICT_ORGS = [
    ("Ban Chỉ đạo Cuộc vận động", "BCĐ", OrgKind.STEERING_COMMITTEE),
    ("Ủy ban MTTQ Việt Nam", "UBMTTQ", OrgKind.FATHERLAND_FRONT),
    ("Ban Thường vụ Huyện ủy", "HU", OrgKind.PARTY_COMMITTEE),
    ("Ủy ban nhân dân", "UBND", OrgKind.PEOPLES_COMMITTEE),
    ("Phòng Dân tộc", "PDT", OrgKind.AGENCY),
    ("Hội Nông dân", "HND", OrgKind.FARMERS_UNION),
    ("Hội Liên hiệp Phụ nữ", "HLHPN", OrgKind.WOMENS_UNION),
    ("Huyện đoàn", "HĐ", OrgKind.YOUTH_UNION),
    ("Hội Cựu chiến binh", "HCCB", OrgKind.VETERANS_UNION),
]
COMMUNE_ORGS = [
    ("Ban Chỉ đạo Cuộc vận động", "BCĐ", OrgKind.STEERING_COMMITTEE),
    ("Ủy ban MTTQ Việt Nam", "UBMTTQ", OrgKind.FATHERLAND_FRONT),
    ("Ủy ban nhân dân", "UBND", OrgKind.PEOPLES_COMMITTEE),
]


def _place(unit: AdministrativeUnit) -> str:
    """'Huyện Kon Rẫy' → 'huyện Kon Rẫy' as it reads after an organisation's name."""
    return unit.name[0].lower() + unit.name[1:]


def _organisations(units_with_specs) -> int:
    existing = set(Organisation.objects.values_list("unit_id", "name_search"))
    new = []
    for unit, specs, suffix in units_with_specs:
        for name, short, kind in specs:
            full = f"{name} {suffix}".strip() if suffix else name
            if (unit.pk, fold(full)) in existing:
                continue
            org = Organisation(kind=kind, unit=unit, short_name=short)
            org.set_name(full)
            new.append(org)
    Organisation.objects.bulk_create(new, batch_size=500)
    return len(new)


def _org(unit, kind) -> Organisation:
    return Organisation.objects.filter(unit=unit, kind=kind).order_by("pk").first()


DEMO_ACCOUNTS = [
    # username, full name, role, scope ("province"/"district"/"commune"), org kind or None, superuser
    ("quantri", "Quản trị hệ thống", Role.SYSADMIN, "province", None, True),
    ("thuongtruc.tinh", "Thường trực BCĐ tỉnh", Role.SECRETARIAT, "province", OrgKind.FATHERLAND_FRONT, False),
    ("thuongtruc.huyen", "Thường trực BCĐ huyện Kon Rẫy", Role.SECRETARIAT, "district", OrgKind.FATHERLAND_FRONT, False),
    ("donvi.hoinongdan", "Hội Nông dân huyện Kon Rẫy", Role.REPORTING_UNIT, "district", OrgKind.FARMERS_UNION, False),
    ("canbo.xa", "Cán bộ MTTQ xã Đắk Tơ Lung", Role.COMMUNE_OFFICER, "commune", None, False),
    ("phutrach.ho", "Đảng viên phụ trách hộ (Đắk Tơ Lung)", Role.MENTOR, "commune", None, False),
    ("lanhdao.huyen", "Lãnh đạo huyện Kon Rẫy (chỉ xem)", Role.VIEWER, "district", None, False),
    ("lanhdao.tinh", "Sở Nội vụ (chỉ xem)", Role.VIEWER, "province", None, False),
]


def _accounts(scopes) -> int:
    from django.contrib.auth.hashers import make_password

    created = 0
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow by design
    for username, full_name, role, scope_key, org_kind, superuser in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, is_superuser=superuser, is_staff=superuser)
            user.password = password_hash
            user.save()
            audit_record(actor=SYSTEM, action=AuditAction.CREATE, instance=user, source="demo")
            created += 1
        unit = scopes[scope_key]
        org = _org(unit, org_kind) if org_kind else None
        if not RoleAssignment.objects.filter(user=user, role=role).exists():
            assignment = RoleAssignment.objects.create(user=user, role=role, unit=None if org else unit,
                                                       organisation=org)
            audit_record(actor=SYSTEM, action=AuditAction.CREATE, instance=assignment, source="demo")
    return created


@transaction.atomic
def run(ctx) -> None:
    province = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.PROVINCE, code="62")
    districts = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.DISTRICT))
    communes = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE))
    specs = [(province, PROVINCE_ORGS, "")]
    specs += [(d, DISTRICT_ORGS, _place(d)) for d in districts]
    specs += [(c, COMMUNE_ORGS, _place(c)) for c in communes]
    made = _organisations(specs)
    if made:
        audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Tổ chức (dữ liệu mẫu)",
                     note=f"Tạo {made} tổ chức mẫu")
        ctx.say(f"Tổ chức mẫu: {made}")
    scopes = {
        "province": province,
        "district": AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.DISTRICT, code=DEMO_DISTRICT),
        "commune": AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.COMMUNE, code=DEMO_COMMUNE),
    }
    made_accounts = _accounts(scopes)
    if made_accounts:
        ctx.say(f"Tài khoản mẫu: {made_accounts}")


def describe_accounts() -> list[tuple[str, str, str]]:
    rows = []
    for username, full_name, role, _scope, _org_kind, _su in DEMO_ACCOUNTS:
        rows.append((username, DEMO_PASSWORD, f"{Role(role).label} — {full_name}"))
    return rows
