"""Cell meetings: schedules, the monthly series, attendance, minutes, votes, the calendar feed."""


def init_app(app) -> None:
    """The meetings' pages for both audiences, and their reminder rules and change receivers (notify); calendar
    feed addresses end when the account's credentials change (auth)."""
    from handbook.auth.events import credentials_changed
    from handbook.meetings import calendar, manage_views, merging, records_views, reminders, views  # noqa: F401
    from handbook.meetings.blueprints import manage_bp, member_bp

    reminders.connect()
    merging.connect()  # merging two records of one person carries the documents each read
    credentials_changed.connect(calendar.end_feeds_of_account)
    app.register_blueprint(member_bp)
    app.register_blueprint(manage_bp)
