"""The bundled reference data, installed as the package ``borderwatch.bundled``.

See pyproject.toml and data/README.md.
"""
