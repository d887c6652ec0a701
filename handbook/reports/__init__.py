"""The committee's view of the organisations below it: composition, meeting compliance and quality, attendance,
the periodic reviews the rules ask for, and how far the app reaches the members."""


def init_app(app) -> None:
    """The report pages (committees and cells' leaders, each over what they manage)."""
    from handbook.reports import (
        reach_views,  # noqa: F401 - routes
        views,  # noqa: F401 - routes
    )
    from handbook.reports.blueprints import reports_bp

    app.register_blueprint(reports_bp)
