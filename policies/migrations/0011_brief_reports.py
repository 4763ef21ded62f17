# The brief: a short PDF beside the full report, offered first.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0010_facilitation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="kind",
            field=models.CharField(
                choices=[
                    ("brief", "Brief (PDF, a few pages)"),
                    ("pdf", "Full PDF report"),
                    ("xlsx", "Excel workbook"),
                    ("csv", "CSV of all judgments"),
                    ("json", "Case file (JSON) with the exercise"),
                ],
                default="pdf",
                max_length=10,
                verbose_name="kind",
            ),
        ),
    ]
