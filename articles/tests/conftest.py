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
