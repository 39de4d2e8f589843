from django.db import migrations, models


class Migration(migrations.Migration):
    """The unit's order history, newest first: an index that reads one page of it."""

    dependencies = [
        ("ordering", "0004_document_seal_invoice"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="unitorder",
            index=models.Index(fields=["unit", "created_at", "id"], name="unitorder_unit_created"),
        ),
    ]
