"""Message catalogs in Simplified Chinese and English.

Every text a person reads goes through :func:`translate`. Each component keeps its own
catalog module and registers it with :func:`register`, so two components never edit the
same file to add a message. A catalog maps a stable key to one template per language;
templates use ``str.format`` fields.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

SUPPORTED_LANGUAGES: Final = ("zh-CN", "en")
DEFAULT_LANGUAGE: Final = "zh-CN"

_CATALOG: dict[str, dict[str, str]] = {}


def register(catalog: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages to the shared catalog; a key registered twice must not change."""
    for key, templates in catalog.items():
        missing = [lang for lang in SUPPORTED_LANGUAGES if lang not in templates]
        if missing:
            raise ValueError(f"message {key!r} has no template for {', '.join(missing)}")
        if key in _CATALOG and _CATALOG[key] != dict(templates):
            raise ValueError(f"message {key!r} is registered twice with different text")
        _CATALOG[key] = dict(templates)


def normalize_language(value: str | None) -> str:
    """Map a language tag such as ``en-US``, ``zh``, ``zh_CN.UTF-8`` to a supported one."""
    if not value:
        return DEFAULT_LANGUAGE
    tag = value.split(".")[0].replace("_", "-").strip().lower()
    if tag.startswith("en"):
        return "en"
    if tag.startswith("zh"):
        return "zh-CN"
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the language chosen with RINGSCOPE_LANG, Simplified Chinese by default."""
    return normalize_language(os.environ.get("RINGSCOPE_LANG"))


def translate(key: str, language: str | None = None, **params: object) -> str:
    """Render message ``key`` in ``language`` (default: :func:`current_language`)."""
    lang = normalize_language(language) if language else current_language()
    templates = _CATALOG.get(key)
    if templates is None:
        return key
    template = templates[lang]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        # A template that does not match its parameters must not hide the original error.
        return f"{template} {params!r}"


def accept_language_to_language(header: str | None) -> str:
    """Pick zh-CN or en from an HTTP Accept-Language header, honouring q-values."""
    if not header:
        return DEFAULT_LANGUAGE
    best_lang, best_q = DEFAULT_LANGUAGE, -1.0
    for part in header.split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, q_part = piece.partition(";")
        quality = 1.0
        if q_part.strip().startswith("q="):
            try:
                quality = float(q_part.strip()[2:])
            except ValueError:
                quality = 0.0
        lowered = tag.strip().lower()
        if not (lowered.startswith("en") or lowered.startswith("zh")):
            continue
        if quality > best_q:
            best_lang, best_q = normalize_language(lowered), quality
    return best_lang
