"""Members' records."""


def init_app(app) -> None:
    """The members' pages for both audiences, and `flask members`."""
    from handbook.members import (  # noqa: F401 - routes
        code_views,
        directory_views,
        duplicate_views,
        io_views,
        manage_views,
        move_manage_views,
        move_views,
        transfer_views,
        views,
    )
    from handbook.members.blueprints import manage_bp, member_bp
    from handbook.members.cli import members_cli
    from handbook.members.counts import watch_writes
    from handbook.members.duplicates import carry_reference
    from handbook.members.move_reminders import connect as connect_move_reminders
    from handbook.members.placements import occupancy
    from handbook.org.history import register_occupancy

    register_occupancy("members", occupancy)
    carry_reference("member_transfers", "member_id")  # a merge carries the moves as they are
    connect_move_reminders()
    watch_writes()  # counts kept per day stay right: every write to what they count replaces their version

    app.register_blueprint(member_bp)
    app.register_blueprint(manage_bp)
    app.cli.add_command(members_cli)
