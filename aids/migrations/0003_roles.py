"""Two roles for clinical leads: editors change drafts; approvers also publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "aidversion", "reference", "section", "benefit", "risk", "criterion", "option",
    "gridquestion", "gridanswer", "valuestatement", "understandingquestion", "contributor",
]
EDITORS = "Content editors"
APPROVERS = "Content approvers"


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    app_config = apps.get_app_config("aids")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "delete", "view")]
    codenames += ["view_aid", "add_aid", "change_aid"]
    editing = list(Permission.objects.filter(content_type__app_label="aids", codename__in=codenames))
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*editing)
    approvers, _ = Group.objects.get_or_create(name=APPROVERS)
    approvers.permissions.add(*editing, Permission.objects.get(content_type__app_label="aids", codename="publish_aidversion"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, APPROVERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("aids", "0002_consultations"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
