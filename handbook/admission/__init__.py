"""Growing the membership: candidates, the admission dossier, probation to official membership, targets and the
figures committees report."""


def init_app(app) -> None:
    """The admission pages (cells' leaders, sponsors, committees above) and the package's reminder rule."""
    from handbook.admission import (  # noqa: F401 - routes; the reminder rule
        candidate_views,
        merging,
        probation_views,
        reminders,
        report_views,
    )
    from handbook.admission.blueprints import admission_bp

    merging.connect()  # merging two records of one person carries their files, sponsorships and introductions

    app.register_blueprint(admission_bp)
