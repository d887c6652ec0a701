"""The organisation tree from and to Excel (`flask org import|export`, and the same on a page for admins and
committee staff): above org (its change functions keep the history) and members (the import's reader)."""


def init_app(app) -> None:
    """`flask org`, and the import and export pages."""
    from handbook.treeio import views  # noqa: F401 - routes
    from handbook.treeio.cli import org_cli
    from handbook.treeio.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(org_cli)
