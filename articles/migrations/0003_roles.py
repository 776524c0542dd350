"""The two newsroom roles as groups with their model permissions.

Writers draft articles and submit them; Editors do everything with content,
and only they (and superusers) hold ``articles.publish_article``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow_and_import_records"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
