"""Growing the membership: candidates, the admission dossier, probation to official membership, targets and the
figures committees report."""


def init_app(app) -> None:
    """The admission pages (cells' leaders, sponsors, committees above) and the package's reminder rule."""
    from handbook.admission import report_views  # noqa: F401 - routes
    from handbook.admission.blueprints import admission_bp

    app.register_blueprint(admission_bp)
