"""The settings of a member's year (dues, evaluation) read from the environment, with their defaults."""
from __future__ import annotations

import pytest

from handbook.config import build_config


def test_defaults(app):
    config = build_config(app.instance_path, {"SECRET_KEY": "x"})
    assert (config["DUES_MAX_ADVANCE_MONTHS"], config["DUES_REMINDER_DAY"], config["DUES_CELL_KEEPS_PERCENT"]) == \
        (12, 10, 30)
    assert (config["EVALUATION_OPENS"], config["EVALUATION_DUE"], config["EVALUATION_REMIND_DAYS"]) == \
        ((11, 1), (12, 15), 7)


def test_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("EVALUATION_OPENS", "15/10")
    monkeypatch.setenv("EVALUATION_DUE", " 5/1 ")
    monkeypatch.setenv("DUES_REMINDER_DAY", "5")
    config = build_config(app.instance_path, {"SECRET_KEY": "x"})
    assert (config["EVALUATION_OPENS"], config["EVALUATION_DUE"], config["DUES_REMINDER_DAY"]) == ((10, 15), (1, 5), 5)


@pytest.mark.parametrize("raw", ["29/02", "31/11", "1.11", "11", "ngày 1/11"])
def test_a_day_not_in_every_year_is_refused_at_start(app, monkeypatch, raw):
    monkeypatch.setenv("EVALUATION_OPENS", raw)
    with pytest.raises(ValueError, match="dd/mm"):
        build_config(app.instance_path, {"SECRET_KEY": "x"})
