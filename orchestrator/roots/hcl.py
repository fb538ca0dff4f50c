"""Just enough of HCL's shape to read a team's root without running it: its blocks, their labels and bodies.

Comments are dropped first; then the structure is read from a masked copy of the text, in which the contents of
every string and heredoc are blanked (same length, newlines kept), so no bracket or keyword inside a string or a
heredoc ever opens a block or hides an argument. Values are not evaluated: an argument is read only when it is a
literal string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_HEADER = re.compile(r'([A-Za-z_][\w-]*)((?:\s+"[^"\n]*"|\s+[A-Za-z_][\w-]*)*)\s*\{')
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_]\w*)[ \t]*\n")
_BLANK = "_"


@dataclass(frozen=True)
class Block:
    """One block: `provider "aws" {...}` has type provider, labels ("aws",), its body's text and its first line."""

    type: str
    labels: tuple[str, ...]
    body: str
    line: int
    masked: str = ""  # body with its strings' and heredocs' contents blanked

    def blocks(self, block_type: str | None = None) -> list[Block]:
        """The blocks directly inside this one, of one type when given."""
        return _blocks(self.body, self.masked, block_type, self.line)

    def literal(self, name: str) -> str | None:
        """The argument's value when it is a literal string (`alias = "events"`); None otherwise or when absent."""
        pattern = rf'^[ \t]*{re.escape(name)}[ \t]*=[ \t]*"({_BLANK}*)"[ \t]*$'
        match = re.search(pattern, _top_level(self.masked), re.MULTILINE)
        if match is None:
            return None
        value = self.body[match.start(1):match.end(1)]
        return None if "${" in value else value

    def has_argument(self, name: str) -> bool:
        return re.search(rf"^[ \t]*{re.escape(name)}[ \t]*=", _top_level(self.masked), re.MULTILINE) is not None


def _heredoc_end(text: str, heredoc: re.Match) -> int:
    """The index just past the heredoc's closing marker line (the end of text when it has none)."""
    end = re.compile(rf"^[ \t]*{heredoc.group(1)}[ \t]*$", re.MULTILINE).search(text, heredoc.end())
    return end.end() if end else len(text)


def _string_end(text: str, start: int) -> int:
    """The index of the quote closing the string opened just before start (or of the line's end)."""
    i, n = start, len(text)
    while i < n and text[i] != '"' and text[i] != "\n":
        i += 2 if text[i] == "\\" else 1
    return min(i, n)


def _pieces(text: str) -> Iterator[tuple[str, int, int, int]]:
    """text cut into (kind, start, body start, stop): "string" (its contents from body start to the closing quote),
    "heredoc" (its lines from body start), "comment" and "code" (one character at a time)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            stop = _string_end(text, i + 1)
            yield "string", i, i + 1, stop
            i = stop + 1
        elif text.startswith("<<", i) and (heredoc := _HEREDOC.match(text, i)):
            stop = _heredoc_end(text, heredoc)
            yield "heredoc", i, heredoc.end(), stop
            i = stop
        elif c == "#" or text.startswith("//", i) or text.startswith("/*", i):
            if c == "/" and text.startswith("/*", i):
                j = text.find("*/", i + 2)
                stop = n if j < 0 else j + 2
            else:
                j = text.find("\n", i)
                stop = n if j < 0 else j
            yield "comment", i, i, stop
            i = stop
        else:
            yield "code", i, i, i + 1
            i += 1


def without_comments(text: str) -> str:
    """text with its comments blanked (newlines kept, so line numbers hold) and its strings and heredocs intact."""
    return "".join("\n" * text.count("\n", start, stop) if kind == "comment"
                   else text[start:stop + (kind == "string")] for kind, start, _, stop in _pieces(text))


def _blank(segment: str) -> str:
    return re.sub(r"[^\n]", _BLANK, segment)


def mask(text: str) -> str:
    """text (without comments) with the contents of its strings and heredocs blanked; same length and lines."""
    return "".join(text[start:body] + _blank(text[body:stop]) + (text[stop:stop + 1] if kind == "string" else "")
                   if kind in ("string", "heredoc") else text[start:stop] for kind, start, body, stop in _pieces(text))


def _closing(masked: str, start: int) -> int:
    """The index just past the bracket that closes the one opened before start."""
    depth = 1
    for i in range(start, len(masked)):
        c = masked[i]
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(masked)


def _top_level(masked: str) -> str:
    """masked with the contents of its nested blocks and bracketed values blanked: its own arguments only."""
    kept, i, n = [], 0, len(masked)
    while i < n:
        c = masked[i]
        if c in "{[(":
            stop = _closing(masked, i + 1)
            kept.append(c + "\n" * masked.count("\n", i + 1, stop))
            i = stop
        else:
            kept.append(c)
            i += 1
    return "".join(kept)


def _blocks(text: str, masked: str, block_type: str | None, first_line: int) -> list[Block]:
    found, i, n = [], 0, len(masked)
    while i < n:
        newline = masked.find("\n", i)
        end = n if newline < 0 else newline
        indent = len(masked[i:end]) - len(masked[i:end].lstrip())
        header = _HEADER.match(masked, i + indent, end)
        if header:
            opened = header.end() - 1
            stop = _closing(masked, opened + 1)
            labels = tuple(a or b for a, b in _LABEL.findall(text[header.start(2):header.end(2)]))
            if block_type is None or header.group(1) == block_type:
                found.append(Block(header.group(1), labels, text[opened + 1:stop - 1],
                                   first_line + masked.count("\n", 0, i), masked[opened + 1:stop - 1]))
            i = stop
            continue
        # An argument whose value opens a bracket spans to its closing one.
        opened = min((at for at in (masked.find(c, i, end) for c in "{[(") if at >= 0), default=-1)
        if opened >= 0:
            end = max(end, _closing(masked, opened + 1))
        i = end + 1
    return found


def blocks(text: str, block_type: str | None = None, first_line: int = 1) -> list[Block]:
    """The blocks at the top level of text (comments already removed), in order; of one type when given."""
    return _blocks(text, mask(text), block_type, first_line)
