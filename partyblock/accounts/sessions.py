"""Session limits: a session ends after a period of inactivity (SESSION_IDLE_MINUTES, default 30)
and in any case SESSION_MAX_HOURS (default 12) after login."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from partyblock.audit.log import acting_as, log_denied

LOGIN_AT = "partyblock_login_at"
SEEN_AT = "partyblock_seen_at"


def mark_login(request):
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def session_started(sender, request, user, **kwargs):
    """On login (`user_logged_in`, connected by `AccountsConfig.ready`): the session's clocks start."""
    if request is not None and hasattr(request, "session"):
        mark_login(request)


def expired(request, now):
    seen = request.session.get(SEEN_AT)
    started = request.session.get(LOGIN_AT)
    if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
        return f"Phiên làm việc đã kết thúc do không hoạt động quá {settings.SESSION_IDLE_MINUTES} phút. Vui lòng đăng nhập lại."
    if started is not None and now - started > settings.SESSION_MAX_HOURS * 3600:
        return f"Phiên làm việc đã quá {settings.SESSION_MAX_HOURS} giờ. Vui lòng đăng nhập lại."
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            reason = expired(request, now)
            if reason:
                logout(request)
                messages.warning(request, reason)
                return redirect(f"{reverse('admin:login')}?next={request.path}")
            request.session[SEEN_AT] = now
            request.session.setdefault(LOGIN_AT, now)
        return self.get_response(request)


class AuditActorMiddleware:
    """Everything a request changes is logged as done by its user, from its address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "báo cáo" if request.path.startswith(("/bao-cao/", "/to-chuc/")) else "quản trị"
        with acting_as(request.user, source=source, ip_address=request.META.get("REMOTE_ADDR")):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            log_denied(request, f"{request.method} {request.path}")
        return None
