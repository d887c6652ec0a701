"""Notifications: the outbox (one row per notification, delivered after its transaction commits), the in-app
inbox, Web Push subscriptions, reminder rules and the dispatcher. Knows no feature: features register rules
(`rules.reminder_rule`) and kinds (`kinds.register_kind`) and call `outbox.enqueue` in their own transaction."""
