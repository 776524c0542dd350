from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Article
        from .revisions import register_models
        from .search.signals import article_deleted, article_saved

        register_models()
        post_save.connect(article_saved, sender=Article, dispatch_uid="search_article_saved")
        post_delete.connect(article_deleted, sender=Article, dispatch_uid="search_article_deleted")
