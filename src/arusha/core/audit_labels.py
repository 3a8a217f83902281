"""The words a person reads for each action code of the audit trail, in their language.

The codes themselves never change: they are covered by the chain's hashes and keep filters and
old entries stable. tests/core/test_audit_page.py reads the source and fails when an action that
is recorded somewhere has no label here.
"""

from __future__ import annotations

import unicodedata

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Which group of the filter each code's prefix belongs to.
AREAS: dict[str, Promise] = {
    "auth": _("Accounts and access"),
    "account": _("Accounts and access"),
    "api": _("Accounts and access"),
    "membership": _("Accounts and access"),
    "cases": _("Cases"),
    "reporting": _("Reports"),
    "partnerships": _("Partnerships"),
    "assessments": _("Integrity self-assessments"),
    "surveys": _("Surveys"),
    "questionnaires": _("Questionnaires"),
    "integrity": _("Integrity risk analytics"),
}

LABELS: dict[str, Promise] = {
    # Accounts and access
    "auth.login": _("Signed in"),
    "auth.logout": _("Signed out"),
    "auth.reauthenticated": _("Password confirmed for a sensitive action"),
    "auth.2fa_enrolled": _("Two-factor authentication turned on"),
    "auth.2fa_verified": _("Two-factor code accepted"),
    "auth.2fa_disabled": _("Two-factor authentication turned off"),
    "auth.backup_codes_renewed": _("New backup codes issued"),
    "account.password_changed": _("Password changed"),
    "account.preferences_changed": _("Account details changed"),
    "api.token_created": _("API token created"),
    "api.token_revoked": _("API token revoked"),
    "membership.granted": _("Role granted in an organisation"),
    "membership.revoked": _("Role removed in an organisation"),
    # Cases
    "cases.case_opened": _("Case viewed"),
    "cases.acknowledged": _("Receipt of the report acknowledged"),
    "cases.status_changed": _("Case status changed"),
    "cases.closed": _("Case closed"),
    "cases.reopened": _("Case reopened"),
    "cases.message_sent": _("Message sent to the reporter"),
    "cases.classified": _("Case classification saved"),
    "cases.assigned": _("Case assigned"),
    "cases.legal_hold_set": _("Legal hold placed"),
    "cases.legal_hold_lifted": _("Legal hold lifted"),
    "cases.labelled": _("Case labels changed"),
    "cases.note_added": _("Note added to a case"),
    "cases.identity_requested": _("Reporter's identity requested"),
    "cases.identity_approved": _("Request for the reporter's identity approved"),
    "cases.identity_refused": _("Request for the reporter's identity refused"),
    "cases.referred": _("Case referred to another organisation"),
    "cases.referral_opened": _("Referred case viewed"),
    "cases.conflict_declared": _("Conflict of interest declared"),
    "cases.reminders_sent": _("Deadline reminders sent"),
    "cases.case_purged": _("Case deleted at the end of its retention period"),
    # Reports and handler keys
    "reporting.report_opened": _("Report viewed"),
    "reporting.message_sent": _("Reply sent to the reporter"),
    "reporting.attachment_downloaded": _("Attachment downloaded"),
    "reporting.incidents_uploaded": _("Incidents uploaded"),
    "reporting.handler_key_created": _("Reporting key created"),
    "reporting.handler_key_rewrapped": _("Reporting key protected with the new password"),
    "reporting.handler_key_recovered": _("Reporting key recovered with the recovery key"),
    "reporting.recovery_key_replaced": _("Recovery key replaced"),
    # Partnerships
    "partnerships.agreement_created": _("Agreement created"),
    "partnerships.agreement_changed": _("Agreement changed"),
    "partnerships.agreement_published": _("Agreement published"),
    "partnerships.agreement_unpublished": _("Agreement withdrawn from the public page"),
    "partnerships.signatory_added": _("Signatory added"),
    "partnerships.signatory_changed": _("Signatory changed"),
    "partnerships.commitment_added": _("Commitment added"),
    "partnerships.commitment_changed": _("Commitment changed"),
    "partnerships.plan_created": _("Action plan created"),
    "partnerships.plan_changed": _("Action plan changed"),
    "partnerships.plan_imported": _("Action plan imported from a workbook"),
    "partnerships.action_created": _("Plan action created"),
    "partnerships.action_changed": _("Plan action changed"),
    "partnerships.action_status_changed": _("Plan action status changed"),
    "partnerships.action_published": _("Plan action published"),
    "partnerships.action_unpublished": _("Plan action withdrawn from the public page"),
    "partnerships.indicator_added": _("Indicator added"),
    "partnerships.indicator_measured": _("Indicator measurement recorded"),
    "partnerships.evidence_added": _("Evidence added to a plan action"),
    "partnerships.activity_added": _("Joint activity added"),
    "partnerships.activity_changed": _("Joint activity changed"),
    "partnerships.participants_counted": _("Activity participants counted"),
    # Self-assessments
    "assessments.opened": _("Self-assessment started"),
    "assessments.answers_saved": _("Answers saved"),
    "assessments.section_assigned": _("Section assigned"),
    "assessments.commented": _("Comment added"),
    "assessments.submitted": _("Self-assessment submitted for validation"),
    "assessments.changes_requested": _("Changes requested"),
    "assessments.validated": _("Self-assessment validated"),
    "assessments.reviewer_invited": _("External reviewer invited"),
    "assessments.evidence_added": _("Evidence document added"),
    "assessments.exported": _("Self-assessment exported"),
    "assessments.gap_action_created": _("Action created from a gap"),
    "assessments.risk_created": _("Risk added to the register"),
    "assessments.risk_changed": _("Risk changed"),
    "assessments.risk_treatment_added": _("Treatment action added"),
    "assessments.risk_treatment_done": _("Treatment action done"),
    "assessments.risk_treatment_reopened": _("Treatment action reopened"),
    # Surveys
    "surveys.campaign_launched": _("Survey campaign launched"),
    "surveys.invitations_sent": _("Survey invitations sent"),
    "surveys.invitations_exported": _("Survey invitations exported"),
    "surveys.open_link_replaced": _("Open survey link replaced"),
    "surveys.results_exported": _("Survey results exported"),
    "surveys.responses_exported": _("Survey responses exported"),
    # Questionnaires
    "questionnaires.published": _("Questionnaire version published"),
    # Integrity risk analytics
    "integrity.run_created": _("Analysis run created"),
    "integrity.entity_viewed": _("Entity's scores viewed"),
    "integrity.run_deleted": _("Analysis run deleted"),
    "integrity.indicators_exported": _("Analysis indicators exported"),
    "integrity.lead_reviewed": _("Lead reviewed"),
    "integrity.reviews_exported": _("Reviews of leads exported"),
    "integrity.leads_exported": _("Ranked leads exported"),
    "integrity.layout_saved": _("Column layout saved"),
    "integrity.layout_deleted": _("Column layout deleted"),
}


def label_for(action: str) -> str:
    """The reader's words for an action code; an unknown (older) code is shown as stored."""
    label = LABELS.get(action)
    return action if label is None else str(label)


def _alphabetical(text: str) -> str:
    # "Déconnexion" between "Code" and "Données", as a reader looks for it, whatever the locale.
    letters = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in letters if not unicodedata.combining(c))


def filter_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every labelled action, grouped by area, each group in alphabetical order of its labels."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, label in LABELS.items():
        area = str(AREAS.get(code.split(".", 1)[0], ""))
        groups.setdefault(area, []).append((code, str(label)))
    return [
        (area, sorted(options, key=lambda option: _alphabetical(option[1])))
        for area, options in sorted(groups.items(), key=lambda group: _alphabetical(group[0]))
    ]
