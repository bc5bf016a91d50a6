"""The SME service marketplace: the Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from marketplace import config as configuration
from marketplace.config import shipped


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application.

    Args:
        config: settings that override those read from the environment (tests use this).
    """
    instance = configuration.instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(shipped("templates")),
    )
    app.config.from_mapping(configuration.from_environment(instance))
    if config:
        app.config.from_mapping(config)

    from marketplace import setup

    setup.init_logging(app)
    setup.init_database(app)
    setup.init_i18n(app)
    setup.init_security(app)
    setup.init_auth(app)
    setup.init_templates(app)
    setup.init_search(app)
    setup.register_blueprints(app)
    setup.register_error_handlers(app)
    setup.register_cli(app)
    return app
