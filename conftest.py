"""Fixtures for every test in the repository."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing passwords properly is slow by design; tests do not need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache, so query counts are repeatable."""
    from articles import categories, fragments

    cache.clear()
    fragments.forget()
    categories._local.update(version=None, tree=None)
    yield
    cache.clear()


def _member(django_user_model, username, group_name, *, byline=None):
    from django.contrib.auth.models import Group

    from articles.models import Author

    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    if byline:
        Author.objects.create(name=byline, user=user)
    return user


@pytest.fixture
def writer(db, django_user_model):
    return _member(django_user_model, "writer", "Writers", byline="王明")


@pytest.fixture
def other_writer(db, django_user_model):
    return _member(django_user_model, "other", "Writers", byline="李雪")


@pytest.fixture
def editor(db, django_user_model):
    return _member(django_user_model, "editor", "Editors")


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
