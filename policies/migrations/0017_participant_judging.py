from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Exists, OuterRef

# The roles that facilitate (policies.selectors.access.FACILITATING_ROLES), frozen as they were at this migration.
FACILITATING = ("owner", "facilitator")


def comment_only_facilitators_do_not_judge(
    apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None
) -> None:
    """Facilitators enrolled before by replying to a comment, who never judged, stop counting as participants."""
    Participant = apps.get_model("policies", "Participant")
    Membership = apps.get_model("policies", "Membership")
    judged = [
        Exists(apps.get_model("policies", model).objects.filter(participant=OuterRef("pk")))
        for model in ("WeightJudgment", "ScoreJudgment", "PairwiseJudgment", "ImpactJudgment")
    ]
    facilitating = Membership.objects.filter(
        user=OuterRef("user"), team=OuterRef("exercise__team"), role__in=FACILITATING
    )
    commented = apps.get_model("policies", "Comment").objects.filter(author=OuterRef("pk"))
    rows = Participant.objects.filter(
        Exists(facilitating), Exists(commented), user__isnull=False, is_guest=False
    )
    for has_judged in judged:
        rows = rows.exclude(has_judged)
    rows.update(judging=False)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0016_history_soft_delete_reference_values"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="judging",
            field=models.BooleanField(default=True, verbose_name="judging"),
        ),
        migrations.RunPython(comment_only_facilitators_do_not_judge, migrations.RunPython.noop),
    ]
