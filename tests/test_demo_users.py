import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_demo_users_are_refused_outside_local_mode(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="local mode only"):
        call_command("create_demo_users")

    assert not get_user_model().objects.filter(username__startswith="demo").exists()


def test_demo_users_are_created_once_and_print_how_to_log_in(settings, tmp_path, capsys):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path

    call_command("create_demo_users", url="http://127.0.0.1:8000/")
    call_command("create_demo_users", url="http://127.0.0.1:8000/")

    out = capsys.readouterr().out
    password = (tmp_path / "demo-password").read_text().strip()
    assert "Open http://127.0.0.1:8000/ and log in with:" in out
    assert f"username demo       password {password}" in out
    users = get_user_model().objects.filter(username__startswith="demo")
    assert users.count() == 3
    lead = users.get(username="demo-lead")
    assert lead.is_staff and lead.has_perm("aids.publish_aidversion")
    assert not lead.has_perm("aids.read_any_record")  # content roles never read records
    auditor = users.get(username="demo-auditor")
    assert auditor.has_perm("aids.read_any_record") and not auditor.is_staff
    assert users.get(username="demo").check_password(password)
