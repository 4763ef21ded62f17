import re
from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PSEUDONYM = re.compile(r"^Participant (\d+)$")


def number_participants(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Each exercise's participants numbered 1, 2... keeping the number of their old pseudonym where it was one
    and unique, so that nobody's label changes; the others take the next free numbers in joining order."""
    Participant = apps.get_model("policies", "Participant")
    by_exercise: dict[int, list[Any]] = {}  # historical models, not the classes of policies.models
    for participant in Participant.objects.order_by("exercise_id", "pk"):
        by_exercise.setdefault(participant.exercise_id, []).append(participant)
    for people in by_exercise.values():
        taken = set()
        wanted = {}
        for participant in people:
            match = PSEUDONYM.match(participant.pseudonym or "")
            if match and int(match.group(1)) > 0 and int(match.group(1)) not in taken:
                wanted[participant.pk] = int(match.group(1))
                taken.add(int(match.group(1)))
        following = 1
        for participant in people:
            number = wanted.get(participant.pk)
            if number is None:
                while following in taken:
                    following += 1
                number = following
                taken.add(number)
            Participant.objects.filter(pk=participant.pk).update(number=number)


class Migration(migrations.Migration):
    dependencies = [("policies", "0006_scenario_weights_and_profiles")]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="number",
            field=models.PositiveIntegerField(default=0, verbose_name="number"),
            preserve_default=False,
        ),
        migrations.RunPython(number_participants, migrations.RunPython.noop),
        migrations.RemoveField(model_name="participant", name="pseudonym"),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(fields=("exercise", "number"), name="participant_unique_number"),
        ),
        migrations.AddField(
            model_name="report",
            name="scope",
            field=models.JSONField(blank=True, default=dict, verbose_name="scope"),
        ),
    ]
