from django.urls import path, register_converter

from . import views
from .converters import CategoryPathConverter, UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")
register_converter(CategoryPathConverter, "catpath")

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("articles/<int:pk>/", views.article_redirect, name="short"),
    path("articles/<int:pk>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("sections/<catpath:path>/", views.CategoryView.as_view(), name="category"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("preview/shared/<str:token>/", views.shared_preview, name="shared_preview"),
]
