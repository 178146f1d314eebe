"""gridcore: what the GridClient desktop client and its sync server share.

The domain (entities, enums, validation rules, the event workflow, the catalog), the wire
protocol and its merge rules, the rescue-file format and the synthetic dataset generator.
Pure Python over pydantic: no Qt, no database, no HTTP (tests/unit/test_import_contracts.py).
"""

#: Released together with gridclient and gridserver, at the same version
#: (tests/packaging/test_version.py checks the three agree).
__version__ = "0.7.0"
