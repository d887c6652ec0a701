"""Notifications: the outbox (one row per notification, delivered after its transaction commits), the in-app
inbox, the members' push subscriptions, reminder rules and the workers' heartbeats. Knows no feature: features
register rules (`rules.reminder_rule`) and kinds (`kinds.register_kind`) and call `outbox.enqueue` in their own
transaction. The Web Push engine that delivers the outbox (encryption, VAPID, HTTP, the dispatcher) is the
`push` subpackage; `flask worker` (handbook/ops/worker.py) runs both."""


def init_app(app) -> None:
    """The inbox and settings pages; push devices are forgotten when the account's credentials change (auth)."""
    from handbook.auth.events import credentials_changed
    from handbook.notify import subscriptions, views

    credentials_changed.connect(subscriptions.forget_devices_of_account)
    app.register_blueprint(views.bp)
