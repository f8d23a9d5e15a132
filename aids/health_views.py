"""Health check for load balancers."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from aids.models import HealthProbe


def _probe_write():
    """Update and commit the probe row: a database that answers reads but cannot
    write (a full disk, a read-only file or standby) refuses it."""
    with transaction.atomic():
        HealthProbe.objects.update_or_create(pk=1, defaults={"checked_at": timezone.now()})


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 {"status": "ok"} when the database answers and takes a write, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    try:
        _probe_write()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "cannot write"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
