"""The demo mode of the client: the embedded server (``embedded``), its first-run
bootstrap (``bootstrap``) and the local demo settings (``local``). The synthetic data
itself is :mod:`gridcore.demo`, shared with ``gridserver load-demo``."""
