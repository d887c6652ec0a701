"""Demo data: a realistic Vietnamese organisation and the demo accounts the README lists."""


def init_app(app) -> None:
    from handbook.demo.cli import seed_demo_command

    app.cli.add_command(seed_demo_command)
