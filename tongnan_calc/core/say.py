"""A sentence for the user in both languages, and the errors that carry one.

Clerks read Chinese (the default) and some read English (``--lang en``).  A
message is written once, where it arises, in both languages; the shell picks
one.  ``str()`` of a ``Say`` or a ``UserError`` is the English text, so logs
and tracebacks stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh", "en"]
"""The language a clerk reads: Chinese (the default) or English."""


@dataclass(frozen=True, slots=True)
class Say:
    zh: str
    en: str

    def in_lang(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def __str__(self) -> str:
        return self.en

    def __add__(self, other: Say) -> Say:
        return Say(self.zh + other.zh, self.en + other.en)


def say(zh: str, en: str) -> Say:
    return Say(zh, en)


def as_say(message: Say | str) -> Say:
    """A bare string (not yet translated) is shown as it is in both languages."""
    return message if isinstance(message, Say) else Say(message, message)


def join_lines(parts: list[Say]) -> Say:
    return Say("\n".join(p.zh for p in parts), "\n".join(p.en for p in parts))


class UserError(Exception):
    """An error meant for the user: one ``Say`` (possibly several lines)."""

    def __init__(self, message: Say | str) -> None:
        self.say = as_say(message)
        super().__init__(self.say.en)

    def text(self, lang: Lang) -> str:
        return self.say.in_lang(lang)
