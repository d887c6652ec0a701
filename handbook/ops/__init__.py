"""Running the app for real: health check, database outages, backups, audit retention, the background worker
(`flask worker`) and the operator's commands. It uses notify (the rules, the push dispatcher, the heartbeats);
notify never imports it."""


def init_app(app) -> None:
    """/healthz and /ping (with the migration heads this code expects), the administrators' pages, the worker and the
    operator's commands."""
    import os

    from handbook.ops import admin_views, cli, health

    health.init_health(app, os.path.join(os.path.dirname(app.root_path), "migrations"))
    app.register_blueprint(health.bp)
    app.register_blueprint(admin_views.bp)
    cli.register(app)
