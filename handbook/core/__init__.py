"""Pieces every feature uses: time, errors, the layout, security headers, storage, forms."""


def init_app(app) -> None:
    """What every page has: ids in URLs, template helpers and filters, the layout's cached pieces, security headers
    and the privacy gate, the error pages."""
    from handbook.core import errors, fragments, inputs, security
    from handbook.core.web import IdConverter, register_template_helpers

    app.url_map.converters["int"] = IdConverter
    register_template_helpers(app)
    fragments.init_app(app)
    security.init_app(app)
    inputs.init_app(app)
    errors.init_app(app)

    @app.context_processor
    def layout_context():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale())}  # the one in force (flask-babel asks select_locale once)
