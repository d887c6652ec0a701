"""The annual evaluation of members: a year's round per organisation, self-assessments on the forms of Hướng dẫn
43-HD/BTCTW, the ratings on Quy định 366-QĐ/TW's 100 points and four levels, history, figures and reminders."""


def init_app(app) -> None:
    """The evaluation pages (members; those who manage an organisation; the committee's report), its reminder rule,
    the merging hooks and the home page's card."""
    from handbook.evaluation import (  # noqa: F401 - routes; the reminder rule
        manage_views,
        member_views,
        merging,
        reminders,
        report_views,
    )
    from handbook.evaluation.blueprints import evaluation_bp
    from handbook.evaluation.home import home_card

    merging.connect()  # merging two records of one person carries their self-assessments and ratings
    app.register_blueprint(evaluation_bp)
    app.jinja_env.globals["evaluation_home"] = home_card
