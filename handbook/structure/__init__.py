"""Restructuring the tree where members move with it (merge, split, moving members between cells): above org and
members, calling their functions; its pages for committee staff and admins."""


def init_app(app) -> None:
    """The tree's pages for those who restructure it."""
    from handbook.structure import change_views, views  # noqa: F401 - routes
    from handbook.structure.blueprints import tree_bp

    app.register_blueprint(tree_bp)
