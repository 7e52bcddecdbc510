"""Field definitions: read YAML nodes as their field says, report problems, describe themselves as JSON Schema.

One definition serves both the validator and `build.py schema`, so the editors' plugin and
`check` never disagree. A field's `read` returns the value or `INVALID` after reporting why.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import CONTROLS, N_, SHOWN_LENGTH, Mark, Message, Problem, describe_character, shown
from .persian import latin_digits, normalise_text, parse_jalali
from .pickling import pickle_by_fields
from .yamlio import MappingNode, Node, ScalarNode, SequenceNode, Source

INVALID: Any = type("Invalid", (), {"__repr__": lambda self: "INVALID"})()
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_YAML11_BOOLEANS = frozenset(
    ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"]
)
# re.ASCII: after latin_digits only 0-9 are digits; other scripts' digits are not numbers here.
_INTEGER = re.compile(r"[+-]?(?:\d{1,3}(?:([,_٬])\d{3})(?:\1\d{3})*|\d+)", re.ASCII)
_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TIME = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")
BASE_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}")
_PHONE = re.compile(r"0\d{2,3}-?\d{7,8}|09\d{9}", re.ASCII)
MAX_DIGITS = 15  # larger numbers are typing mistakes, and Python refuses to read the very long ones
# The longest value any field needs (a service's description: a paragraph) is far shorter: a longer one is a mistake.
MAX_TEXT = 3000
MAX_ITEMS = 1000  # items of a list or entries of a mapping, unless its field allows more (offices, services)
MAX_PROBLEMS = 200  # problems reported in one file; the rest would only repeat them
VALUE, ITEMS = N_("value"), N_("items")  # what a choice and a list's items are called unless their field says


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> Message | str:
    """Return ` did you mean 'x'?` for the closest choice, or nothing."""
    if len(word) > 100:  # no choice is that long, and comparing with a huge word takes long
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return N_(" did you mean {choice}?", choice=repr(close[0])) if close else ""


def kind_of(node: Node) -> Message:
    """Name a node's shape in the editor's words."""
    if isinstance(node, MappingNode):
        return N_("a mapping of keys")
    if isinstance(node, SequenceNode):
        return N_("a list")
    return N_("a single value")


def is_null(node: Node) -> bool:
    """Tell whether a node is YAML's empty value (`key:` with nothing after it, or `~`)."""
    return isinstance(node, ScalarNode) and not node.style and node.value in _NULLS


