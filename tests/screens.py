"""The main screens of a team's case and exercise, for tests that sweep them all (accessibility, XSS)."""

from django.urls import reverse

from policies.models import Case, Exercise


def main_screens(case: Case, exercise: Exercise) -> list[str]:
    team = case.team
    option = case.options.first()
    return [
        reverse("home"),
        reverse("team", args=[team.slug]),
        reverse("case", args=[case.pk]),
        *(reverse(name, args=[case.pk]) for name in ("case-actors", "case-futures", "case-options")),
        *(reverse(name, args=[case.pk]) for name in ("case-criteria", "case-sources", "scenario-builder")),
        reverse("cross-impacts", args=[case.pk]),
        reverse("case-edit", args=[case.pk]),
        reverse("case-item-edit", args=[case.pk, "option", option.pk]),
        reverse("case-item-history", args=[case.pk, "option", option.pk]),
        reverse("case-header", args=[case.pk]),
        reverse("case-header-history", args=[case.pk]),
        reverse("reference-paste", args=[case.pk]),
        reverse("case-delete", args=[case.pk]),
        reverse("team-deleted", args=[team.slug]),
        reverse(
            "case-item-edit", args=[case.pk, "criterion", case.criteria.filter(is_group=False).first().pk]
        ),
        reverse("case-item-new", args=[case.pk, "scenario"]),
        reverse("case-item-delete", args=[case.pk, "option", option.pk]),
        reverse("case-paste", args=[case.pk, "criterion"]),
        reverse("case-import", args=[team.slug]),
        reverse("exercise-new", args=[case.pk]),
        reverse("exercise", args=[exercise.pk]),
        reverse("results", args=[exercise.pk]),
        reverse("reports", args=[exercise.pk]),
        reverse("exercise-delete", args=[exercise.pk]),
    ]
