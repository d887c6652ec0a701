"""Party dues (đảng phí): each member's expected monthly amount under the 2026 rule, exemptions and reductions,
the payments a cell's collector records (the handbook takes no money), the member's own months, reminders, the
unpaid-months review and the committee's totals."""


def init_app(app) -> None:
    """The dues pages (collectors and committees; each member's own) and the package's reminder rule."""
    from handbook.dues import merging, my_views, reminders, report_views, views  # noqa: F401 - routes; reminders
    from handbook.dues.blueprints import dues_bp, my_dues_bp

    merging.connect()  # merging two records of one person carries their dues
    app.register_blueprint(dues_bp)
    app.register_blueprint(my_dues_bp)
