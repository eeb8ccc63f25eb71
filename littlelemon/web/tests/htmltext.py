"""Reading rendered pages in tests: text by element id or class, without a browser."""

from html.parser import HTMLParser

INLINE = {"a", "abbr", "b", "code", "em", "i", "label", "small", "span", "strong", "time"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self, match):
        super().__init__(convert_charrefs=True)
        self.match = match
        self.depth = 0
        self.current: list[str] | None = None
        self.found: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if self.current is not None and tag not in INLINE:
            self.current.append(" ")  # block boundaries separate words, as on screen
        if tag in VOID:
            return
        if self.current is not None:
            self.depth += 1
        elif self.match(tag, attributes):
            self.current, self.depth = [], 1

    def handle_endtag(self, tag):
        if self.current is None or tag in VOID:
            return
        if tag not in INLINE:
            self.current.append(" ")
        self.depth -= 1
        if self.depth == 0:
            self.found.append(" ".join("".join(self.current).split()))
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def texts(html: str | bytes, *, id: str | None = None, css_class: str | None = None, tag: str | None = None):
    """The whitespace-normalised text of every element matching id / class / tag."""

    def match(name, attributes):
        return (
            (id is None or attributes.get("id") == id)
            and (css_class is None or css_class in (attributes.get("class") or "").split())
            and (tag is None or name == tag)
        )

    collector = _Collector(match)
    collector.feed(html.decode() if isinstance(html, bytes) else html)
    return collector.found


def text(html: str | bytes, **selector) -> str:
    found = texts(html, **selector)
    assert len(found) == 1, f"expected one element for {selector}, found {len(found)}"
    return found[0]


def elements(html: str | bytes) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag with its attributes, in document order."""
    collector = _Collector(lambda *_: False)
    collector.feed(html.decode() if isinstance(html, bytes) else html)
    return collector.elements
