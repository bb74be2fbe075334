"""A small HTML tree for the web tests: elements with their attributes and text, found by "tag#id",
"tag.class" or "tag[name=value]" (one simple selector)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def elements(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.elements()

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join("".join(parts).split())

    def select(self, selector: str) -> list[Node]:
        match = re.fullmatch(r"(\w+)?(?:#([\w-]+))?(?:\.([\w-]+))?(?:\[([\w-]+)=([^\]]*)\])?", selector)
        assert match, selector
        tag, id_, cls, attr, value = match.groups()
        return [n for n in self.elements()
                if (tag is None or n.tag == tag) and (id_ is None or n.attrs.get("id") == id_)
                and (cls is None or cls in (n.attrs.get("class") or "").split())
                and (attr is None or n.attrs.get(attr) == value)]

    def one(self, selector: str) -> Node:
        found = self.select(selector)
        assert len(found) == 1, f"{selector}: {len(found)} elements"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(response) -> Node:
    builder = _Builder()
    builder.feed(response.get_data(as_text=True))
    builder.close()
    return builder.root
