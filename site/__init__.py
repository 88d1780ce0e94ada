"""Project configuration and district-wide parts of Dongne.

This folder is ``site/`` on disk but is imported as ``district``: ``site`` is a
standard-library module that Python imports at start-up, so a package of that
name could never load. pyproject.toml maps the name
(``[tool.setuptools.package-dir] district = "site"``) and ``pip install -e .``
installs the mapping; always write ``district.settings``, ``district.live``.
"""
