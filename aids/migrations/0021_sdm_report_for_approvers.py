"""Clinical leads (the "Content approvers" group) may read the shared decision-making
report: it holds counts only, never a patient reference."""

from django.db import migrations


def grant_report(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("aids")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(content_type__app_label="aids", codename="view_sdm_report").first()
    group = Group.objects.filter(name="Content approvers").first()
    if perm is not None and group is not None:
        group.permissions.add(perm)


class Migration(migrations.Migration):

    dependencies = [
        ("aids", "0020_consultation_list_indexes"),
    ]

    operations = [
        migrations.RunPython(grant_report, migrations.RunPython.noop),
    ]
