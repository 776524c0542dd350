import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from articles.models import Article, Author, Category


class CategoryFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"栏目{n}")

    class Meta:
        model = Category


class AuthorFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"记者{n}")

    class Meta:
        model = Author


class ArticleFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"央行开展逆回购操作 第{n}期")
    body = "<p>央行今日开展<strong>逆回购</strong>操作，市场流动性保持合理充裕。</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Article.Status.REVIEW, published_at=None)
        scheduled = factory.Trait(published_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1)))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.set_authors(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
