"""HTML→Markdown in one pass for the HTML feeds usually carry.

Building a BeautifulSoup tree, walking it to neutralise it and walking it
again in markdownify cost about 0.7 ms per story, most of a cold refresh's
parse time. Feed bodies are mostly paragraphs, links, emphasis, images,
lists and headings, so this module reads the same ``html.parser`` events
bs4 reads, builds the same tree bs4 would build (a light one: plain strings
and small elements), applies the safety rules of :mod:`tui.core.html_rules`
while building it, and writes the Markdown markdownify would write.

"The same" is the contract, checked by a parity test over the shared
corpus, the bench feeds and the hostile inputs: whenever
:func:`fast_markdown` returns a string, it is byte for byte what the bs4 +
markdownify path would produce. Whatever it does not reproduce with
certainty (definition lists, CDATA, processing instructions, deep nesting, tag names markdownify treats specially that are not implemented
here) makes it return None, and the caller uses the general path.
"""

from __future__ import annotations

import re
from html.entities import html5
from html.parser import HTMLParser

from tui.core.html_rules import DROP, EMBED_TEXT, EMBEDS, is_tracking_pixel
from tui.core.html_scan import scan
from tui.core.urls import web_link

# Deeper documents go to the general path, which knows how to survive
# (and report) any depth; real feed bodies stay far below this.
_MAX_DEPTH = 100

# What bs4's html.parser tree builder does with element names: void
# elements close at once, whitespace is kept verbatim inside pre/textarea.
# (Written out rather than read from bs4, whose import is most of a parse
# worker's start-up; tests/unit/test_html_fast.py checks they still agree.)
_VOID = frozenset(
    (
        *("area", "base", "basefont", "bgsound", "br", "col", "command", "embed"),
        *("frame", "hr", "image", "img", "input", "isindex", "keygen", "link"),
        *("menuitem", "meta", "nextid", "param", "source", "spacer", "track", "wbr"),
    )
)
_PRESERVE = frozenset(("pre", "textarea"))
_ASCII_SPACES = " \n\t\x0c\r"
# What a numeric reference to 0x80-0x9F means: the Windows-1252 character
# of that byte (the HTML standard's table), or the code point itself for
# the five bytes Windows-1252 leaves undefined.
_C1_REFERENCES = (
    "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f"
    "\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178"
)
_REPLACEMENT = "\ufffd"

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Elements markdownify trims whitespace inside of (and, with pre, outside of).
_TABLE_PARTS = frozenset(("table", "thead", "tbody", "tfoot", "tr", "td", "th"))
_BLOCK = frozenset(
    ("p", "blockquote", "article", "div", "section", "ol", "ul", "li", *_HEADINGS, *_TABLE_PARTS)
)
_OUTSIDE = _BLOCK | {"pre"}
_INLINE_MARKS = {"b": "**", "strong": "**", "em": "*", "i": "*", "del": "~~", "s": "~~"}
_INLINE_MARKS |= {"sub": "", "sup": ""}
_CODE = frozenset(("code", "kbd", "samp"))
_NOFORMAT = _CODE | {"pre"}
_HANDLED = frozenset(
    (*_BLOCK, *_INLINE_MARKS, *_CODE, "a", "br", "hr", "img", "pre", "q", "figcaption", "caption")
)
# Names markdownify gives a meaning to (a convert_* method, a heading-like
# name, a block that trims whitespace): any of them not handled here is
# left to the general path. Every other name is a plain container.
# (markdownify's convert_* method names, written out for the reason _VOID is.)
_CONVERTED = "|".join(
    (
        *("_document_", "a", "article", "b", "blockquote", "br", "caption", "code", "dd"),
        *("del", "div", "dl", "dt", "em", "figcaption", "hN", "hr", "i", "img", "kbd"),
        *("li", "list", "ol", "p", "pre", "q", "s", "samp", "script", "section", "soup"),
        *("strong", "style", "sub", "sup", "table", "td", "th", "tr", "ul", "video"),
    )
)
_SPECIAL_NAME = re.compile(rf"h\d|(?:{_CONVERTED})$|(?:dl|dt|dd)$")
_CONVERT_NAME = re.compile(r"[\[\]:-]")
_NEWLINE_RUN = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")
_SPACE_RUN = re.compile(r"[\t ]+")
_ANY_SPACE_RUN = re.compile(r"[\t \r\n]+")
_BACKTICKS = re.compile(r"`+")


class _Unsupported(Exception):
    """The input needs something only the general path does."""


