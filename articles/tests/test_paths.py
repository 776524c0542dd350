"""Article addresses built without the resolver match the resolver's."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from articles.paths import article_path


@pytest.mark.parametrize(
    "slug", ["央行开展逆回购操作", "model-y-降价", "a_b-c", "Ünïcödé-1", "x", "第３期-ｆｕｌｌ", "𠮷野家-2"]
)
def test_article_path_matches_reverse(slug):
    assert article_path(42, slug) == reverse("articles:detail", kwargs={"pk": 42, "slug": slug})


def test_article_path_under_a_script_prefix():
    set_script_prefix("/news/")
    try:
        assert article_path(7, "标题") == reverse("articles:detail", kwargs={"pk": 7, "slug": "标题"})
        assert article_path(7, "标题").startswith("/news/articles/7/")
    finally:
        set_script_prefix("/")


def test_a_slug_the_route_refuses_is_refused():
    with pytest.raises(NoReverseMatch):
        article_path(1, "a/b?c")


def test_article_path_matches_reverse_for_every_character_a_slug_may_hold():
    # Every word character of the Basic Multilingual Plane, in slugs of a few.
    import re

    characters = [chr(code) for code in range(0x10000) if re.fullmatch(r"\w", chr(code))]
    for start in range(0, len(characters), 40):
        slug = "".join(characters[start : start + 40]) + "-" + str(start)
        assert article_path(start, slug) == reverse("articles:detail", kwargs={"pk": start, "slug": slug})
