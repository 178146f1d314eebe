"""The demo fixtures (``demo_template``, ``store_template``, ``demo_store``) live in
``tests/conftest.py`` and ``tests/demo_store.py``, shared with the packaging tests.
``open_demo_copy`` is re-exported here for tests that import it from this module; a test
that needs no server or sync should take ``demo_store`` instead."""

from tests.demo_store import open_demo_copy

__all__ = ["open_demo_copy"]
