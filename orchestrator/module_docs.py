"""Module READMEs: the inputs and outputs tables, generated from the module's variable and output blocks.

A small reader for the part of HCL that variable and output blocks use (attributes, nested blocks,
quoted strings with escapes and templates, heredocs, comments, multi-line expressions), so that
neither terraform-docs nor a network is needed. Only the standard library: `scripts/module_docs.py`
runs it without trig installed, and `trig validate` uses it to refuse a README that has drifted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

BEGIN = "<!-- BEGIN_TRIG_DOCS -->"
END = "<!-- END_TRIG_DOCS -->"
FIX = "run python scripts/module_docs.py"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(_OPENERS.values())
_OPERATORS = frozenset("&|+-*/%=<>?:!")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class HclError(ValueError):
    """Text the reader cannot take apart, with the file and 1-based line where it stopped (when known)."""

    def __init__(self, message: str, line: int | None = None, file: str = ""):
        self.message, self.line, self.file = message, line, file
        where = ":".join(str(part) for part in (file, line) if part) if file else (f"line {line}" if line else "")
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Block:
    """A block as written: its type, its labels, its attributes' source text, its nested blocks."""

    type: str
    labels: list[str]
    attributes: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    type: str
    default: str | None  # the expression as one line; None when the variable is required

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Output:
    name: str
    description: str


