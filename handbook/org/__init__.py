"""The organisation tree and the one place that decides who may see or manage what."""


def init_app(app) -> None:
    """`flask positions`; the tree's pages belong to the features that show it."""
    from handbook.org.cli import positions_cli

    app.cli.add_command(positions_cli)
