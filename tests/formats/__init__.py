"""CI output formats (github, sarif): a package so its conftest does not shadow tests/conftest.py."""
