"""The bundled reference data, installed as the package ``borderwatch.bundled`` (see pyproject.toml and data/README.md)."""
