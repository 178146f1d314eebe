"""GridClient: offline-first desktop client for community grid workers."""

__version__ = "0.1.0"