# -- reading HCL ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def fail(self, message: str, pos: int | None = None) -> HclError:
        return HclError(message, self.line(pos))

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def skip_comment(self) -> bool:
        """Skip one comment at pos (a line comment stops before its newline); False when there is none."""
        if self.peek() == "#" or (self.peek() == "/" and self.peek(1) == "/"):
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end
            return True
        if self.peek() == "/" and self.peek(1) == "*":
            end = self.text.find("*/", self.pos + 2)
            if end < 0:
                raise self.fail("unterminated /* comment")
            self.pos = end + 2
            return True
        return False

    def skip_blank(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            char = self.peek()
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif not self.skip_comment():
                return

    def skip_string(self) -> None:
        """pos at an opening quote: move past the closing one, through escapes and ${...} or %{...} templates."""
        start = self.pos
        self.pos += 1
        while self.pos < len(self.text):
            char = self.peek()
            if char == "\\":
                self.pos += 2
            elif char == '"':
                self.pos += 1
                return
            elif char == "\n":
                raise self.fail("newline in a quoted string", start)
            elif char in "$%" and self.peek(1) == "{":
                if self.peek(-1) == char:  # $${ and %%{ are literal
                    self.pos += 2
                    continue
                self.pos += 2
                self.skip_until_closer("}")
            else:
                self.pos += 1
        raise self.fail("unterminated string", start)

    def skip_heredoc(self) -> None:
        """pos at <<: move past the line holding the closing marker (not past its newline)."""
        match = _HEREDOC.match(self.text, self.pos)
        if not match:
            raise self.fail("malformed heredoc")
        marker = match.group(2)
        self.pos = match.end()
        while self.pos < len(self.text):
            end = self.text.find("\n", self.pos)
            end = len(self.text) if end < 0 else end
            if self.text[self.pos:end].strip() == marker:
                self.pos = end
                return
            self.pos = end + 1
        raise self.fail(f"heredoc {marker} is never closed")

    def skip_nested(self) -> bool:
        """Skip a bracketed group, a string, a heredoc or a comment starting at pos; False when none starts there."""
        char = self.peek()
        if char in _OPENERS:
            self.pos += 1
            self.skip_until_closer(_OPENERS[char])
        elif char == '"':
            self.skip_string()
        elif char == "<" and _HEREDOC.match(self.text, self.pos):
            self.skip_heredoc()
        else:
            return self.skip_comment()
        return True

    def skip_until_closer(self, closer: str) -> None:
        """Move past the closer that balances an opener just consumed, through strings, heredocs and comments."""
        start = self.pos
        while self.pos < len(self.text):
            char = self.peek()
            if char == closer:
                self.pos += 1
                return
            if char in _CLOSERS:
                raise self.fail(f"{char!r} where {closer!r} was expected")
            if not self.skip_nested():
                self.pos += 1
        raise self.fail(f"{closer!r} is missing", start)

    def expression(self) -> str:
        """The source text of an attribute's value: up to the end of its line, lines inside brackets included."""
        self.skip_blank(newlines=False)
        start = self.pos
        while self.pos < len(self.text):
            char = self.peek()
            if char == "\n" or (char == "}" and self.pos > start):  # a one-line block's closing brace ends it too
                break
            if char in _CLOSERS:
                raise self.fail(f"unexpected {char!r}")
            if not self.skip_nested():
                self.pos += 1
        text = _strip_comments(self.text[start:self.pos]).strip()
        if not text:
            raise self.fail("an attribute without a value", start)
        return text

    def body(self, closer: str | None) -> tuple[dict[str, str], list[Block]]:
        """Attributes and blocks up to the closer (a block's "}") or the end of the text (closer None)."""
        attributes: dict[str, str] = {}
        blocks: list[Block] = []
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                if closer is not None:
                    raise self.fail(f"{closer!r} is missing at the end of the file")
                return attributes, blocks
            if closer is not None and self.peek() == closer:
                self.pos += 1
                return attributes, blocks
            match = _IDENTIFIER.match(self.text, self.pos)
            if not match:
                raise self.fail(f"unexpected {self.peek()!r}")
            name = match.group()
            self.pos = match.end()
            self.skip_blank(newlines=False)
            if self.peek() == "=" and self.peek(1) != "=":
                self.pos += 1
                if name in attributes:
                    raise self.fail(f"attribute {name} is set twice")
                attributes[name] = self.expression()
            else:
                blocks.append(self.block(name))

    def block(self, block_type: str) -> Block:
        labels = []
        while True:
            self.skip_blank(newlines=False)
            if self.peek() == "{":
                self.pos += 1
                attributes, blocks = self.body("}")
                return Block(block_type, labels, attributes, blocks)
            if self.peek() == '"':
                start = self.pos
                self.skip_string()
                try:
                    labels.append(string_value(self.text[start:self.pos]))
                except ValueError as exc:
                    raise self.fail(str(exc), start) from None
                continue
            match = _IDENTIFIER.match(self.text, self.pos)
            if not match:
                raise self.fail(f"{block_type} block: expected a label or '{{'")
            labels.append(match.group())
            self.pos = match.end()


def parse_hcl(text: str) -> list[Block]:
    """The top-level blocks of a .tf file (top-level attributes are not valid there and are refused)."""
    reader = _Reader(text)
    attributes, blocks = reader.body(None)
    if attributes:
        raise HclError(f"attribute {next(iter(attributes))} outside any block")
    return blocks


def _strip_comments(source: str) -> str:
    """source without its comments, strings and heredocs left as they are."""
    reader = _Reader(source)
    kept = []
    while reader.pos < len(source):
        start = reader.pos
        if reader.skip_comment():
            continue
        if reader.peek() == '"':
            reader.skip_string()
        elif reader.peek() == "<" and _HEREDOC.match(source, reader.pos):
            reader.skip_heredoc()
        else:
            reader.pos += 1
        kept.append(source[start:reader.pos])
    return "".join(kept)


def string_value(source: str) -> str:
    """The text of a literal: a quoted string (escapes decoded) or a heredoc (<<- indentation removed)."""
    source = source.strip()
    heredoc = _HEREDOC.match(source)
    if heredoc:
        lines = source[heredoc.end():].split("\n")[:-1]  # the last line is the closing marker
        if heredoc.group(1):
            indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
            cut = min(indents, default=0)
            lines = [line[cut:] for line in lines]
        return "\n".join(lines)
    if not (len(source) >= 2 and source[0] == source[-1] == '"'):
        raise ValueError(f"not a literal string: {source}")
    out, index, body = [], 0, source[1:-1]
    while index < len(body):
        char = body[index]
        if char == "\\":
            following = body[index + 1:index + 2]
            if following == "u" or following == "U":
                width = 4 if following == "u" else 8
                out.append(chr(int(body[index + 2:index + 2 + width], 16)))
                index += 2 + width
                continue
            if following not in _ESCAPES:
                raise ValueError(f"unknown escape \\{following} in {source}")
            out.append(_ESCAPES[following])
            index += 2
        elif body.startswith(("${", "%{"), index) and not body.startswith(("$${", "%%{"), index - 1):
            raise ValueError(f"a template, not a literal string: {source}")
        elif body.startswith(("$${", "%%{"), index):
            out.append(body[index + 1:index + 3])
            index += 3
        else:
            out.append(char)
            index += 1
    return "".join(out)


def one_line(expression: str) -> str:
    """An expression on one line, as a reader of a table wants it: `object({ a = string, b = optional(number, 1) })`."""
    if _HEREDOC.match(expression):
        return json.dumps(string_value(expression), ensure_ascii=False)
    reader = _Reader(expression)
    pieces: list[str] = []
    pending = ""  # what separates the previous piece from the next: "", " ", or a line break
    while reader.pos < len(expression):
        char = reader.peek()
        if char in " \t\r\n":
            pending = "\n" if char == "\n" or pending == "\n" else " "
            reader.pos += 1
            continue
        start = reader.pos
        if char == '"':
            reader.skip_string()
        else:
            reader.pos += 1
        piece = expression[start:reader.pos]
        if pieces and pending:
            previous = pieces[-1]
            if pending == " ":
                pieces.append(" ")
            elif piece in _CLOSERS:
                if previous == ",":
                    pieces.pop()  # a trailing comma before the bracket closes
                pieces.append(" " if piece == "}" else "")
            elif previous in _OPENERS:
                pieces.append(" " if previous == "{" else "")
            elif previous == "," or previous in _OPERATORS or piece in _OPERATORS:
                pieces.append(" ")
            else:
                pieces.append(", ")  # items of an object or a type written one per line
        pending = ""
        pieces.append(piece)
    return "".join(pieces)


# -- from blocks to documentation ----------------------------------------------------------


def _described(block: Block) -> str:
    source = block.attributes.get("description")
    if source is None:
        return ""
    try:
        return string_value(source)
    except ValueError as exc:
        raise HclError(f"{block.type} {block.labels[0]}: description: {exc}") from None


def read_module(module_dir: Path) -> tuple[list[Variable], list[Output]]:
    """The variables and outputs a module declares, in the order of its .tf files (sorted) and of each file."""
    variables: list[Variable] = []
    outputs: list[Output] = []
    for path in sorted(module_dir.glob("*.tf")):
        try:
            for block in parse_hcl(path.read_text(encoding="utf-8")):
                if block.type == "variable" and len(block.labels) == 1:
                    default = block.attributes.get("default")
                    variables.append(Variable(block.labels[0], _described(block),
                                              one_line(block.attributes.get("type", "any")),
                                              None if default is None else one_line(default)))
                elif block.type == "output" and len(block.labels) == 1:
                    outputs.append(Output(block.labels[0], _described(block)))
        except HclError as exc:
            raise HclError(exc.message, exc.line, path.name) from None
    return variables, outputs


def _cell(text: str) -> str:
    """Text for a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    """A code span that is safe in a table cell, whatever backticks the text holds."""
    text = _cell(text)
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_tables(variables: list[Variable], outputs: list[Output]) -> str:
    """The Markdown that goes between the markers: an inputs table and an outputs table."""
    lines = ["## Inputs", ""]
    if variables:
        lines += ["| Name | Description | Type | Default | Required |", "|---|---|---|---|---|"]
        lines += [f"| {_code(v.name)} | {_cell(v.description)} | {_code(v.type)} | "
                  f"{'n/a' if v.required else _code(v.default or '')} | {'yes' if v.required else 'no'} |"
                  for v in variables]
    else:
        lines.append("None.")
    lines += ["", "## Outputs", ""]
    if outputs:
        lines += ["| Name | Description |", "|---|---|"]
        lines += [f"| {_code(o.name)} | {_cell(o.description)} |" for o in outputs]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def generated_section(module_dir: Path) -> str:
    """The markers and the tables between them, for the module in module_dir."""
    return f"{BEGIN}\n{render_tables(*read_module(module_dir))}{END}"


def refreshed_readme(readme: str, section: str) -> str:
    """readme with the text between its markers replaced by section; the section appended when it has none."""
    begin, end = readme.find(BEGIN), readme.find(END)
    if begin < 0 and end < 0:
        return readme.rstrip("\n") + "\n\n" + section + "\n"
    if begin < 0 or end < begin or readme.count(BEGIN) > 1 or readme.count(END) > 1:
        raise ValueError(f"the README needs exactly one {BEGIN} followed by one {END}")
    return readme[:begin] + section + readme[end + len(END):]


def module_dirs(modules: Path) -> list[Path]:
    """Every module under terraform/modules: the folders that hold .tf files."""
    return sorted(path for path in modules.iterdir() if path.is_dir() and any(path.glob("*.tf")))


def stale_readmes(modules: Path, project: Path) -> list[str]:
    """One line per module whose README is missing or whose tables differ from its .tf files; empty when all match."""
    failures = []
    for module_dir in module_dirs(modules):
        readme = module_dir / "README.md"
        name = readme.relative_to(project).as_posix()
        if not readme.is_file():
            failures.append(f"{name} is missing: {FIX}, then describe the module above the tables")
            continue
        try:
            current = readme.read_text(encoding="utf-8")
            if refreshed_readme(current, generated_section(module_dir)) != current:
                failures.append(f"{name} is out of date with its variables.tf/outputs.tf: {FIX}")
        except HclError as exc:
            where = ":".join(str(part) for part in (exc.file, exc.line) if part)
            failures.append(f"{module_dir.relative_to(project).as_posix()}/{where}: {exc.message} "
                            "(the README generator cannot read it)")
        except ValueError as exc:
            failures.append(f"{name}: {exc}")
    return failures


def write_readmes(modules: Path) -> list[Path]:
    """Refresh the tables of every module's README (creating a README with a title where there is none); the changed files."""
    changed = []
    for module_dir in module_dirs(modules):
        readme = module_dir / "README.md"
        current = readme.read_text(encoding="utf-8") if readme.is_file() else f"# {module_dir.name}\n"
        updated = refreshed_readme(current, generated_section(module_dir))
        if not readme.is_file() or updated != current:
            readme.write_text(updated, encoding="utf-8")
            changed.append(readme)
    return changed
