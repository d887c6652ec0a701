"""The committee's view of the organisations below it: composition, meeting compliance and quality, attendance,
the periodic reviews the rules ask for, and how far the app reaches the members."""


def init_app(app) -> None:
    """The report pages (committees and cells' leaders, each over what they manage)."""
    from handbook.reports import (  # noqa: F401 - routes
        composition_views,
        meeting_views,
        merging,
        reach_views,
        review_views,
        views,
    )
    from handbook.reports.blueprints import reports_bp
    from handbook.reports.tabs import report_tabs

    merging.connect()  # merging two records of one person carries their places on reviewed lists
    app.register_blueprint(reports_bp)
    app.jinja_env.globals["report_tabs"] = report_tabs
