"""Tag parsing: ``'exc,GLUTAMATE'`` gives two tags."""

from __future__ import annotations

from .errors import ConfigurationTypeError


def parse_tags(tag: str | None) -> list[str]:
    """Split a comma-separated tag string into a list of stripped, non-empty tags."""
    if tag is None:
        return []
    if not isinstance(tag, str):
        raise ConfigurationTypeError(f"tag must be a str such as 'exc,GLUTAMATE', got {type(tag).__name__}")
    return [t.strip() for t in tag.split(",") if t.strip()]
