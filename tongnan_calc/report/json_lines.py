"""The text of one entitlement in the JSON, from parts encoded once.

``json_out`` lays out the document; an entitlement (``layout.JSON_LINE``) is
written here as ``json.dumps`` would write ``json_out.line_json`` at its place in
the document (compact or indented, ``Style``), byte for byte, from pieces:

- what every line shares: the keys, the separators and the indentation, encoded
  once per writer;
- what alike lines share: ``,"measure": ..., "amount": `` for each measure,
  clause and status; a reason's text for each reason (by its key and
  arguments); a rule-file value's text (``ParamUse``) for each object the
  measures share; and the whole text after the name of a line whose amount and
  tier are blank — the ineligible, flag and blocked lines a measure makes from
  one template (``core.measures.common.Template``: one reason object and one
  basis object for every enterprise that gets it), kept from the second line
  that holds the same reason object on (a reason of the line's own, seen once,
  is not kept: a streamed run lets its lines go);
- what is the line's own: its code and name (encoded once for an enterprise's
  lines, which come one after another), its amount and tier, and the steps of
  its trace (``text.basis.step_text``).

A part kept by an object's ``id`` keeps the object with it, so that the id is not
reused for another object while the entry exists (a streamed run frees its lines
once written); each cache belongs to one writer, and a writer to one language.
"""

from __future__ import annotations

from collections.abc import Iterable
from json.encoder import encode_basestring

from tongnan_calc.core.model import Basis, Line, Msg, Status
from tongnan_calc.core.money import fmt
from tongnan_calc.core.say import Lang
from tongnan_calc.core.trace import ParamUse
from tongnan_calc.report.layout import JSON_LINE
from tongnan_calc.text.basis import param_text, step_text
from tongnan_calc.text.messages import render

# The members written here, in this order (a test compares every kind of line with ``json.dumps``).
assert JSON_LINE == ("credit_code", "name", "measure", "clause", "status", "amount", "tier", "reason", "basis")

_KEPT = 50_000
"""Entries a cache holds before it starts again (a batch of a province has a few thousand alike lines)."""
_REASONS_KEPT = 4096
"""Reasons kept by their text: most that repeat are few (measured at 10,000 enterprises)."""


class Style:
    """Indented (``indent=2``) or compact (``separators=(",", ":")``) layout."""

    def __init__(self, compact: bool) -> None:
        self.compact = compact
        self.colon = ":" if compact else ": "

    def nl(self, depth: int) -> str:
        """What comes before an item or a closing bracket at ``depth``."""
        return "" if self.compact else "\n" + "  " * depth

    def member(self, key: str, depth: int) -> str:
        """``,"key": `` of an object's member (not its first) at ``depth``."""
        return "," + self.nl(depth) + encode_basestring(key) + self.colon

    def obj(self, pairs: Iterable[tuple[str, str]], depth: int) -> str:
        """An object at ``depth`` from its members' keys and value texts (never empty here)."""
        inner = self.nl(depth + 1)
        return (
            "{"
            + ",".join(f"{inner}{encode_basestring(key)}{self.colon}{text}" for key, text in pairs)
            + self.nl(depth)
            + "}"
        )


