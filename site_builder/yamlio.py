"""The strict YAML reader: libyaml's composer, every node's place kept, no YAML 1.1 guessing.

Values are not constructed here: scalars stay text with their marks, and the field
definitions in `fields` read each one as its field says (so `no` is never False and a
phone's leading zero is never lost). This module only turns bytes into a node tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

import yaml

from .errors import CONTROLS, N_, Mark, Message, Problem, describe_character

_KIND_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: slower, same nodes
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class LibyamlMark(Protocol):
    """A place in a file as PyYAML or libyaml marks it, both 0-based."""

    line: int
    column: int


class _Loader(_SafeLoader):
    """libyaml's loader with no guessing of implicit tags.

    Fields read each scalar's own text, so the regular expressions that guess ints, floats, dates
    and booleans for every scalar would be wasted; a tag written on purpose still comes through.
    """

    def resolve(self, kind, value, implicit):
        return _KIND_TAGS[kind]


Node = yaml.Node
ScalarNode = yaml.ScalarNode
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode

TAB_STOP = 8
_INDENT = re.compile(r"^(?:[ \t]|-(?=[ \t]))*", re.MULTILINE)
# Tags libyaml resolves by itself; any other tag (`!foo`, `!!python/object`) is written on purpose and refused.
_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
)
_SYNTAX_HINTS = {
    "mapping values are not allowed": N_("put quotes around a value that contains ': '"),
    "found character '\\t'": N_("indent with spaces"),
    "found undefined alias": N_("aliases (*name) are not supported"),
}
# What libyaml most often says, and the places it says it was reading, as the catalogues translate them; anything
# else it says is shown in English.
_LIBYAML_WORDS = (
    N_("mapping values are not allowed in this context"),
    N_("did not find expected key"),
    N_("found unexpected end of stream"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected '-' indicator"),
    N_("found undefined alias"),
    N_("found character that cannot start any token"),
    N_("could not find expected ':'"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow mapping"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a simple key"),
    N_("while scanning for the next token"),
)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
# libyaml composes nested collections recursively and crashes on tens of thousands of levels;
# content needs a handful. Only a file with many brackets, or a line that starts with many
# spaces or indicators, can nest that deep.
MAX_DEPTH = 50
_MANY_BRACKETS = 5000
_DEEP_LINE = re.compile(rf"^(?:[ \t]|[-?:](?=[ \t]|$)){{{MAX_DEPTH + 1}}}", re.MULTILINE)  # starts below MAX_DEPTH
# Every value is a node of a few hundred bytes in memory; an office has about 40, so Tehran's offices file, the
# largest, about 120,000 (the synthetic national content's, 171,000). Counted only when a quick bound allows more.
MAX_NODES = 500_000
MAX_CONTROL_PROBLEMS = 20  # invisible characters reported one by one in a file; then one line for the rest


@dataclass(slots=True)
class Source:
    """One file being read: its display path and how to map libyaml marks back to the editor's text."""

    path: str
    line_offset: int = 0
    # line (0-based, in the composed text) -> (indent width after tab expansion, before)
    expanded: dict[int, tuple[int, int]] = field(default_factory=dict)

    def mark(self, node_mark: LibyamlMark | None) -> Mark:
        """Return the editor's 1-based line and column of a libyaml mark."""
        if node_mark is None:  # libyaml marks every node, event and error; PyYAML's types allow none
            return Mark(self.path, 1 + self.line_offset, 1)
        column = node_mark.column
        widths = self.expanded.get(node_mark.line)
        if widths:
            new, old = widths
            column = column - new + old if column >= new else min(column, old)
        return Mark(self.path, node_mark.line + 1 + self.line_offset, column + 1)

    def at(self, node: Node) -> Mark:
        """Return the mark where a node starts."""
        return self.mark(node.start_mark)

    def start(self) -> Mark:
        """Return the mark of the file's first character."""
        return Mark(self.path, 1 + self.line_offset, 1)


