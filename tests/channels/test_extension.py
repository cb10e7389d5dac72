"""The typed accessor every service is reached by."""

from __future__ import annotations

import pytest
from flask import Flask

from channels.extension import Extension


class Thing:
    pass


def test_set_get_and_find_by_app_or_the_current_one() -> None:
    app = Flask(__name__)
    things: Extension[Thing] = Extension("things")
    assert things.find(app) is None
    with pytest.raises(KeyError):
        things.get(app)
    thing = things.set(app, Thing())
    assert things.get(app) is thing is things.find(app)
    assert app.extensions["hotline.things"] is thing  # one place, named once
    with app.app_context():
        assert things.get() is thing


def test_each_app_keeps_its_own() -> None:
    first, second = Flask("first"), Flask("second")
    things: Extension[Thing] = Extension("things")
    one, other = things.set(first, Thing()), things.set(second, Thing())
    assert things.get(first) is one and things.get(second) is other
    assert repr(things) == "Extension('things')"