class LineText:
    """The text of an entitlement (an item of the top-level ``entitlements`` array) in one language."""

    def __init__(self, lang: Lang, style: Style) -> None:
        self.lang = lang
        member = style.member
        self.open = "{" + style.nl(3) + encode_basestring("credit_code") + style.colon
        self.between = member("name", 3)
        self.measure = member("measure", 3)
        self.clause = member("clause", 3)
        self.status = member("status", 3)
        self.amount = member("amount", 3)
        self.tier = member("tier", 3)
        self.reason_key = member("reason", 3)
        self.basis_key = member("basis", 3)
        self.close = style.nl(2) + "}"
        self.item = "," + style.nl(4)  # between two strings of the basis
        self.basis_open = "[" + style.nl(4)
        self.basis_close = style.nl(3) + "]"
        # ``,"measure": ..., "status": ..., "amount": `` for a measure, clause and status
        self.fixed: dict[tuple[str, str, str], str] = {}
        # the text after the name of a line without amount and tier, by its reason object
        self.alike: dict[int, tuple[Msg, Basis, str, str, Status, str]] = {}
        self.seen: set[int] = set()  # the ids of the reasons seen once (only a hint: the objects are not kept)
        # ``"reason": "..."`` by the reason's key and arguments (equal reasons read alike)
        self.reasons: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        # a rule-file value's JSON string, by the (shared) object
        self.params: dict[int, tuple[ParamUse, str]] = {}
        self.code: str | None = None  # the last line's code and name, and the text up to its name
        self.name: str | None = None
        self.named = ""

    def line(self, line: Line) -> str:
        """The entitlement's text."""
        # an enterprise's lines come one after another: its code and name are encoded once for all of them
        if line.credit_code != self.code or line.name != self.name:
            self.code, self.name = line.credit_code, line.name
            self.named = self.open + encode_basestring(line.credit_code) + self.between + encode_basestring(line.name)
        if line.amount is not None or line.tier is not None:
            return self.named + self._tail(line)
        reason, basis = line.reason, line.basis
        key = id(reason)
        found = self.alike.get(key)
        if (
            found is not None
            and found[0] is reason
            and found[1] is basis
            and found[4] is line.status
            and found[2] == line.measure
            and found[3] == line.clause
        ):
            return self.named + found[5]
        tail = self._tail(line)
        if key in self.seen:  # a second line with this reason object (or an id used again): kept with the objects
            if len(self.alike) >= _KEPT:
                self.alike.clear()
            self.alike[key] = (reason, basis, line.measure, line.clause, line.status, tail)
        else:  # most reasons of their own are seen once: not kept (a streamed run lets them go)
            if len(self.seen) >= _KEPT:
                self.seen.clear()
            self.seen.add(key)
        return self.named + tail

    def _tail(self, line: Line) -> str:
        """Everything after the name: ``,"measure": ...}`` (an ineligible line without its basis)."""
        key = (line.measure, line.clause, line.status.value)
        fixed = self.fixed.get(key)
        if fixed is None:
            fixed = self.fixed[key] = (
                self.measure + encode_basestring(key[0]) + self.clause + encode_basestring(key[1])
                + self.status + encode_basestring(key[2]) + self.amount
            )  # fmt: skip
        amount, tier = line.amount, line.tier
        text = (
            fixed
            + ("null" if amount is None else '"' + fmt(amount) + '"')
            + self.tier
            + ("null" if tier is None else '"' + fmt(tier) + '"')
            + self.reason(line.reason)
        )
        if line.status is Status.INELIGIBLE:
            return text + self.close
        return text + self.basis_key + self.basis(line.basis) + self.close

    def reason(self, msg: Msg) -> str:
        """``,"reason": "..."``."""
        key = (msg.key, msg.args)
        found = self.reasons.get(key)
        if found is None:
            if len(self.reasons) >= _REASONS_KEPT:
                self.reasons.clear()
            found = self.reasons[key] = self.reason_key + encode_basestring(render(msg, self.lang))
        return found

    def basis(self, basis: Basis) -> str:
        """The basis as a JSON array of strings: a rule-file value each, then a step each."""
        lang = self.lang
        parts = [self.param(p) for p in basis.params]
        parts += [encode_basestring(step_text(s, lang)) for s in basis.steps]
        if not parts:
            return "[]"
        return self.basis_open + self.item.join(parts) + self.basis_close

    def param(self, p: ParamUse) -> str:
        found = self.params.get(id(p))
        if found is None or found[0] is not p:
            if len(self.params) >= _KEPT:
                self.params.clear()
            found = self.params[id(p)] = (p, encode_basestring(param_text(p, self.lang)))
        return found[1]
