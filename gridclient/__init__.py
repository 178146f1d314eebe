"""GridClient: offline-first desktop client for community grid workers."""

#: The one version of the distribution (client and server): pyproject.toml reads it
#: (``[tool.setuptools.dynamic]``), packaging/build.py names the zip, the executable's
#: version resource and the installer after it, the server reports it and the client
#: sends it (``User-Agent``, ``X-Grid-Client-Version``). Bump it in the release commit,
#: with a CHANGELOG.md entry and a ``v<version>`` git tag (tests/packaging/test_version.py).
__version__ = "0.7.0"
