"""An index the sitemap pages read alone (see Article.Meta.indexes)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_search_in_publication_order"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["id", "status", "published_at", "updated_at", "slug"], name="article_sitemap"),
        ),
    ]