def decode(source: Source, data: bytes) -> tuple[str | None, list[Problem]]:
    """Decode a file as UTF-8 (a BOM is fine); name the encoding when it is something else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(source.start(), "error", N_("the file is saved as UTF-16; save it as UTF-8"))]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
    line_start = data.rfind(b"\n", 0, bad) + 1
    line = data.count(b"\n", 0, bad) + 1 + source.line_offset
    col = len(data[line_start:bad].decode("utf-8", "replace")) + 1
    mark = Mark(source.path, line, col)
    try:
        legacy = data.decode("cp1256")
    except UnicodeDecodeError:
        legacy = ""
    if _ARABIC_SCRIPT.search(legacy):
        message = N_(
            "the file is saved in Windows-1256 (Arabic Windows) encoding, not UTF-8: open it and save it as UTF-8"
        )
    else:
        message = N_("the file is not UTF-8: byte {byte} cannot be read; save it as UTF-8", byte=f"0x{data[bad]:02x}")
    return None, [Problem(mark, "error", message)]


def expand_tabs(source: Source, text: str) -> tuple[str, list[Problem]]:
    """Read tabs in indentation as spaces to the next tab stop, warning once per file."""
    if "\t" not in text:
        return text, []
    lines = text.split("\n")
    first = None
    for number, line in enumerate(lines):
        indent = _INDENT.match(line).group()  # type: ignore[union-attr]  # the pattern matches any line, if only empty
        if "\t" in indent:
            wide = indent.expandtabs(TAB_STOP)
            lines[number] = wide + line[len(indent) :]
            source.expanded[number] = (len(wide), len(indent))
            first = number if first is None else first
    if first is None:
        return text, []
    mark = Mark(source.path, first + 1 + source.line_offset, 1)
    warning = Problem(
        mark,
        "warning",
        N_(
            "tabs used for indentation were read as spaces to the next multiple of {columns} columns; "
            "indent with spaces",
            columns=TAB_STOP,
        ),
    )
    return "\n".join(lines), [warning]


def without_controls(source: Source, text: str, first_line: int = 1) -> tuple[str, list[Problem]]:
    """Return text without its invisible control characters (errors.CONTROLS), each reported where it stood.

    They are removed, not refused with the whole file, so that the file's other problems are still found.
    """
    if not CONTROLS.search(text):
        return text, []
    problems = []
    found = list(CONTROLS.finditer(text))
    for match in found[:MAX_CONTROL_PROBLEMS]:
        line_start = text.rfind("\n", 0, match.start()) + 1
        line = text.count("\n", 0, match.start()) + first_line + source.line_offset
        message = N_(
            "the invisible character {character} is here: it changes how the text around it is shown, "
            "so it cannot be published; delete it (most editors do not show it)",
            character=describe_character(match[0]),
        )
        problems.append(Problem(Mark(source.path, line, match.start() - line_start + 1), "error", message))
    if len(found) > MAX_CONTROL_PROBLEMS:
        more = N_(
            "{count} more invisible control characters follow; delete them too", count=len(found) - MAX_CONTROL_PROBLEMS
        )
        problems.append(Problem(problems[-1].mark, "error", more))
    return CONTROLS.sub("", text), problems


def compose(source: Source, text: str) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document into nodes with marks; syntax errors, aliases, tags and controls become problems."""
    text, problems = without_controls(source, text)
    text, tabs = expand_tabs(source, text)
    problems += tabs
    too_large = _too_large(source, text)
    if too_large:
        return None, [*problems, too_large]
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [*problems, _syntax_problem(source, exc)]
    except yaml.YAMLError as exc:
        return None, [*problems, Problem(source.start(), "error", N_("YAML syntax: {problem}", problem=str(exc)))]
    if root is not None:
        problems += _unsupported_features(source, root, text)
    return root, problems


def _too_large(source: Source, text: str) -> Problem | None:
    """Refuse collections nested deeper than MAX_DEPTH, or more than MAX_NODES values, before libyaml composes them.

    The composer recurses into nested collections (tens of thousands of levels crash it) and keeps
    every node in memory. Nodes are counted from the parser's events only when a quick bound from
    the text (brackets, commas, dashes and lines) allows too many, or a line starts too deep.
    """
    brackets = text.count("[") + text.count("{")
    bound = 3 * (text.count("\n") + 1 + brackets) + 2 * (text.count(",") + text.count("-") + text.count("?"))
    if brackets < _MANY_BRACKETS and bound <= MAX_NODES and not _DEEP_LINE.search(text):
        return None
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    message = N_(
                        "a file holds at most {limit:,} values (keys, values and list items), and this one "
                        "has more from here on; see the limits in docs/content.md",
                        limit=MAX_NODES,
                    )
                    return Problem(source.mark(event.start_mark), "error", message)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return Problem(
                        source.mark(event.start_mark),
                        "error",
                        N_("lists and mappings are nested more than {levels} levels deep here", levels=MAX_DEPTH),
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # compose reports the syntax error with its place
    return None


def _syntax_problem(source: Source, exc: yaml.MarkedYAMLError) -> Problem:
    """Turn libyaml's syntax error into a problem at the place it names, with a hint where one helps."""
    mark = exc.problem_mark or exc.context_mark
    if "expected a single document" in str(exc.context) or "another document" in str(exc.problem):
        return Problem(source.mark(mark), "error", N_("only one YAML document per file: remove the second '---'"))
    said = f"{exc.problem} ({exc.context})" if exc.context else str(exc.problem)
    hints = [hint for needle, hint in _SYNTAX_HINTS.items() if needle in said]
    message = N_(
        "YAML syntax: {problem}{context}{hint}",
        problem=Message(str(exc.problem)),  # translated when the catalogues know libyaml's words (_LIBYAML_WORDS)
        context=Message(" ({context})", (("context", Message(str(exc.context))),)) if exc.context else "",
        hint=N_("; {hint}", hint=hints[0]) if hints else "",
    )
    return Problem(source.mark(mark), "error", message)


def _unsupported_features(source: Source, root: Node, text: str) -> list[Problem]:
    """Refuse aliases (a node reached twice) and custom tags, which would change values silently."""
    if "!" not in text and "*" not in text:  # neither can be written without them: no need to walk every node
        return []
    problems = []
    seen: set[int] = set()
    stack = [root]
    aliased = False
    while stack:
        node = stack.pop()
        if id(node) in seen:
            aliased = True
            continue
        seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            problems.append(
                Problem(source.at(node), "error", N_("the tag {tag} is not supported: remove it", tag=node.tag))
            )
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    if aliased:  # the composed tree no longer knows where the aliases were written: the tokens do
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AliasToken):
                problems.append(
                    Problem(
                        source.mark(token.start_mark),
                        "error",
                        N_("aliases (*name) are not supported: write the value out in full"),
                    )
                )
    return problems


def read_yaml(source: Source, data: bytes) -> tuple[Node | None, list[Problem]]:
    """Decode and parse one YAML file (or front matter) into nodes and problems."""
    text, problems = decode(source, data)
    if text is None:
        return None, problems
    root, more = compose(source, text)
    return root, problems + more
