"""Pages: the inbox (/notifications), my devices and preferences."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from handbook.auth.sessions import summarise_agent
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import page_arg, require
from handbook.notify import inbox, subscriptions
from handbook.notify.kinds import kinds_for

bp = Blueprint("notify", __name__)


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


@bp.app_template_filter("device_name")
def device_name(user_agent: str | None) -> str:
    """'Chrome · Android' from a User-Agent header, enough to tell one's devices apart."""
    return summarise_agent(user_agent) or _("Thiết bị không rõ")
