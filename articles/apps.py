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
        # After every migrate and flush (permissions exist by then: auth's own
        # receiver runs first, as auth comes first in INSTALLED_APPS).
        from django.db.models.signals import post_migrate

        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="articles_ensure_roles")
        post_save.connect(article_saved, sender=Article, dispatch_uid="search_article_saved")
        post_delete.connect(article_deleted, sender=Article, dispatch_uid="search_article_deleted")
        self._connect_page_cache()

    def _connect_page_cache(self):
        """Any change to what the public pages show starts a new cache version."""
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from taggit.models import Tag, TaggedItem

        from .models import Article, Author, Byline, Category
        from .pagecache import content_changed

        for model in (Article, Author, Byline, Category, Tag, TaggedItem):
            post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache_save_{model.__name__}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache_delete_{model.__name__}")
        m2m_changed.connect(content_changed, sender=Article.categories.through, dispatch_uid="pagecache_m2m")
