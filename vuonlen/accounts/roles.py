"""Roles and the permissions each grants: the one map every room consults.

Views never test ``role == ...``; they ask ``scoping.can(user, PERM, unit)``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("Quản trị hệ thống")
    SECRETARIAT = "secretariat", _("Thường trực Ban Chỉ đạo")
    REPORTING_UNIT = "reporting_unit", _("Cơ quan, đơn vị báo cáo")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    MENTOR = "mentor", _("Cán bộ, đảng viên phụ trách hộ")
    VIEWER = "viewer", _("Lãnh đạo, người xem")


# Permission names: "<room>.<action>".
UNIT_VIEW = "geo.view"
UNIT_MANAGE_VILLAGES = "geo.manage_villages"
ORG_VIEW = "accounts.view_organisation"
ORG_MANAGE = "accounts.manage_organisation"
ACCOUNT_MANAGE = "accounts.manage_accounts"
AUDIT_VIEW = "core.view_audit"
HOUSEHOLD_VIEW = "households.view"
HOUSEHOLD_EDIT = "households.edit"
# Full citizen ID numbers: only for those who must match a person against papers; everyone
# else sees the last four digits (personal data law, Nghị định 13/2023/NĐ-CP).
HOUSEHOLD_VIEW_ID = "households.view_citizen_id"
# Periodic reports (reporting room). SUBMIT: fill and send the reports of one's own
# organisation(s); REVIEW: accept or return the reports of organisations in one's area;
# VIEW: read the reports and the compliance board of the area. ROOM: may open the room at all
# (the menu entry), granted with any of the three.
REPORT_SUBMIT = "reporting.submit"
REPORT_REVIEW = "reporting.review"
REPORT_VIEW = "reporting.view"
REPORT_ROOM = "reporting.room"
# The report forms (sections, figures) shared by the province: its secretariat and administrator.
REPORT_FORMS_MANAGE = "reporting.manage_forms"

READ_PERMISSIONS = {UNIT_VIEW, ORG_VIEW, HOUSEHOLD_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({UNIT_VIEW, UNIT_MANAGE_VILLAGES, ORG_VIEW, ORG_MANAGE, ACCOUNT_MANAGE,
                              AUDIT_VIEW, HOUSEHOLD_VIEW, HOUSEHOLD_EDIT, HOUSEHOLD_VIEW_ID}),
    Role.SECRETARIAT: frozenset({UNIT_VIEW, ORG_VIEW, ORG_MANAGE, HOUSEHOLD_VIEW}),
    Role.REPORTING_UNIT: frozenset({UNIT_VIEW, ORG_VIEW}),
    Role.COMMUNE_OFFICER: frozenset({UNIT_VIEW, UNIT_MANAGE_VILLAGES, ORG_VIEW, HOUSEHOLD_VIEW, HOUSEHOLD_EDIT,
                                     HOUSEHOLD_VIEW_ID}),
    Role.MENTOR: frozenset({UNIT_VIEW, HOUSEHOLD_VIEW}),
    Role.VIEWER: frozenset(READ_PERMISSIONS),
}

# Periodic reports. A reporting unit or a commune officer fills its own organisation's reports;
# the secretariat reviews those of its area (its level and below); viewers read them.
_REPORTING_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({REPORT_REVIEW, REPORT_VIEW, REPORT_ROOM, REPORT_FORMS_MANAGE}),
    Role.SECRETARIAT: frozenset({REPORT_REVIEW, REPORT_VIEW, REPORT_ROOM, REPORT_FORMS_MANAGE}),
    Role.REPORTING_UNIT: frozenset({REPORT_SUBMIT, REPORT_ROOM}),
    Role.COMMUNE_OFFICER: frozenset({REPORT_SUBMIT, REPORT_ROOM}),
    Role.VIEWER: frozenset({REPORT_VIEW, REPORT_ROOM}),
}
for _role, _perms in _REPORTING_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms

# --- Directives: steering documents and the tasks they assign (vuonlen.directives) ---------
# Everyone signed in sees the tasks of their own organisation; reading a whole area's
# documents and tasks is for the secretariat, leaders and administrators; only the
# secretariat registers documents, assigns and carries over tasks; assignees report progress.
DIRECTIVE_VIEW = "directives.view"
DIRECTIVE_VIEW_AREA = "directives.view_area"
DIRECTIVE_MANAGE = "directives.manage"
TASK_UPDATE = "directives.update_task"

_DIRECTIVE_GRANTS = {
    Role.SYSADMIN: {DIRECTIVE_VIEW, DIRECTIVE_VIEW_AREA, DIRECTIVE_MANAGE},
    Role.SECRETARIAT: {DIRECTIVE_VIEW, DIRECTIVE_VIEW_AREA, DIRECTIVE_MANAGE, TASK_UPDATE},
    Role.REPORTING_UNIT: {DIRECTIVE_VIEW, TASK_UPDATE},
    Role.COMMUNE_OFFICER: {DIRECTIVE_VIEW, TASK_UPDATE},
    Role.MENTOR: {DIRECTIVE_VIEW},
    Role.VIEWER: {DIRECTIVE_VIEW, DIRECTIVE_VIEW_AREA},
}
for _role, _perms in _DIRECTIVE_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | frozenset(_perms)

# --- Twinning (vuonlen.twinning) and the resource ledger (vuonlen.support) ----------------
# Twinning (Chỉ thị kết nghĩa, seed 004): an organisation sees its own pairs (acting-for, not an
# area); the secretariat, leaders and commune officers see the pairs touching their area; the
# secretariat creates pairs and evaluates them yearly; a reporting unit records the activities
# of its own pairs.
TWINNING_VIEW = "twinning.view"
TWINNING_VIEW_AREA = "twinning.view_area"
TWINNING_MANAGE = "twinning.manage"
TWINNING_RECORD_OWN = "twinning.record_own"
# The ledger: commune officers and the secretariat record what their area received; a
# reporting unit records (and reads) only what its own organisation gave; leaders read.
SUPPORT_VIEW = "support.view"
SUPPORT_VIEW_AREA = "support.view_area"
SUPPORT_EDIT = "support.edit"
SUPPORT_RECORD_OWN = "support.record_own"

_TWINNING_SUPPORT_GRANTS = {
    Role.SYSADMIN: {TWINNING_VIEW, TWINNING_VIEW_AREA, TWINNING_MANAGE, SUPPORT_VIEW, SUPPORT_VIEW_AREA,
                    SUPPORT_EDIT},
    Role.SECRETARIAT: {TWINNING_VIEW, TWINNING_VIEW_AREA, TWINNING_MANAGE, SUPPORT_VIEW, SUPPORT_VIEW_AREA,
                       SUPPORT_EDIT},
    Role.REPORTING_UNIT: {TWINNING_VIEW, TWINNING_RECORD_OWN, SUPPORT_VIEW, SUPPORT_RECORD_OWN},
    Role.COMMUNE_OFFICER: {TWINNING_VIEW, TWINNING_VIEW_AREA, SUPPORT_VIEW, SUPPORT_VIEW_AREA, SUPPORT_EDIT},
    Role.VIEWER: {TWINNING_VIEW, TWINNING_VIEW_AREA, SUPPORT_VIEW, SUPPORT_VIEW_AREA},
}
for _role, _perms in _TWINNING_SUPPORT_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | frozenset(_perms)

# --- Models, outreach and the public showcase (vuonlen.initiatives, vuonlen.outreach) ------
# Everyone signed in reads the models and outreach of their area; commune officers, the
# secretariat and administrators record them; only the steering secretariat (and the
# administrator) approves what goes on the public showcase, because publishing is a
# steering-committee decision, not the commune's.
INITIATIVE_VIEW = "initiatives.view"
INITIATIVE_MANAGE = "initiatives.manage"
SHOWCASE_APPROVE = "initiatives.approve_showcase"
OUTREACH_VIEW = "outreach.view"
OUTREACH_MANAGE = "outreach.manage"

_INITIATIVE_GRANTS = {
    Role.SYSADMIN: {INITIATIVE_VIEW, INITIATIVE_MANAGE, SHOWCASE_APPROVE, OUTREACH_VIEW, OUTREACH_MANAGE},
    Role.SECRETARIAT: {INITIATIVE_VIEW, INITIATIVE_MANAGE, SHOWCASE_APPROVE, OUTREACH_VIEW, OUTREACH_MANAGE},
    Role.REPORTING_UNIT: {INITIATIVE_VIEW, OUTREACH_VIEW},
    Role.COMMUNE_OFFICER: {INITIATIVE_VIEW, INITIATIVE_MANAGE, OUTREACH_VIEW, OUTREACH_MANAGE},
    Role.MENTOR: {INITIATIVE_VIEW, OUTREACH_VIEW},
    Role.VIEWER: {INITIATIVE_VIEW, OUTREACH_VIEW},
}
for _role, _perms in _INITIATIVE_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | frozenset(_perms)

# --- The campaign's work with households (vuonlen.campaign) --------------------------------
# Everyone signed in opens the room; commune officers and the secretariat assign mentors; a
# mentor logs visits and assesses only the households assigned to them (campaign.selectors
# narrows their scope from the commune to their own households); commune officers do both
# for their whole area.
CAMPAIGN_VIEW = "campaign.view"
MENTOR_ASSIGN = "campaign.assign_mentor"
VISIT_LOG = "campaign.log_visit"
ASSESS = "campaign.assess"

_CAMPAIGN_GRANTS = {
    Role.SYSADMIN: {CAMPAIGN_VIEW, MENTOR_ASSIGN, VISIT_LOG, ASSESS},
    Role.SECRETARIAT: {CAMPAIGN_VIEW, MENTOR_ASSIGN},
    Role.REPORTING_UNIT: {CAMPAIGN_VIEW},
    Role.COMMUNE_OFFICER: {CAMPAIGN_VIEW, MENTOR_ASSIGN, VISIT_LOG, ASSESS},
    Role.MENTOR: {CAMPAIGN_VIEW, VISIT_LOG, ASSESS},
    Role.VIEWER: {CAMPAIGN_VIEW},
}
for _role, _perms in _CAMPAIGN_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | frozenset(_perms)

# --- Indicators, targets, evaluation and dashboards (vuonlen.indicators) ---------------------
# Every area role reads the dashboards of its area (a mentor who holds nothing else does not:
# their view is their own households). The secretariat of a district or the province hands the
# units below it their targets; a commune officer enters the commune's own figures for the
# indicators a unit reports itself; only an administrator changes the catalogue.
INDICATOR_VIEW = "indicators.view"
TARGET_SET = "indicators.set_target"
INDICATOR_ENTER = "indicators.enter_value"
INDICATOR_DEFINE = "indicators.define"

_INDICATOR_GRANTS = {
    Role.SYSADMIN: {INDICATOR_VIEW, TARGET_SET, INDICATOR_ENTER, INDICATOR_DEFINE},
    Role.SECRETARIAT: {INDICATOR_VIEW, TARGET_SET, INDICATOR_ENTER},
    Role.REPORTING_UNIT: {INDICATOR_VIEW},
    Role.COMMUNE_OFFICER: {INDICATOR_VIEW, INDICATOR_ENTER},
    Role.VIEWER: {INDICATOR_VIEW},
}
for _role, _perms in _INDICATOR_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | frozenset(_perms)

# --- Village surveys (vuonlen.surveys) and household plans (vuonlen.plans) -----------------
# Everyone of an area reads its village surveys; commune officers and the secretariat enter
# them. Household plans follow the registry: commune officers and mentors write them (a mentor
# only for their own households, through households_visible_to); leaders read. A mass
# organisation (a reporting unit acting for it) lists its own members' households and reports
# its yearly goals; the secretariat, leaders and commune officers read every organisation's.
SURVEY_VIEW = "surveys.view"
SURVEY_EDIT = "surveys.edit"
PLAN_VIEW = "plans.view"
PLAN_EDIT = "plans.edit"
ORG_MEMBERS_OWN = "plans.org_members_own"
ORG_MEMBERS_VIEW_AREA = "plans.org_members_view_area"

_SURVEY_PLAN_GRANTS = {
    Role.SYSADMIN: {SURVEY_VIEW, SURVEY_EDIT, PLAN_VIEW, PLAN_EDIT, ORG_MEMBERS_VIEW_AREA},
    Role.SECRETARIAT: {SURVEY_VIEW, SURVEY_EDIT, PLAN_VIEW, ORG_MEMBERS_VIEW_AREA},
    Role.REPORTING_UNIT: {SURVEY_VIEW, PLAN_VIEW, ORG_MEMBERS_OWN},
    Role.COMMUNE_OFFICER: {SURVEY_VIEW, SURVEY_EDIT, PLAN_VIEW, PLAN_EDIT, ORG_MEMBERS_VIEW_AREA},
    Role.MENTOR: {PLAN_VIEW, PLAN_EDIT},
    Role.VIEWER: {SURVEY_VIEW, PLAN_VIEW, ORG_MEMBERS_VIEW_AREA},
}
for _role, _perms in _SURVEY_PLAN_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | frozenset(_perms)

# What a person keeps after a switch-over ended their assignment on an abolished unit: reading
# its history, never changing it (and never full ID numbers or the audit log).
HISTORY_PERMISSIONS: frozenset[str] = frozenset(
    perm for perms in ROLE_PERMISSIONS.values() for perm in perms
    if (".view" in perm and perm not in {HOUSEHOLD_VIEW_ID, AUDIT_VIEW}) or perm == REPORT_ROOM)
