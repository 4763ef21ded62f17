from django.urls import path

from policies.views import account as account_views
from policies.views import api_tokens as api_token_views
from policies.views import (
    case_editing,
    case_files,
    case_paste,
    cases,
    cross_impacts,
    exercise_setup,
    exercises,
    reports,
    results,
    team_history,
    teams,
    workshop_facilitate,
    workshop_impacts,
    workshop_join,
    workshop_play,
    workshop_projector,
)
from policies.views import deletions as deletion_views
from policies.views import dossier as dossier_views
from policies.views import invitations as invitation_views
from policies.views import members as member_views
from policies.views import scenarios as scenario_views

urlpatterns = [
    path("", teams.home, name="home"),
    path("teams/new/", teams.team_new, name="team-new"),
    path("teams/<slug:slug>/", teams.team_detail, name="team"),
    path("teams/<slug:slug>/settings/", teams.team_settings, name="team-settings"),
    path("teams/<slug:slug>/delete/", teams.team_delete, name="team-delete"),
    path("teams/<slug:slug>/members/", member_views.team_members, name="team-members"),
    path("teams/<slug:slug>/members/<int:membership_id>/role/", member_views.member_role, name="member-role"),
    path(
        "teams/<slug:slug>/members/<int:membership_id>/remove/",
        member_views.member_remove,
        name="member-remove",
    ),
    path(
        "teams/<slug:slug>/members/<int:membership_id>/transfer/",
        member_views.ownership_transfer,
        name="ownership-transfer",
    ),
    path("teams/<slug:slug>/leave/", member_views.team_leave, name="team-leave"),
    path("teams/<slug:slug>/invitations/", invitation_views.team_invitations, name="team-invitations"),
    path(
        "teams/<slug:slug>/invitations/link/",
        invitation_views.invitation_link_new,
        name="invitation-link-new",
    ),
    path(
        "teams/<slug:slug>/invitations/<int:invitation_id>/resend/",
        invitation_views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "teams/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("teams/<slug:slug>/history/", team_history.team_history_view, name="team-history"),
    path("teams/<slug:slug>/deleted/", deletion_views.team_deleted, name="team-deleted"),
    path(
        "teams/<slug:slug>/deleted/cases/<int:case_id>/restore/",
        deletion_views.case_restore,
        name="case-restore",
    ),
    path(
        "teams/<slug:slug>/deleted/exercises/<int:exercise_id>/restore/",
        deletion_views.exercise_restore,
        name="exercise-restore",
    ),
    path("invitations/<str:token>/", invitation_views.invitation, name="invitation"),
    path("account/", account_views.account, name="account"),
    path("account/data/", account_views.account_data, name="account-data"),
    path("account/delete/", account_views.account_delete, name="account-delete"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/export/", case_files.case_export, name="case-export"),
    path("cases/<int:case_id>/delete/", deletion_views.case_delete, name="case-delete"),
    path("teams/<slug:slug>/import/", case_files.case_import, name="case-import"),
    path("teams/<slug:slug>/import/confirm/", case_files.case_update_confirm, name="case-update-confirm"),
    path("case-format/", case_files.case_format, name="case-format"),
    path("case-format/schema.json", case_files.case_format_schema, name="case-format-schema"),
    path("teams/<slug:slug>/copy/<int:case_id>/", case_files.case_clone, name="case-clone"),
    path("cases/<int:case_id>/exercises/new/", exercise_setup.exercise_new, name="exercise-new"),
    path("teams/<slug:slug>/cases/new/", case_editing.case_new, name="case-new"),
    path("cases/<int:case_id>/edit/", case_editing.case_edit, name="case-edit"),
    path("cases/<int:case_id>/edit/header/", case_editing.case_header, name="case-header"),
    path(
        "cases/<int:case_id>/edit/header/history/",
        case_editing.case_header_history,
        name="case-header-history",
    ),
    path(
        "cases/<int:case_id>/edit/header/history/<int:history_id>/revert/",
        case_editing.case_header_revert,
        name="case-header-revert",
    ),
    path(
        "cases/<int:case_id>/edit/reference-values/paste/", case_paste.paste_reference, name="reference-paste"
    ),
    path(
        "cases/<int:case_id>/edit/reference-values/paste/template.csv",
        case_paste.paste_reference_template,
        name="reference-paste-template",
    ),
    path("cases/<int:case_id>/edit/paste/<str:target>/", case_paste.paste, name="case-paste"),
    path(
        "cases/<int:case_id>/edit/paste/<str:target>/template.csv",
        case_paste.paste_template,
        name="case-paste-template",
    ),
    path(
        "cases/<int:case_id>/edit/deleted/<int:deleted_id>/restore/",
        case_editing.item_restore,
        name="case-item-restore",
    ),
    path("cases/<int:case_id>/edit/<str:kind>/order/", case_editing.items_reorder, name="case-items-reorder"),
    path("cases/<int:case_id>/edit/<str:kind>/new/", case_editing.item_edit, name="case-item-new"),
    path("cases/<int:case_id>/edit/<str:kind>/<int:item_id>/", case_editing.item_edit, name="case-item-edit"),
    path(
        "cases/<int:case_id>/edit/<str:kind>/<int:item_id>/history/",
        case_editing.item_history_view,
        name="case-item-history",
    ),
    path(
        "cases/<int:case_id>/edit/<str:kind>/<int:item_id>/history/<int:history_id>/revert/",
        case_editing.item_revert,
        name="case-item-revert",
    ),
    path(
        "cases/<int:case_id>/edit/<str:kind>/<int:item_id>/delete/",
        case_editing.item_delete,
        name="case-item-delete",
    ),
    path(
        "cases/<int:case_id>/edit/<str:kind>/<int:item_id>/duplicate/",
        case_editing.item_duplicate,
        name="case-item-duplicate",
    ),
    path(
        "cases/<int:case_id>/edit/<str:kind>/<int:item_id>/move/",
        case_editing.item_move,
        name="case-item-move",
    ),
    path("exercises/<int:exercise_id>/", exercises.exercise_detail, name="exercise"),
    path("exercises/<int:exercise_id>/delete/", deletion_views.exercise_delete, name="exercise-delete"),
    path(
        "exercises/<int:exercise_id>/weights/<int:criterion_id>/", exercises.weight_save, name="weight-save"
    ),
    path(
        "exercises/<int:exercise_id>/scores/<int:option_id>/<int:criterion_id>/",
        exercises.score_save,
        name="score-save",
    ),
    path("exercises/<int:exercise_id>/scores/paste/", case_paste.paste_scores, name="score-paste"),
    path(
        "exercises/<int:exercise_id>/scores/paste/template.csv",
        case_paste.paste_scores_template,
        name="score-paste-template",
    ),
    path("exercises/<int:exercise_id>/results/", results.results, name="results"),
    path("exercises/<int:exercise_id>/method/", results.method_set, name="method-set"),
    path("exercises/<int:exercise_id>/reports/", reports.exercise_reports, name="reports"),
    path("exercises/<int:exercise_id>/reports/", reports.exercise_reports, name="report-request"),
    path("reports/<int:report_id>/", reports.report_status, name="report-status"),
    path("reports/<int:report_id>/cancel/", reports.report_cancel, name="report-cancel"),
    path("reports/<int:report_id>/retry/", reports.report_retry, name="report-retry"),
    path("reports/<int:report_id>/download/", reports.report_download, name="report-download"),
    path("cases/<int:case_id>/actors/", dossier_views.actors, name="case-actors"),
    path("cases/<int:case_id>/futures/", dossier_views.futures, name="case-futures"),
    path("cases/<int:case_id>/options/", dossier_views.options, name="case-options"),
    path("cases/<int:case_id>/criteria/", dossier_views.criteria, name="case-criteria"),
    path("cases/<int:case_id>/sources/", dossier_views.sources, name="case-sources"),
    path("cases/<int:case_id>/scenarios/builder/", scenario_views.scenario_builder, name="scenario-builder"),
    path("cases/<int:case_id>/consistency/", scenario_views.consistency_save, name="consistency-save"),
    path("cases/<int:case_id>/scenarios/promote/", scenario_views.scenario_promote, name="scenario-promote"),
    path("cases/<int:case_id>/cross-impacts/", cross_impacts.cross_impacts, name="cross-impacts"),
    path("cases/<int:case_id>/cross-impacts/save/", cross_impacts.impact_save, name="cross-impact-save"),
    path(
        "cases/<int:case_id>/cross-impacts/<int:source_id>/<int:target_id>/",
        cross_impacts.impact_cell,
        name="cross-impact-cell",
    ),
    path(
        "cases/<int:case_id>/cross-impacts/export.<str:file_format>",
        cross_impacts.impact_export,
        name="cross-impact-export",
    ),
    path(
        "cases/<int:case_id>/cross-impacts/import/", cross_impacts.impact_import, name="cross-impact-import"
    ),
    path("cases/<int:case_id>/cross-impacts/promote/", cross_impacts.cib_promote, name="cib-promote"),
    path("join/", workshop_join.join, name="workshop-join"),
    path("join/<str:code>/", workshop_join.join, name="workshop-join-code"),
    path("exercises/<int:exercise_id>/play/", workshop_play.play, name="workshop-play"),
    path("exercises/<int:exercise_id>/play/state/", workshop_play.play_state, name="workshop-state"),
    path("exercises/<int:exercise_id>/play/weights/", workshop_play.weights_save, name="workshop-weights"),
    path(
        "exercises/<int:exercise_id>/play/scores/<int:option_id>/<int:criterion_id>/",
        workshop_play.score_cell_save,
        name="workshop-score",
    ),
    path("exercises/<int:exercise_id>/play/impacts/", workshop_impacts.impacts, name="workshop-impacts"),
    path(
        "exercises/<int:exercise_id>/play/impacts/rate/",
        workshop_impacts.impact_rate,
        name="workshop-impact-rate",
    ),
    path(
        "exercises/<int:exercise_id>/facilitate/impacts/",
        workshop_impacts.impact_group,
        name="workshop-impact-group",
    ),
    path("exercises/<int:exercise_id>/comments/", workshop_play.comments, name="workshop-comments"),
    path(
        "exercises/<int:exercise_id>/comments/<int:comment_id>/moderate/",
        workshop_play.comment_moderate,
        name="workshop-comment-moderate",
    ),
    path(
        "exercises/<int:exercise_id>/facilitate/", workshop_facilitate.facilitate, name="workshop-facilitate"
    ),
    path(
        "exercises/<int:exercise_id>/facilitate/live/",
        workshop_facilitate.facilitate_live,
        name="workshop-live",
    ),
    path(
        "exercises/<int:exercise_id>/facilitate/phase/", workshop_facilitate.phase_set, name="workshop-phase"
    ),
    path(
        "exercises/<int:exercise_id>/facilitate/round/", workshop_facilitate.round_next, name="workshop-round"
    ),
    path(
        "exercises/<int:exercise_id>/facilitate/settings/",
        workshop_facilitate.settings_save,
        name="workshop-settings",
    ),
    path(
        "exercises/<int:exercise_id>/facilitate/code/",
        workshop_facilitate.join_code_new,
        name="workshop-code",
    ),
    path("exercises/<int:exercise_id>/trail/", workshop_facilitate.trail, name="workshop-trail"),
    path(
        "exercises/<int:exercise_id>/facilitate/cells/<int:option_id>/<int:criterion_id>/",
        workshop_facilitate.cell,
        name="workshop-cell",
    ),
    path("exercises/<int:exercise_id>/projector/", workshop_projector.projector, name="workshop-projector"),
    path(
        "exercises/<int:exercise_id>/projector/live/",
        workshop_projector.projector_live,
        name="workshop-projector-live",
    ),
    path("account/tokens/", api_token_views.api_tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", api_token_views.api_token_revoke, name="api-token-revoke"),
]
