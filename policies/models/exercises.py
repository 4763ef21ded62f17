"""An exercise: a team runs a case, its participants weigh criteria and score options, round by round."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from policies.models.cases import Case, Criterion, Option, Scenario
from policies.models.fields import LocalizedTextField, localize
from policies.models.teams import Team


class Method(models.TextChoices):
    WEIGHTED_SUM = "weighted_sum", _("Weighted sum")
    TOPSIS = "topsis", _("TOPSIS")
    PROMETHEE_II = "promethee_ii", _("PROMETHEE II")


class Exercise(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="exercises")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exercises")
    key = models.SlugField(_("identifier"), max_length=80)
    title = LocalizedTextField(_("title"))
    description = LocalizedTextField(_("description"))
    options = models.ManyToManyField(Option, related_name="exercises")
    criteria = models.ManyToManyField(Criterion, related_name="exercises")
    scenarios = models.ManyToManyField(Scenario, blank=True, related_name="exercises")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.WEIGHTED_SUM)
    current_round = models.PositiveSmallIntegerField(_("current round"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "case", "key"], name="exercise_unique_key"),
            models.CheckConstraint(condition=Q(current_round__gte=1), name="exercise_round_positive"),
            models.CheckConstraint(condition=Q(method__in=Method.values), name="exercise_method_valid"),
        ]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")

    def __str__(self) -> str:
        return localize(self.title) or self.key


class Participant(models.Model):
    """Someone whose judgments count: a member of the team, or a persona of a sample exercise (no user)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
    )
    key = models.SlugField(_("identifier"), max_length=80)
    alias = models.CharField(_("alias"), max_length=80)
    profile = LocalizedTextField(_("profile"))
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="participant_unique_key"),
            models.UniqueConstraint(
                fields=["exercise", "user"], condition=Q(user__isnull=False), name="participant_unique_user"
            ),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.alias


class WeightJudgment(models.Model):
    """Points (0-100) a participant gives a leaf criterion; normalised to weights by the engine."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="weights")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="weight_judgments")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    value = models.FloatField(_("points"))
    rationale = LocalizedTextField(_("rationale"))
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "criterion", "round"], name="weight_unique_cell"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="weight_value_range"),
            models.CheckConstraint(condition=Q(round__gte=1), name="weight_round_positive"),
        ]
        verbose_name = _("weight judgment")
        verbose_name_plural = _("weight judgments")

    def __str__(self) -> str:
        return f"{self.participant} · {self.criterion} · round {self.round}: {self.value:g}"


class ScoreJudgment(models.Model):
    """How an option performs on a criterion, for a participant, a round and optionally a scenario.

    The database enforces one judgment per cell; the criterion's own scale is checked by the judgments service
    because a check constraint cannot look across tables.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="score_judgments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="score_judgments")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, null=True, blank=True, related_name="score_judgments"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    value = models.FloatField(_("score"))
    rationale = LocalizedTextField(_("rationale"))
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Two partial constraints because NULL scenarios would never collide in a plain unique constraint.
            models.UniqueConstraint(
                fields=["participant", "option", "criterion", "round"],
                condition=Q(scenario__isnull=True),
                name="score_unique_baseline_cell",
            ),
            models.UniqueConstraint(
                fields=["participant", "option", "criterion", "scenario", "round"],
                condition=Q(scenario__isnull=False),
                name="score_unique_scenario_cell",
            ),
            models.CheckConstraint(condition=Q(value__gte=-1e6, value__lte=1e6), name="score_value_finite"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=5),
                name="score_confidence_range",
            ),
            models.CheckConstraint(condition=Q(round__gte=1), name="score_round_positive"),
        ]
        verbose_name = _("score judgment")
        verbose_name_plural = _("score judgments")

    def __str__(self) -> str:
        cell = f"{self.option} · {self.criterion}" + (f" · {self.scenario}" if self.scenario_id else "")
        return f"{self.participant} · {cell} · round {self.round}: {self.value:g}"
