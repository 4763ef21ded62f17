"""What a live workshop adds to an exercise: AHP pairwise judgments and threaded comments."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models.cases import Criterion, DriverState, Option, Scenario
from policies.models.exercises import Exercise, Participant


class PairwiseJudgment(models.Model):
    """How many times more important criterion_a is than criterion_b for a participant (Saaty's 1/9..9).

    Only one orientation is stored (criterion_a has the lower primary key); the reciprocal is implied.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pairwise")
    criterion_a = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    criterion_b = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    # Null for the baseline comparisons; set when the exercise lets weights differ by scenario.
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    value = models.FloatField(_("ratio"))
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "criterion_a", "criterion_b", "round"],
                condition=Q(scenario__isnull=True),
                name="pairwise_unique_cell",
            ),
            models.UniqueConstraint(
                fields=["participant", "criterion_a", "criterion_b", "scenario", "round"],
                condition=Q(scenario__isnull=False),
                name="pairwise_unique_scenario_cell",
            ),
            models.CheckConstraint(condition=Q(value__gte=1 / 9 - 1e-9, value__lte=9), name="pairwise_range"),
            models.CheckConstraint(condition=Q(criterion_a__lt=F("criterion_b")), name="pairwise_ordered"),
            models.CheckConstraint(condition=Q(round__gte=1), name="pairwise_round_positive"),
        ]
        verbose_name = _("pairwise judgment")
        verbose_name_plural = _("pairwise judgments")

    def __str__(self) -> str:
        return f"{self.participant} · {self.criterion_a} / {self.criterion_b}: {self.value:g}"


class ImpactJudgment(models.Model):
    """A participant's rating of one cross-impact cell in a round: how the source state pushes the target state.

    The group's matrix is the members' mean (policies.analysis.cib.cib_ensemble); like scores, the ratings are
    blind until revealed (policies.selectors.visibility).
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="impacts")
    source = models.ForeignKey(DriverState, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(DriverState, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    value = models.SmallIntegerField(_("impact"))
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "source", "target", "round"], name="impact_judgment_unique_cell"
            ),
            models.CheckConstraint(condition=~Q(source=F("target")), name="impact_judgment_distinct_states"),
            models.CheckConstraint(condition=Q(round__gte=1), name="impact_judgment_round_positive"),
        ]
        verbose_name = _("cross-impact judgment")
        verbose_name_plural = _("cross-impact judgments")

    def __str__(self) -> str:
        return f"{self.participant} · {self.source} → {self.target} · round {self.round}: {self.value:+d}"


class Comment(models.Model):
    """A remark on an option or a criterion of an exercise; replies point at their parent."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="comments")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=2000)
    created = models.DateTimeField(auto_now_add=True)
    # The facilitator's moderation: a hidden comment is shown to facilitators only (see
    # policies.selectors.comments), a pinned one heads the threads. `moderated` tells the threads' poll.
    hidden = models.BooleanField(_("hidden"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    moderated = models.DateTimeField(_("moderated"), null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(option__isnull=False) | Q(criterion__isnull=False), name="comment_has_subject"
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]
