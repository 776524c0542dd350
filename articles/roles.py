"""The newsroom's roles: the Writers and Editors groups and their permissions.

A data migration made them first; ``ensure_roles`` runs after every
``migrate`` and ``flush`` too, so the groups are always there with the
permissions below (it adds what is missing and takes nothing away).
"""

WRITER_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "view_category"),
    ("articles", "view_author"),
    ("taggit", "view_tag"),
]

EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    ("articles", "delete_article"),
    ("articles", "publish_article"),
    ("articles", "add_category"),
    ("articles", "change_category"),
    ("articles", "delete_category"),
    ("articles", "add_author"),
    ("articles", "change_author"),
    ("articles", "delete_author"),
    ("articles", "view_articleevent"),
    ("articles", "add_feedsubscription"),
    ("articles", "change_feedsubscription"),
    ("articles", "delete_feedsubscription"),
    ("articles", "view_feedsubscription"),
    ("taggit", "add_tag"),
    ("taggit", "change_tag"),
    ("taggit", "delete_tag"),
]

ROLES = {"Writers": WRITER_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def ensure_roles(**kwargs):
    """Create the groups and give them their permissions (a post_migrate receiver)."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Permission.objects.none()
        for app_label, codename in codenames:
            wanted |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*wanted)
