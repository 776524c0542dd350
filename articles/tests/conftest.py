import pytest

from .factories import ArticleFactory, AuthorFactory, CategoryFactory


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
