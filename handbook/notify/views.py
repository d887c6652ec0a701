"""Pages: the inbox (/notifications), my devices and preferences, the admin health page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from handbook.audit import service as audit
from handbook.caller import current_access
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import current_actor, page_arg, require
from handbook.extensions import db
from handbook.notify import inbox, subscriptions
from handbook.notify.health import STALE, health
from handbook.notify.kinds import kinds_for

bp = Blueprint("notify", __name__)
admin_bp = Blueprint("notify_admin", __name__, url_prefix="/admin")


@bp.app_context_processor
def unread_badge():
    def nav_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        if "nav_unread" not in g:
            g.nav_unread = inbox.unread_count(current_user.id)
        return g.nav_unread
    return {"nav_unread": nav_unread}


@bp.get("/notifications", endpoint="inbox")
@login_required
def inbox_page():
    page = page_arg()
    items, total = inbox.page_of(current_user.id, page)
    return render_template("notify/inbox.html", items=items, total=total, page=page, per_page=inbox.PER_PAGE)


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Following a notification marks it read and goes where it points."""
    item = inbox.get(current_user.id, notification_id)
    require(item is not None)
    inbox.mark_read(current_user.id, item.id)
    return redirect(item.url if item.url.startswith("/") and not item.url.startswith("//") else "/")


@bp.post("/notifications/read-all")
@login_required
def read_all():
    if not EmptyForm().validate_on_submit():
        abort(400)
    inbox.mark_read(current_user.id)
    return redirect(url_for("notify.inbox"))


@bp.get("/notifications/settings")
@login_required
def settings():
    return render_template("notify/settings.html", devices=subscriptions.devices(current_user.id),
                           prefs=inbox.preferences(current_user.id), kinds=kinds_for(current_user.id),
                           form=EmptyForm())


@bp.post("/notifications/settings/preferences")
@login_required
def save_preferences():
    if not EmptyForm().validate_on_submit():
        abort(400)
    # only the kinds offered to this user: one they do not receive keeps its setting
    inbox.set_preferences(current_user.id, {kind: request.form.get(f"kind_{kind}") == "on"
                                            for kind in kinds_for(current_user.id)})
    flash(_("Đã lưu lựa chọn thông báo."), "info")
    return redirect(url_for("notify.settings"))


@bp.post("/notifications/settings/test")
@login_required
def send_test():
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not subscriptions.devices(current_user.id):
        flash(_("Chưa có thiết bị nào nhận thông báo. Hãy bật nhắc lịch trên thiết bị này trước."), "error")
    else:
        inbox.send_test(current_user.id)
        flash(_("Đã gửi thông báo thử tới các thiết bị của đồng chí; thông báo sẽ đến trong ít giây."), "info")
    return redirect(url_for("notify.settings"))


@bp.post("/notifications/settings/devices/<int:subscription_id>/delete")
@login_required
def remove_device(subscription_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    require(subscriptions.remove(current_user.id, subscription_id=subscription_id))
    flash(_("Đã gỡ thiết bị; thiết bị này sẽ không nhận thông báo nữa."), "info")
    return redirect(url_for("notify.settings"))


@admin_bp.get("/notify")
@login_required
def admin_health():
    require(current_access().is_admin, 403)  # access decides (an admin whose member record left is none)
    html = render_template("notify/admin.html", h=health(), stale_minutes=int(STALE.total_seconds() // 60))
    audit.record("notify.delivery_status", current_actor())  # who read the delivery status, and when
    db.session.commit()
    return html


@bp.app_template_filter("device_name")
def device_name(user_agent: str | None) -> str:
    """'Chrome · Android' from a User-Agent header, enough to tell one's devices apart."""
    ua = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"),
                                           ("Firefox/", "Firefox"), ("CriOS", "Chrome"), ("Chrome/", "Chrome"),
                                           ("Safari/", "Safari")) if key in ua), None)
    system = next((name for key, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                                          ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))
                   if key in ua), None)
    parts = [p for p in (browser, system) if p]
    return " · ".join(parts) if parts else _("Thiết bị không rõ")
