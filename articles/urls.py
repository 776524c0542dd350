from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, views
from .converters import CategoryPathConverter, UnicodeSlugConverter
from .sitemaps import SECTION_SITEMAPS, article_sitemap, news_sitemap, sitemap_index

register_converter(UnicodeSlugConverter, "uslug")
register_converter(CategoryPathConverter, "catpath")

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("articles/<int:pk>/", views.article_redirect, name="short"),
    path("articles/<int:pk>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("sections/<catpath:path>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("sections/<catpath:path>/", views.CategoryView.as_view(), name="category"),
    path("tags/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<uslug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("authors/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/", views.ArchiveView.as_view(), name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.ArchiveView.as_view(), name="archive_month"),
    path("search/", views.search_view, name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", news_sitemap, name="news_sitemap"),
    path("sitemap-articles.xml", article_sitemap, name="article_sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SECTION_SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
]
