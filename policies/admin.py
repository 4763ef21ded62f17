"""Django's admin for site administrators: teams and who is in them, cases, exercises, reports, API tokens,
invitations and the history. Token hashes and the history are read-only; tokens are made by their owners."""

from typing import TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations

from policies.models import ApiToken, AuditEvent, Case, Exercise, Invitation, Membership, Report, Team
from policies.models.fields import localize


class MemberCount(TypedDict):
    """What TeamAdmin's queryset adds to each team."""

    member_count: int


class MembershipInline(admin.TabularInline[Membership, Team]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created"]
    readonly_fields = ["created"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = [
        "name",
        "slug",
        "members",
        "require_mfa",
        "join_domains",
        "join_claim",
        "join_role",
        "created",
    ]
    list_filter = ["require_mfa", "join_role", "created"]
    search_fields = ["name", "slug", "join_domains", "join_claim"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "require_mfa"]}),
        (_("Institutional sign-in"), {"fields": ["join_domains", "join_claim", "join_role"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    # Quoted: at run time WithAnnotations takes a single argument.
    def members(self, team: "WithAnnotations[Team, MemberCount]") -> int:
        return team.member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "team", "role", "created"]
    list_filter = ["role", "team"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "team__name"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ["key", "title_text", "team", "period", "region", "updated"]
    list_filter = ["team", "region"]
    search_fields = ["key", "title", "region", "team__name"]
    list_select_related = ["team"]
    readonly_fields = ["created", "updated"]

    @admin.display(description=_("title"))
    def title_text(self, case: Case) -> str:
        return localize(case.title)


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin[Exercise]):
    list_display = [
        "key",
        "title_text",
        "team",
        "case",
        "method",
        "facilitated",
        "phase",
        "anonymity",
        "created",
    ]
    list_filter = ["phase", "method", "facilitated", "blind", "anonymity", "weighting_method", "team"]
    search_fields = ["key", "title", "team__name", "case__key"]
    list_select_related = ["team", "case"]
    readonly_fields = ["created", "version", "join_code", "join_expires"]
    filter_horizontal = ["options", "criteria", "scenarios"]

    @admin.display(description=_("title"))
    def title_text(self, exercise: Exercise) -> str:
        return localize(exercise.title)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = [
        "pk",
        "exercise",
        "kind",
        "language",
        "status",
        "progress",
        "requested_by",
        "created",
        "finished",
    ]
    list_filter = ["status", "kind", "language"]
    search_fields = ["exercise__key", "exercise__team__name", "requested_by__username", "error"]
    list_select_related = ["exercise", "requested_by"]
    readonly_fields = ["created", "started", "finished", "enqueued", "heartbeat", "attempts", "error"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are listed and revoked here; only their owners create them, since the secret is shown once."""

    list_display = ["name", "user", "prefix", "scopes", "created", "last_used", "expires", "revoked"]
    list_filter = ["revoked", "created", "expires"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "key_hash", "scopes", "created", "last_used", "expires", "revoked"]
    readonly_fields = ["user", "prefix", "key_hash", "scopes", "created", "last_used"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["team", "kind", "email", "label", "role", "use_count", "max_uses", "expires", "revoked"]
    list_filter = ["kind", "role", "team"]
    search_fields = ["email", "label", "team__name"]
    list_select_related = ["team"]
    readonly_fields = ["nonce", "created", "sent", "use_count", "accepted_by", "accepted", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # owners invite from the team's page, which sends the mail


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["created", "team", "actor_name", "action", "subject_name", "address"]
    list_filter = ["action", "team"]
    search_fields = ["actor_name", "subject_name", "team__name", "address"]
    list_select_related = ["team"]
    date_hierarchy = "created"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
