"""Case files of older versions, upgraded to the current one before they are read.

Each step takes a parsed document of version n and returns it as version n + 1 says the same thing, so a file
written by an older workbench imports with its meaning unchanged:

- 1 -> 2: version 2 adds the cross-impact matrix (`cross_impacts`) and each scenario's `origin`. A version 1
  file has no matrix and its scenarios were written by analysts, which are the defaults: only the version
  number changes.
- 2 -> 3: a source's `title` is a text by language, like every other displayed text; a version 2 title (one
  plain string, written in English by the workbench's users so far) becomes `{"en": title}`.
"""

from collections.abc import Callable
from typing import Any

from policies.casefile.schema import FORMAT_VERSION


def _one_to_two(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "version": 2}


def _two_to_three(document: dict[str, Any]) -> dict[str, Any]:
    sources = document.get("sources")
    if isinstance(sources, list):
        # Anything but a string (a malformed title) is left for the schema to refuse with its JSON path.
        sources = [
            {**source, "title": ({"en": source["title"]} if source["title"] else {})}
            if isinstance(source, dict) and isinstance(source.get("title"), str)
            else source
            for source in sources
        ]
        document = {**document, "sources": sources}
    return {**document, "version": 3}


STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _one_to_two, 2: _two_to_three}


def upgrade(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the current version (FORMAT_VERSION) reads it; a current document is returned as is."""
    version = document.get("version")
    while isinstance(version, int) and version in STEPS and version < FORMAT_VERSION:
        document = STEPS[version](document)
        version = document.get("version")
    return document
