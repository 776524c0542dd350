import pytest
from django.core.cache import cache

from articles import categories

from .factories import ArticleFactory, AuthorFactory, CategoryFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache, so query counts are repeatable."""
    cache.clear()
    categories._local.update(version=None, tree=None)
    yield
    cache.clear()


@pytest.fixture
def section_tree(db):
    """金融 › 财联社 › 深度, as the seed posts file them."""
    finance = CategoryFactory(name="金融")
    desk = CategoryFactory(name="财联社", parent=finance)
    depth = CategoryFactory(name="深度", parent=desk)
    return finance, desk, depth


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def author(db):
    return AuthorFactory()


@pytest.fixture
def draft_by_writer(writer):
    """A draft the writer created, with the writer's byline."""
    article = ArticleFactory(draft=True, title="记者的草稿", created_by=writer)
    article.set_authors([writer.author_profile])
    return article
