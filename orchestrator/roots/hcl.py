"""Just enough of HCL's shape to read a team's root without running it: its blocks, their labels and bodies.

Comments are dropped and strings kept whole, so a brace in a string or a comment never opens a block.
Values are not evaluated: an argument is read only when it is a literal string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r'([A-Za-z_][\w-]*)((?:\s+"[^"\n]*"|\s+[A-Za-z_][\w-]*)*)\s*\{')
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_]\w*)\n")


@dataclass(frozen=True)
class Block:
    """One block: `provider "aws" {...}` has type provider, labels ("aws",), its body's text and its first line."""

    type: str
    labels: tuple[str, ...]
    body: str
    line: int

    def blocks(self, block_type: str | None = None) -> list[Block]:
        """The blocks directly inside this one, of one type when given."""
        return blocks(self.body, block_type, self.line)

    def literal(self, name: str) -> str | None:
        """The argument's value when it is a literal string (`alias = "events"`); None otherwise or when absent."""
        match = re.search(rf'^\s*{re.escape(name)}\s*=\s*"([^"$\n]*)"\s*$', _top_level(self.body), re.MULTILINE)
        return match.group(1) if match else None

    def has_argument(self, name: str) -> bool:
        return re.search(rf"^\s*{re.escape(name)}\s*=", _top_level(self.body), re.MULTILINE) is not None


def without_comments(text: str) -> str:
    """text with its comments blanked (newlines kept, so line numbers hold) and its strings and heredocs intact."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("<<", i) and (heredoc := _HEREDOC.match(text, i)):
            end = re.compile(rf"^\s*{heredoc.group(1)}\s*$", re.MULTILINE).search(text, heredoc.end())
            stop = end.end() if end else n
            out.append(text[i:stop])
            i = stop
        elif c == "#" or text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            stop = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, stop))
            i = stop
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _closing(text: str, start: int) -> int:
    """The index just past the brace that closes the one opened before start (strings skipped)."""
    depth, i, n = 1, start, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"' and text[i] != "\n":
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("<<", i) and (heredoc := _HEREDOC.match(text, i)):
            end = re.compile(rf"^\s*{heredoc.group(1)}\s*$", re.MULTILINE).search(text, heredoc.end())
            i = end.end() - 1 if end else n
        elif c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _top_level(body: str) -> str:
    """body with the contents of its nested blocks and multi-line values removed: its own arguments only."""
    kept, i, n = [], 0, len(body)
    while i < n:
        c = body[i]
        if c in "{[(":
            stop = _closing(body, i + 1)
            kept.append(c + "\n" * body.count("\n", i, stop))
            i = stop
        else:
            kept.append(c)
            i += 1
    return "".join(kept)


def blocks(text: str, block_type: str | None = None, first_line: int = 1) -> list[Block]:
    """The blocks at the top level of text (comments already removed), in order; of one type when given."""
    found, i, n = [], 0, len(text)
    while i < n:
        newline = text.find("\n", i)
        end = n if newline < 0 else newline
        line = text[i:end].strip()
        header = _HEADER.match(line)
        if header:
            opened = text.find("{", i, end + 1)
            stop = _closing(text, opened + 1)
            labels = tuple(a or b for a, b in _LABEL.findall(header.group(2)))
            if block_type is None or header.group(1) == block_type:
                found.append(Block(header.group(1), labels, text[opened + 1:stop - 1],
                                   first_line + text.count("\n", 0, i)))
            i = stop
            continue
        # An argument whose value opens a bracket spans to its closing one.
        opened = min((at for at in (text.find(c, i, end) for c in "{[(") if at >= 0), default=-1)
        if opened >= 0:
            end = max(end, _closing(text, opened + 1))
        i = end + 1
    return found
