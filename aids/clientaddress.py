"""The client's address, for login throttling (django-axes' ``AXES_CLIENT_IP_CALLABLE``).

Without a proxy it is ``REMOTE_ADDR``. Behind ``CLIENT_ADDRESS_PROXY_COUNT`` proxies
(environment variable ``AXES_PROXY_COUNT``) that each append the address they saw to
``X-Forwarded-For``, it is the entry that many places from the right: the one the
outermost of our proxies saw. Entries further left were written by the client and are
never believed; a request with fewer entries than proxies did not come through them,
and its ``REMOTE_ADDR`` is used.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "CLIENT_ADDRESS_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
