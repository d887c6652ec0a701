"""The Web Push engine: delivers the outbox's rows to the browsers' push services.

dispatch.py runs it (`flask notify dispatch`, `flask worker`); deliveries.py claims the due rows and records
the results; sender.py makes one request — VAPID (vapid.py), RFC 8291 encryption (ece.py), libcurl over
asyncio (pushhttp.py); dbthread.py and processes.py carry the database work and the helper processes.

It reads the notification domain (models, `outbox.payload`, the allow-list and `forget` of subscriptions.py,
the heartbeat of rules.py); the domain never imports the engine."""