@dataclass(slots=True)
class Reader:
    """Collects the problems of one file while its nodes are read."""

    source: Source
    problems: list[Problem] = field(default_factory=list)

    def mark(self, node: Node) -> Mark:
        """Return the editor's place of a node."""
        return self.source.at(node)

    def error(self, node: Node, message: Message) -> Any:
        """Report an error at a node and return INVALID."""
        self._add(Problem(self.mark(node), "error", message))
        return INVALID

    def warn(self, node: Node, message: Message) -> None:
        """Report a warning at a node."""
        self._add(Problem(self.mark(node), "warning", message))

    def _add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        elif len(self.problems) == MAX_PROBLEMS:
            message = N_(
                "this file has more than {count} problems; the rest are not shown: fix these and check again",
                count=MAX_PROBLEMS,
            )
            self.problems.append(Problem(problem.mark, "error", message))

    def mapping_items(self, node: MappingNode, label: str) -> list[tuple[str, Node, Node]]:
        """Return (key, key node, value node) of a mapping; duplicate keys are errors naming both places."""
        seen: dict[str, Node] = {}
        items: list[tuple[str, Node, Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(
                    key_node,
                    N_("{field}: a key must be a single word, not {found}", field=label, found=kind_of(key_node)),
                )
                continue
            key = key_node.value
            if key in seen:
                first = self.mark(seen[key])
                self.error(
                    key_node,
                    N_(
                        "duplicate key {key}{where}: it is already given at line {line}, column {col}; keep one",
                        key=shown(key),
                        where=_in(label),
                        line=first.line,
                        col=first.col,
                    ),
                )
                continue
            seen[key] = key_node
            items.append((key, key_node, value_node))
        return items


def _cut(text: str) -> str:
    """Return at most SHOWN_LENGTH characters of a number as a message repeats it."""
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def _in(label: str | Message) -> Message | str:
    return N_(" in {field}", field=label) if label else ""


def _prefix(label: str | Message) -> Message | str:
    """Return what starts a message about a field: its key path (`license.expires: `) or its noun, or nothing."""
    return Message("{field}: ", (("field", label),)) if label else ""


class Field:
    """A value an editor writes: how to read it and how to describe it as JSON Schema."""

    description = ""

    def read(self, node: Node, reader: Reader, label: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict:
        raise NotImplementedError

    def _described(self, schema: dict) -> dict:
        if self.description:
            schema["description"] = self.description
        return schema


class ScalarField(Field):
    """A single value; lists and mappings are refused."""

    def read(self, node: Node, reader: Reader, label: str) -> Any:
        if not isinstance(node, ScalarNode):
            return reader.error(
                node,
                N_(
                    "{field}expected {expected}, found {found}",
                    field=_prefix(label),
                    expected=self.expected,
                    found=kind_of(node),
                ),
            )
        if is_null(node):
            return reader.error(
                node, N_("{field}is empty: write {expected}", field=_prefix(label), expected=self.expected)
            )
        if len(node.value) > MAX_TEXT:
            return reader.error(
                node,
                N_(
                    "{field}the value is {length:,} characters long; a value holds at most {limit:,} "
                    "(see the limits in docs/content.md)",
                    field=_prefix(label),
                    length=len(node.value),
                    limit=MAX_TEXT,
                ),
            )
        if node.style == '"':  # the reader removed the controls written as they are; only an escape can make one
            control = CONTROLS.search(node.value)
            if control:
                character = describe_character(control[0])
                return reader.error(
                    node,
                    N_(
                        "{field}the escape for the invisible character {character} changes how the text is shown, "
                        "so it cannot be published; remove it",
                        field=_prefix(label),
                        character=character,
                    ),
                )
        return self.read_text(node.value, node, reader, label)

    expected: Message = N_("a value")

    def read_text(self, text: str, node: ScalarNode, reader: Reader, label: str) -> Any:
        raise NotImplementedError


@dataclass
class Text(ScalarField):
    """Free text in Persian or English, normalised (ی/ک, single spaces) with a warning."""

    description: str = ""
    expected = N_("text")

    def read_text(self, text, node, reader, label):
        tidy, changes = normalise_text(text)
        if changes:
            change = (
                changes[0] if len(changes) == 1 else N_("{first} and {second}", first=changes[0], second=changes[1])
            )
            reader.warn(node, N_("{field}{change}", field=_prefix(label), change=change))
        if not tidy:
            return reader.error(node, N_("{field}is empty: write some text", field=_prefix(label)))
        return tidy

    def json_schema(self):
        return self._described({"type": "string", "minLength": 1, "maxLength": MAX_TEXT})


@dataclass
class Digits(ScalarField):
    """A code made of digits (Persian digits accepted), kept as text so leading zeros stay."""

    description: str = ""
    length: int | None = None
    min_length: int = 1
    max_length: int = 20
    expected = N_("a code made of digits")

    def read_text(self, text, node, reader, label):
        value = latin_digits(text.strip())
        if not value.isascii() or not value.isdigit():
            return reader.error(
                node, N_("{field}{value} must contain digits only", field=_prefix(label), value=shown(text))
            )
        if self.length and len(value) != self.length:
            return reader.error(
                node,
                N_(
                    "{field}{value} has {count} digits; it must have {length}",
                    field=_prefix(label),
                    value=shown(text),
                    count=len(value),
                    length=self.length,
                ),
            )
        if not self.min_length <= len(value) <= self.max_length:
            return reader.error(
                node,
                N_(
                    "{field}{value} must have {least} to {most} digits",
                    field=_prefix(label),
                    value=shown(text),
                    least=self.min_length,
                    most=self.max_length,
                ),
            )
        return value

    def json_schema(self):
        size = f"{{{self.length}}}" if self.length else f"{{{self.min_length},{self.max_length}}}"
        return self._described({"type": ["string", "integer"], "pattern": f"^[0-9۰-۹]{size}$"})


@dataclass
class Phone(ScalarField):
    """An Iranian phone number such as 013-33123456 or 09121234567 (Persian digits accepted)."""

    description: str = ""
    expected = N_('a phone number such as "013-33123456"')

    def read_text(self, text, node, reader, label):
        value = latin_digits(text.strip()).replace(" ", "")
        if value.startswith("+98"):
            value = "0" + value[3:]
        if not _PHONE.fullmatch(value):
            return reader.error(
                node,
                N_(
                    '{field}{value} is not a phone number: write it with its area code, such as "013-33123456", '
                    'or a mobile number such as "09121234567"',
                    field=_prefix(label),
                    value=shown(text),
                ),
            )
        return value

    def json_schema(self):
        return self._described({"type": "string", "pattern": r"^(\+98|0)[0-9۰-۹ -]{9,12}$"})


@dataclass
class Integer(ScalarField):
    """A whole number; thousands separators (1,250,000 or 1_250_000) and Persian digits accepted."""

    description: str = ""
    minimum: int | None = 0
    maximum: int | None = None
    unit: Message | str = ""
    expected = N_("a whole number")

    def read_text(self, text, node, reader, label):
        value = latin_digits(text.strip())
        if not _INTEGER.fullmatch(value):
            if _DECIMAL.fullmatch(value):
                return reader.error(
                    node,
                    N_(
                        "{field}{value} must be a whole number{unit}",
                        field=_prefix(label),
                        value=_cut(text),
                        unit=self.unit,
                    ),
                )
            return reader.error(node, N_("{field}{value} is not a number", field=_prefix(label), value=shown(text)))
        plain = re.sub(r"[,_٬]", "", value).lstrip("+-")
        if len(plain.lstrip("0")) > MAX_DIGITS:
            return reader.error(
                node, N_("{field}{value}… is too large a number", field=_prefix(label), value=text[:20])
            )
        number = int(re.sub(r"[,_٬]", "", value))
        if self.minimum is not None and number < self.minimum:
            if self.minimum == 0:
                return reader.error(
                    node, N_("{field}{value} must not be negative", field=_prefix(label), value=_cut(text))
                )
            return reader.error(
                node,
                N_(
                    "{field}{value} must be at least {least}",
                    field=_prefix(label),
                    value=_cut(text),
                    least=self.minimum,
                ),
            )
        if self.maximum is not None and number > self.maximum:
            return reader.error(
                node,
                N_("{field}{value} must be at most {most}", field=_prefix(label), value=_cut(text), most=self.maximum),
            )
        return number

    def json_schema(self):
        schema = {"type": ["integer", "string"], "pattern": r"^[0-9۰-۹]{1,3}([,_٬]?[0-9۰-۹]{3})*$"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return self._described(schema)


@dataclass
class Decimal(ScalarField):
    """A decimal number within bounds, such as a latitude."""

    description: str = ""
    minimum: float = float("-inf")
    maximum: float = float("inf")
    expected = N_("a number")

    def read_text(self, text, node, reader, label):
        value = latin_digits(text.strip())
        if not _DECIMAL.fullmatch(value):
            return reader.error(node, N_("{field}{value} is not a number", field=_prefix(label), value=shown(text)))
        number = float(value)
        if not self.minimum <= number <= self.maximum:
            return reader.error(
                node,
                N_(
                    "{field}{value} is outside {least:g}–{most:g}",
                    field=_prefix(label),
                    value=_cut(text),
                    least=self.minimum,
                    most=self.maximum,
                ),
            )
        return number

    def json_schema(self):
        return self._described({"type": "number", "minimum": self.minimum, "maximum": self.maximum})


@dataclass
class Boolean(ScalarField):
    """true or false; YAML 1.1's yes/no/on/off are refused rather than guessed."""

    description: str = ""
    expected = N_("true or false")

    def read_text(self, text, node, reader, label):
        if text in ("true", "True", "TRUE"):
            return True
        if text in ("false", "False", "FALSE"):
            return False
        if text in _YAML11_BOOLEANS:
            return reader.error(
                node, N_("{field}write true or false, not {value}", field=_prefix(label), value=shown(text))
            )
        return reader.error(node, N_("{field}{value} is not true or false", field=_prefix(label), value=shown(text)))

    def json_schema(self):
        return self._described({"type": "boolean"})


@dataclass
class Choice(ScalarField):
    """One of a fixed set of words."""

    choices: tuple[str, ...] = ()
    description: str = ""
    noun: Message = VALUE

    @property
    def expected(self):
        return N_("one of {choices}", choices=", ".join(self.choices))

    def read_text(self, text, node, reader, label):
        if text in self.choices:
            return text
        hint = did_you_mean(text, self.choices)
        return reader.error(
            node,
            N_(
                "{field}{value} is not a {noun};{hint} write one of {choices}",
                field=_prefix(label),
                value=shown(text),
                noun=self.noun,
                hint=hint,
                choices=", ".join(self.choices),
            ),
        )

    def json_schema(self):
        return self._described({"enum": list(self.choices)})


@dataclass
class Slug(ScalarField):
    """An id: lower-case ASCII letters and digits joined by hyphens, safe in a URL and a path."""

    description: str = ""
    expected = N_("an id such as 'north-khorasan'")

    def read_text(self, text, node, reader, label):
        if SLUG.fullmatch(text):
            return text
        suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        hint = N_(" such as {id}", id=shown(suggestion)) if suggestion and suggestion.isascii() else ""
        return reader.error(
            node,
            N_(
                "{field}{value} is not a valid id: use lower-case English letters, digits and hyphens{hint}",
                field=_prefix(label),
                value=shown(text),
                hint=hint,
            ),
        )

    def json_schema(self):
        return self._described({"type": "string", "pattern": f"^{SLUG.pattern}$"})


@dataclass
class JalaliDateField(ScalarField):
    """A Solar Hijri date written 1405/01/15, 1405-01-15 or with Persian digits."""

    description: str = ""
    expected = N_("a Solar Hijri date such as 1405/01/15")

    def read_text(self, text, node, reader, label):
        try:
            return parse_jalali(text)
        except ValueError as exc:
            return reader.error(node, N_("{field}{problem}", field=_prefix(label), problem=exc.args[0]))

    def json_schema(self):
        return self._described(
            {
                "type": "string",
                "pattern": r"^1[34][0-9۰-۹]{2}[/-][0-9۰-۹]{1,2}[/-][0-9۰-۹]{1,2}$"
                r"|^[۱][۳۴][۰-۹]{2}[/-][۰-۹]{1,2}[/-][۰-۹]{1,2}$",
            }
        )


@dataclass
class Time(ScalarField):
    """A time of day on the 24-hour clock, kept as HH:MM."""

    description: str = ""
    expected = N_('a time such as "07:30"')

    def read_text(self, text, node, reader, label):
        match = _TIME.fullmatch(latin_digits(text.strip()))
        if not match or int(match[2]) > 59 or int(match[1]) * 60 + int(match[2]) > 24 * 60:
            return reader.error(
                node,
                N_(
                    '{field}{value} is not a time: write HH:MM on the 24-hour clock, such as "07:30"',
                    field=_prefix(label),
                    value=shown(text),
                ),
            )
        return f"{int(match[1]):02d}:{match[2]}"

    def json_schema(self):
        return self._described({"type": "string", "pattern": r"^[0-9]{1,2}:[0-9]{2}$"})


@dataclass
class Url(ScalarField):
    """An absolute http(s) address."""

    description: str = ""
    pattern = _URL
    expected = N_("an address starting with https://")
    refusal = N_("is not a web address: write it in full, starting with https://")

    def read_text(self, text, node, reader, label):
        if self.pattern.fullmatch(text.strip()):
            return text.strip()
        return reader.error(
            node, N_("{field}{value} {refusal}", field=_prefix(label), value=shown(text), refusal=self.refusal)
        )

    def json_schema(self):
        return self._described({"type": "string", "format": "uri", "pattern": f"^{self.pattern.pattern}$"})


@dataclass
class BaseUrl(Url):
    """The absolute address a site is published at: no query or fragment, since page paths are appended to it."""

    pattern = BASE_URL
    expected = N_("an address such as https://example.org/ or https://example.org/a/b/")
    refusal = N_(
        "is not a base address: write it in full, without ? or #, such as https://example.org/ or https://example.org/a/b/"
    )


@dataclass
class Email(ScalarField):
    """An e-mail address."""

    description: str = ""
    expected = N_("an e-mail address")

    def read_text(self, text, node, reader, label):
        if _EMAIL.fullmatch(text.strip()):
            return text.strip()
        return reader.error(
            node, N_("{field}{value} is not an e-mail address", field=_prefix(label), value=shown(text))
        )

    def json_schema(self):
        return self._described({"type": "string", "format": "email"})


@dataclass
class ListOf(Field):
    """A list of values of one field; duplicates can be refused."""

    item: Field
    description: str = ""
    min_items: int = 0
    unique: bool = False
    max_items: int = MAX_ITEMS
    items: Message = ITEMS  # what the items are, as the limit's message names them

    def read(self, node, reader, label):
        if is_null(node):
            items_nodes = []
        elif not isinstance(node, SequenceNode):
            return reader.error(
                node, N_("{field}expected a list, found {found}", field=_prefix(label), found=kind_of(node))
            )
        else:
            items_nodes = node.value
        if len(items_nodes) > self.max_items:
            return reader.error(
                items_nodes[self.max_items],
                N_(
                    "{field}a list here holds at most {limit:,} {items}, and this one has {count:,}; "
                    "see the limits in docs/content.md",
                    field=_prefix(label),
                    limit=self.max_items,
                    items=self.items,
                    count=len(items_nodes),
                ),
            )
        if len(items_nodes) < self.min_items:
            if self.min_items == 1:
                return reader.error(node, N_("{field}needs at least 1 item", field=_prefix(label)))
            return reader.error(
                node, N_("{field}needs at least {count} items", field=_prefix(label), count=self.min_items)
            )
        values, seen = [], {}
        for child in items_nodes:
            value = self.item.read(child, reader, label)
            if value is INVALID:
                continue
            if self.unique and isinstance(value, str | int):
                if value in seen:
                    first = reader.mark(seen[value])
                    reader.error(
                        child,
                        N_(
                            "{field}{value} is listed twice (first at line {line}); keep one",
                            field=_prefix(label),
                            value=shown(value),
                            line=first.line,
                        ),
                    )
                    continue
                seen[value] = child
            values.append(Item(value, reader.mark(child)) if isinstance(self.item, ScalarField) else value)
        return values

    def json_schema(self):
        schema = {"type": "array", "items": self.item.json_schema(), "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return self._described(schema)


@dataclass(frozen=True, slots=True)
class Item:
    """A value read from a list, with its place so that cross-file rules can point at it."""

    value: Any
    mark: Mark


@dataclass(slots=True)
class Rec:
    """A mapping read by a Record: its values, where each was written, and whether all were valid."""

    values: dict[str, Any]
    marks: dict[str, Mark]
    mark: Mark
    valid: bool
    keys: frozenset[str] = frozenset()  # every key written, valid or not
    empty: frozenset[str] = frozenset()  # optional keys written with no value (`name:`), read as absent

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


class Entries(dict):
    """The entries of a MapOf that were valid; `complete` says whether every entry was."""

    complete = True


def is_valid(value: Any) -> bool:
    """Tell whether a read value holds no invalid record or entry, however deep."""
    if isinstance(value, Rec):
        return value.valid
    if isinstance(value, list):
        return all(is_valid(item) for item in value)
    return getattr(value, "complete", True)


@dataclass
class Record(Field):
    """A mapping with known keys: unknown keys and missing required ones are errors."""

    fields: dict[str, Field] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    description: str = ""
    noun: Message | str = ""

    def read(self, node, reader, label):
        what = label or self.noun
        if not isinstance(node, MappingNode):
            if is_null(node):
                return reader.error(
                    node,
                    N_("{field}is empty: write its keys ({keys})", field=_prefix(label), keys=", ".join(self.fields)),
                )
            return reader.error(
                node,
                N_(
                    "{field}expected a mapping of keys ({keys}), found {found}",
                    field=_prefix(what),
                    keys=", ".join(self.fields),
                    found=kind_of(node),
                ),
            )
        values, marks, valid, present, empty = {}, {}, True, set(), set()
        for key, key_node, value_node in reader.mapping_items(node, label):
            present.add(key)
            spec = self.fields.get(key)
            if spec is None:
                hint = did_you_mean(key, tuple(self.fields)) or N_(" the keys are {keys}", keys=", ".join(self.fields))
                reader.error(
                    key_node, N_("unknown key {key}{where};{hint}", key=shown(key), where=_in(what), hint=hint)
                )
                valid = False
                continue
            child = f"{label}.{key}" if label else key
            if is_null(value_node) and key not in self.required and not isinstance(spec, ListOf):
                empty.add(key)
                continue
            value = spec.read(value_node, reader, child)
            if value is INVALID:
                valid = False
                continue
            valid = valid and is_valid(value)
            values[key] = value
            marks[key] = reader.mark(value_node)
        for key in self.required:
            if key not in present:
                reader.error(node, N_("{field}missing required key {key}", field=_prefix(what), key=repr(key)))
                valid = False
        return Rec(values, marks, reader.mark(node), valid, frozenset(present), frozenset(empty))

    def json_schema(self):
        # An optional key may be left empty (`name:`), which check reads as absent.
        properties = {
            key: spec.json_schema() if key in self.required else {"anyOf": [spec.json_schema(), {"type": "null"}]}
            for key, spec in self.fields.items()
        }
        schema = {"type": "object", "properties": properties, "additionalProperties": False}
        if self.required:
            schema["required"] = list(self.required)
        return self._described(schema)


@dataclass
class MapOf(Field):
    """A mapping from ids to values of one field, such as service id → fee."""

    key: Field
    value: Field
    description: str = ""
    max_items: int = MAX_ITEMS

    def read(self, node, reader, label):
        entries = Entries()
        if is_null(node):
            return entries
        if not isinstance(node, MappingNode):
            return reader.error(
                node, N_("{field}expected a mapping of keys, found {found}", field=_prefix(label), found=kind_of(node))
            )
        if len(node.value) > self.max_items:
            return reader.error(
                node.value[self.max_items][0],
                N_(
                    "{field}a mapping here holds at most {limit:,} entries, and this one has {count:,}; "
                    "see the limits in docs/content.md",
                    field=_prefix(label),
                    limit=self.max_items,
                    count=len(node.value),
                ),
            )
        for key, key_node, value_node in reader.mapping_items(node, label):
            key_value = self.key.read(key_node, reader, label)
            value = self.value.read(value_node, reader, f"{label} {_cut(key)}" if label else _cut(key))
            if key_value is not INVALID and value is not INVALID and is_valid(value):
                entries[key_value] = Item(value, reader.mark(key_node))
            else:
                entries.complete = False
        return entries

    def json_schema(self):
        return self._described(
            {
                "type": "object",
                "propertyNames": self.key.json_schema(),
                "maxProperties": self.max_items,
                "additionalProperties": self.value.json_schema(),
            }
        )


@dataclass
class Either(Field):
    """A single value read by one field, or a mapping read by another (a fee or an urban/rural pair)."""

    scalar: Field
    mapping: Field
    description: str = ""

    def read(self, node, reader, label):
        if isinstance(node, MappingNode):
            return self.mapping.read(node, reader, label)
        return self.scalar.read(node, reader, label)

    def json_schema(self):
        return self._described({"oneOf": [self.scalar.json_schema(), self.mapping.json_schema()]})


pickle_by_fields(Item)
