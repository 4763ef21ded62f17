"""Source titles become texts by language, like every other displayed text: a title stored as a plain string
is kept as its English text."""

from typing import Any

from django.db import migrations, models

import policies.models.fields


def titles_to_languages(apps: Any, schema_editor: Any) -> None:
    SourceDocument = apps.get_model("policies", "SourceDocument")
    for source in SourceDocument.objects.all().only("pk", "title_text"):
        text = source.title_text
        source.title = {"en": text} if text else {}
        source.save(update_fields=["title"])


def titles_to_strings(apps: Any, schema_editor: Any) -> None:
    SourceDocument = apps.get_model("policies", "SourceDocument")
    for source in SourceDocument.objects.all().only("pk", "title"):
        title = source.title if isinstance(source.title, dict) else {}
        source.title_text = (title.get("en") or next(iter(title.values()), ""))[:400]
        source.save(update_fields=["title_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0014_workshop_cross_impacts"),
    ]

    operations = [
        migrations.RenameField(model_name="sourcedocument", old_name="title", new_name="title_text"),
        # With a default, so that undoing this migration can add the column back to a table with rows.
        migrations.AlterField(
            model_name="sourcedocument",
            name="title_text",
            field=models.CharField(blank=True, default="", max_length=400, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="sourcedocument",
            name="title",
            field=policies.models.fields.LocalizedTextField(blank=True, default=dict, verbose_name="title"),
        ),
        migrations.RunPython(titles_to_languages, titles_to_strings),
        migrations.RemoveField(model_name="sourcedocument", name="title_text"),
    ]
