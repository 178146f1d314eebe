"""The demo fixtures (``demo_template``, ``store_template``, ``demo_store``) live in
``tests/conftest.py`` and ``tests/demo_store.py``, shared with the packaging tests."""
