"""The section tree, loaded whole and cached.

A newsroom has tens or hundreds of sections, not millions, so the public site
reads the whole tree in one query (or none, from the cache) and answers
breadcrumbs, URL paths and "this section and everything below it" in Python,
instead of one query per level.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "articles:category-tree-version"


class CategoryTree:
    def __init__(self, categories):
        self.by_id = {category.pk: category for category in categories}
        self.children = {}
        for category in categories:
            self.children.setdefault(category.parent_id, []).append(category)
        self.by_path = {}
        for category in categories:
            category._path = "/".join(node.slug for node in self.ancestors(category.pk, include_self=True))
            self.by_path[category._path] = category

    def get(self, pk):
        return self.by_id.get(pk)

    def top_level(self):
        return self.children.get(None, [])

    def ancestors(self, pk, *, include_self=False):
        """From the top-level section down to ``pk`` (or its parent)."""
        chain = []
        node = self.by_id.get(pk)
        seen = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = self.by_id.get(node.parent_id)
        chain.reverse()
        return chain if include_self else chain[:-1]

    def descendant_ids(self, pk):
        """``pk`` and every section below it."""
        ids, stack = [], [pk]
        while stack:
            current = stack.pop()
            if current in ids:
                continue
            ids.append(current)
            stack.extend(child.pk for child in self.children.get(current, []))
        return ids

    def find(self, path):
        return self.by_path.get(path.strip("/"))


_local = {"version": None, "tree": None}


def get_tree():
    """The current tree.

    Each process keeps the tree it built, tagged with a version token kept in
    the shared cache; a save anywhere changes the token, so every process
    rebuilds on its next request. A request costs one cache read, and a query
    only after a change.
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    if _local["version"] != version:
        from .models import Category

        _local["tree"] = CategoryTree(list(Category.objects.order_by("position", "name")))
        _local["version"] = version
    return _local["tree"]


def forget_tree(**kwargs):
    """Make every process rebuild the tree (on Category save and delete)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
