"""Exemption from party work and meetings (miễn công tác và sinh hoạt đảng) and temporary exemption (tạm miễn sinh
hoạt): the member's request, the cell's decision, the dated status change and its end, reminders, and who is
exempt on a day for the features that leave exempt members out."""


def init_app(app) -> None:
    """The member's and the cell's pages, the reminder rules and the merging hook."""
    from handbook.exemptions import cell_views, member_views, merging, reminders  # noqa: F401 - routes; rules
    from handbook.exemptions.blueprints import exemptions_bp

    merging.connect()  # merging two records of one person carries their exemptions
    app.register_blueprint(exemptions_bp)
