"""Cell meetings: schedules, the monthly series, attendance, minutes, votes, the calendar feed."""


def init_app(app) -> None:
    """The meetings' pages for both audiences, and their reminder rules and change receivers (notify)."""
    from handbook.meetings import manage_views, records_views, reminders, views  # noqa: F401 - routes, rules
    from handbook.meetings.blueprints import manage_bp, member_bp

    reminders.connect()
    app.register_blueprint(member_bp)
    app.register_blueprint(manage_bp)