class _Element:
    """An element of the tree bs4 would build: name, attributes, children
    (``str`` for text, :class:`_Ignored` for comments and doctypes)."""

    __slots__ = ("attrs", "children", "name", "parent")

    def __init__(self, name: str, attrs: dict[str, str | None], parent: _Element | None) -> None:
        self.name = name
        self.attrs = attrs
        self.children: list[str | _Element] = []
        self.parent = parent


class _Ignored(str):
    """A comment or doctype: never written, but still a sibling, which
    decides whether markdownify trims the text beside it."""


_supported_names: dict[str, bool] = {}


def _supported(name: str) -> bool:
    known = _supported_names.get(name)
    if known is None:
        known = name in _HANDLED or not _SPECIAL_NAME.match(_CONVERT_NAME.sub("_", name))
        _supported_names[name] = known
    return known


class _TreeBuilder(HTMLParser):
    """html.parser events → the tree bs4's html.parser builder makes, with
    dropped elements removed, embeds turned into links, tracking pixels
    removed and links resolved as they close."""

    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=False)
        self.base_url = base_url
        self.root = _Element("[document]", {}, None)
        self.stack = [self.root]
        self.current = self.root
        self.pieces: list[str] = []
        self.preserve = 0  # open pre/textarea elements
        self.discarding = 0  # open elements whose content is thrown away
        self.closed_voids: list[str] = []

    def updatepos(self, i: int, j: int) -> int:
        # HTMLParser counts lines and columns on every step only for
        # getpos(), which nothing here asks for: a tenth of its time.
        return j

    # -- text ----------------------------------------------------------

    def _flush(self, kind: type[str] = str) -> None:
        data = "".join(self.pieces)
        self.pieces.clear()
        if not self.preserve and not data.strip(_ASCII_SPACES):
            data = "\n" if "\n" in data else " "
        self.current.children.append(data if kind is str else kind(data))

    def handle_data(self, data: str) -> None:
        self.pieces.append(data)

    def handle_charref(self, name: str) -> None:
        character, rest = numeric_reference(name)
        self.pieces.append(character)
        self.pieces.append(rest)

    def handle_entityref(self, name: str) -> None:
        # bs4 reads a name with or without its ";" (html.parser gives it
        # without); every HTML5 name that may omit it also has the ";" form.
        character = html5.get(name + ";")
        self.pieces.append(character if character is not None else "&" + name)

    def handle_comment(self, data: str) -> None:
        if self.pieces:
            self._flush()
        self.pieces.append(data)
        self._flush(_Ignored)

    def handle_decl(self, decl: str) -> None:
        if self.pieces:
            self._flush()
        self.pieces.append(decl[8:])  # after "DOCTYPE "
        self._flush(_Ignored)

    def unknown_decl(self, data: str) -> None:
        self._unknown(data)

    def handle_pi(self, data: str) -> None:
        self._unknown(data)

    def _unknown(self, data: str) -> None:
        # CDATA sections and processing instructions become text in bs4.
        if not self.discarding:
            raise _Unsupported
        self.handle_comment(data)

    # -- elements ------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)
        if tag in _VOID:
            self._close(tag)
            self.closed_voids.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)
        self._close(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.closed_voids:
            # "<br></br>": the void element closed itself already.
            self.closed_voids.remove(tag)
        else:
            self._close(tag)

    def _open(self, name: str, raw: list[tuple[str, str | None]]) -> None:
        if self.pieces:
            self._flush()
        # bs4 stores a bare attribute ("<a href>") as "", html.parser gives
        # None; every attribute read here treats both as absent.
        attrs = dict(raw)
        if name in DROP or name in EMBEDS:
            self.discarding += 1
        elif not self.discarding:
            if not _supported(name):
                raise _Unsupported
            if name == "a" and attrs:
                target = web_link(self.base_url, attrs.get("href"))
                if target:
                    attrs["href"] = target
                else:
                    attrs.pop("href", None)
        element = _Element(name, attrs, self.current)
        self.current.children.append(element)
        self.stack.append(element)
        self.current = element
        if name in _PRESERVE:
            self.preserve += 1
        if len(self.stack) > _MAX_DEPTH:
            raise _Unsupported

    def _close(self, name: str) -> None:
        """bs4's end tag: close up to the most recent open *name*; an end
        tag with nothing to close only ends the current text."""
        if self.pieces:
            self._flush()
        stack = self.stack
        for index in range(len(stack) - 1, 0, -1):
            if stack[index].name == name:
                while len(stack) > index:
                    self._pop()
                return

    def _pop(self) -> None:
        element = self.stack.pop()
        self.current = self.stack[-1]
        name = element.name
        if name in _PRESERVE:
            self.preserve -= 1
        if name in DROP or name in EMBEDS:
            self.discarding -= 1
            # An element being closed is always its parent's last child.
            siblings = self.current.children
            siblings.pop()
            if name in EMBEDS and not self.discarding:
                target = web_link(self.base_url, element.attrs.get("src"))
                if target:
                    link = _Element("a", {"href": target}, self.current)
                    link.children.append(EMBED_TEXT)
                    siblings.append(link)
        elif name == "img" and is_tracking_pixel(element.attrs):
            self.current.children.pop()

    def finish(self) -> _Element:
        self.close()
        if self.pieces:
            self._flush()
        while len(self.stack) > 1:
            self._pop()
        return self.root


def numeric_reference(name: str) -> tuple[str, str]:
    """What bs4's html.parser builder makes of the numeric character
    reference html.parser hands over as *name* ("65", "x41"): the character
    and any text after the number (a name html.parser would never pass,
    such as "65abc", reads as its leading number followed by text).

    The rules are the HTML standard's: U+FFFD for 0, surrogates and numbers
    past Unicode, Windows-1252 for 0x80-0x9F. One deliberate difference: a
    decimal number too long for int() (4,300 digits) is U+FFFD here, where
    bs4 raises ValueError and fails the whole feed."""
    base, digits = (16, name[1:]) if name[:1] in ("x", "X") else (10, name)
    rest = ""
    try:
        number = _number(digits, base)
    except ValueError:
        allowed = "0123456789abcdef" if base == 16 else "0123456789"
        leading = digits[: len(digits) - len(digits.lstrip(allowed))]
        if not leading:
            return "", digits
        number = _number(leading, base)
        rest = digits[len(leading) :].split("\n", 1)[0]
    if number <= 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        return _REPLACEMENT, rest
    if 0x80 <= number <= 0x9F:
        return _C1_REFERENCES[number - 0x80], rest
    return chr(number), rest


def _number(digits: str, base: int) -> int:
    # int() refuses decimals over 4,300 digits, leading zeros included; with
    # more than seven significant digits a number is past U+10FFFF anyway.
    if base == 10 and len(digits) > 7 and digits.isascii() and digits.isdigit():
        significant = digits.lstrip("0")
        return int(significant or "0") if len(significant) <= 7 else 0x110000
    return int(digits, base)


def _chomp(text: str) -> tuple[str, str, str]:
    """An inline element's text without its surrounding whitespace, and
    the single spaces markdownify keeps outside the markup ("<b> x</b>"
    is " **x**", never "** x**")."""
    prefix = " " if text[:1] == " " else ""
    suffix = " " if text[-1:] == " " else ""
    return prefix, suffix, text.strip()


def _strip_pre(text: str) -> str:
    """A <pre> block's text without its blank first lines (spaces on the
    first kept line stay: they are indentation) and its trailing spaces
    and newlines."""
    blank = len(text) - len(text.lstrip(" \n"))
    newline = text.rfind("\n", 0, blank)
    if newline >= 0:
        text = text[newline + 1 :]
    return text.rstrip(" \n")


def fast_markdown(html: str, base_url: str | None = None) -> str | None:
    """The Markdown markdownify would write for *html* after the safety
    rules, before sanitising and tidying; None when this input needs the
    general path."""
    try:
        builder = _TreeBuilder(base_url)
        if not scan(html, builder):  # not the well-formed HTML it reads: start over
            builder = _TreeBuilder(base_url)
            builder.feed(html)
        root = builder.finish()
        return _render(root, 0, None, 0).strip("\n")
    except _Unsupported:
        return None


# Flags for what the ancestors of an element are (markdownify's
# "parent_tags"): inside <pre>, inside code-like elements, inside a heading,
# inside a list item.
_PRE, _NOFORMAT_FLAG, _INLINE, _IN_LI = 1, 2, 4, 8


def _is_outside_block(node: object) -> bool:
    return type(node) is _Element and node.name in _OUTSIDE


def _render(element: _Element, flags: int, siblings: list | None, index: int) -> str:
    """*element* as Markdown, given its ancestors' *flags* and its place
    among *siblings* (lists and list items look at their neighbours)."""
    name = element.name
    child_flags = flags
    if name == "pre":
        child_flags |= _PRE | _NOFORMAT_FLAG
    elif name in _CODE:
        child_flags |= _NOFORMAT_FLAG
    elif name in _HEADINGS or name == "td" or name == "th":
        child_flags |= _INLINE
    elif name == "li":
        child_flags |= _IN_LI
    text = _render_children(element, child_flags) if element.children else ""
    if name not in _HANDLED:
        return text  # span, font, figure...: a plain container
    if name in _INLINE_MARKS:
        if flags & _NOFORMAT_FLAG:
            return text
        prefix, suffix, text = _chomp(text)
        mark = _INLINE_MARKS[name]
        return f"{prefix}{mark}{text}{mark}{suffix}" if text else ""
    if name == "p":
        if flags & _INLINE:
            return " " + text.strip(" \t\r\n") + " "
        text = text.strip(" \t\r\n")
        return f"\n\n{text}\n\n" if text else ""
    if name == "a":
        return _link(element, text, flags)
    if name == "img":
        alt = (element.attrs.get("alt") or "").strip()
        return f"[image: {alt}]" if alt else ""
    if name == "br":
        if flags & _INLINE:
            return text + " " if text else " "
        return "  \n" + text
    if name in ("div", "article", "section"):
        if flags & _INLINE:
            return " " + text.strip() + " "
        text = text.strip()
        return f"\n\n{text}\n\n" if text else ""
    if name == "li":
        return _list_item(element, text, siblings, index)
    if name in ("ul", "ol"):
        return _list(text, flags, siblings, index)
    if name in _HEADINGS:
        if flags & _INLINE:
            return text
        text = _ANY_SPACE_RUN.sub(" ", text.strip())
        return "\n\n" + "#" * _HEADINGS[name] + " " + text + "\n\n"
    if name in _CODE:
        return _code(text, flags)
    if name == "blockquote":
        text = text.strip(" \t\r\n")
        if flags & _INLINE:
            return " " + text + " "
        if not text:
            return "\n"
        quoted = "\n".join("> " + line if line else ">" for line in text.split("\n"))
        return "\n" + quoted + "\n\n"
    if name == "pre":
        return f"\n\n```\n{_strip_pre(text)}\n```\n\n" if text else ""
    if name == "hr":
        return "\n\n---\n\n"
    if name == "q":
        return '"' + text + '"'
    if name == "figcaption":
        return "\n\n" + text.strip() + "\n\n"
    if name in _TABLE_PARTS:
        return _table_part(element, text)
    if name == "caption":
        return text.strip() + "\n\n"
    return text


def _render_children(element: _Element, flags: int) -> str:
    """The children's Markdown joined as markdownify joins it: whitespace
    beside blocks dropped, text normalised and escaped, and runs of
    newlines where two children meet capped at two."""
    children = element.children
    count = len(children)
    trims_inside = element.name in _BLOCK
    in_pre = flags & _PRE
    parts: list[str] = []
    for i, child in enumerate(children):
        kind = type(child)
        if kind is _Element:
            part = _render(child, flags, children, i)
        elif kind is str:
            before = children[i - 1] if i else None
            after = children[i + 1] if i + 1 < count else None
            trim_start = _is_outside_block(before) or (trims_inside and not before)
            trim_end = _is_outside_block(after) or (trims_inside and not after)
            if not child.strip() and (
                (trims_inside and (not before or not after)) or trim_start or trim_end
            ):
                continue
            part = child
            if not in_pre:
                if "\n" in part or "\r" in part:
                    part = _NEWLINE_RUN.sub("\n", part)
                if "\t" in part or "  " in part:
                    part = _SPACE_RUN.sub(" ", part)
            if not flags & _NOFORMAT_FLAG:
                part = part.replace("*", r"\*").replace("_", r"\_")
            if trim_start:
                part = part.lstrip(" \t\r\n")
            if trim_end:
                part = part.rstrip()
        else:
            continue  # comments and doctypes
        if part:
            parts.append(part)
    if in_pre or element.name == "pre":
        return "".join(parts)
    return _join(parts)


def _join(parts: list[str]) -> str:
    """Concatenate, replacing the newlines where one part ends and the next
    begins (when both have some) by the larger run, at most two."""
    out: list[str] = []
    trailing = ""
    for part in parts:
        body = part.lstrip("\n") if part[0] == "\n" else part
        leading = len(part) - len(body)
        content = body.rstrip("\n") if body and body[-1] == "\n" else body
        if trailing and leading:
            out.append("\n" * min(2, max(len(trailing), leading)))
        else:
            out.append(trailing)
            if leading:
                out.append("\n" * leading)
        out.append(content)
        trailing = body[len(content) :]
    out.append(trailing)
    return "".join(out)


def _link(element: _Element, text: str, flags: int) -> str:
    if flags & _NOFORMAT_FLAG:
        return text
    prefix, suffix, text = _chomp(text)
    if not text:
        return ""
    href = element.attrs.get("href")
    title = element.attrs.get("title")
    if text.replace(r"\_", "_") == href and not title:
        return f"<{href}>"
    if not href:
        return text
    title_part = ' "' + title.replace('"', r"\"") + '"' if title else ""
    return f"{prefix}[{text}]({href}{title_part}){suffix}"


def _code(text: str, flags: int) -> str:
    if flags & _NOFORMAT_FLAG:
        return text
    prefix, suffix, text = _chomp(text)
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    if longest:
        text = f" {text} "
    fence = "`" * (longest + 1)
    return f"{prefix}{fence}{text}{fence}{suffix}"


def _list(text: str, flags: int, siblings: list, index: int) -> str:
    if flags & _IN_LI:
        return "\n" + text.rstrip()
    following = None
    for sibling in siblings[index + 1 :]:
        kind = type(sibling)
        if kind is _Element or (kind is str and sibling.strip()):
            following = sibling
            break
    before_paragraph = following is not None and not (
        type(following) is _Element and following.name in ("ul", "ol")
    )
    return "\n\n" + text + ("\n" if before_paragraph else "")


def _list_item(element: _Element, text: str, siblings: list, index: int) -> str:
    text = text.strip()
    if not text:
        return "\n"
    parent = element.parent
    if parent is not None and parent.name == "ol":
        start = parent.attrs.get("start")
        first = 1
        if start and start.isnumeric():
            try:
                first = int(start)
            except ValueError:
                raise _Unsupported from None
        earlier = sum(
            1 for sibling in siblings[:index] if type(sibling) is _Element and sibling.name == "li"
        )
        bullet = f"{first + earlier}. "
    else:
        bullet = "- "
    indent = " " * len(bullet)
    lines = "\n".join(indent + line if line else "" for line in text.split("\n"))
    return bullet + lines[len(bullet) :] + "\n"


def _table_part(element: _Element, text: str) -> str:
    """Tables as markdownify writes them: a row per line, cells between
    bars, and a "---" rule under the header row (or under an empty header
    when the table has none)."""
    name = element.name
    if name == "td" or name == "th":
        return " " + text.strip().replace("\n", " ") + " |" * _colspan(element)
    if name == "table":
        return "\n\n" + text.strip() + "\n\n"
    if name != "tr":
        return text  # thead, tbody, tfoot
    parent = element.parent
    assert parent is not None  # a tr is never the root
    cells = _find_all(element, ("td", "th"))
    first_row = _previous_element(element) is None
    header = all(cell.name == "th" for cell in cells) or (
        parent.name == "thead" and len(_find_all(parent, ("tr",))) == 1
    )
    if first_row and parent.name == "tbody":
        grandparent = parent.parent
        assert grandparent is not None
        header_missing = not _find_all(grandparent, ("thead",))
    else:
        header_missing = first_row
    width = sum(_colspan(cell) for cell in cells)
    rule = "| " + " | ".join(["---"] * width) + " |\n"
    if header and first_row:
        return "|" + text + "\n" + rule
    if header_missing or (
        first_row
        and (
            parent.name == "table" or (parent.name == "tbody" and _previous_element(parent) is None)
        )
    ):
        return "| " + " | ".join([""] * width) + " |\n" + rule + "|" + text + "\n"
    return "|" + text + "\n"


def _colspan(cell: _Element) -> int:
    span = cell.attrs.get("colspan")
    if span is None or not span.isdigit():
        return 1
    try:
        return max(1, min(1000, int(span)))
    except ValueError:  # a digit int() does not read, such as "²"
        raise _Unsupported from None


def _find_all(element: _Element, names: tuple[str, ...]) -> list[_Element]:
    """The descendants of *element* with one of *names*, in document order."""
    found = []
    pending = list(reversed(element.children))
    while pending:
        node = pending.pop()
        if type(node) is _Element:
            if node.name in names:
                found.append(node)
            pending.extend(reversed(node.children))
    return found


def _previous_element(element: _Element) -> _Element | None:
    """The nearest earlier sibling that is an element (text and comments
    do not count)."""
    parent = element.parent
    if parent is None:
        return None
    siblings = parent.children
    for node in reversed(siblings[: _index_of(siblings, element)]):
        if type(node) is _Element:
            return node
    return None


def _index_of(siblings: list, element: _Element) -> int:
    for index, node in enumerate(siblings):
        if node is element:
            return index
    raise ValueError(element)
