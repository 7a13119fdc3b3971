"""The report page's own style sheets cut down to what the page uses.

nbconvert's lab template inlines JupyterLab's whole style sheet (about 250 kB: widgets, menus,
editors and a thousand icon variables) in the page's ``<head>``. `pruned_head` keeps the rules
whose class selectors all name classes the page's body has (the lab look of its text, tables
and images) and the custom properties (``--jp-...``) those rules use, directly or through other
properties. Only the ``<style>`` elements of the head are touched: they come from the template,
never from the data (the body's tables carry their own, pandas', and stay as they are).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL | re.IGNORECASE)
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_NOT = re.compile(r":not\([^)]*\)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_DEFINITION = re.compile(r"(--[\w-]+)\s*:([^;}]*)")


class _Classes(HTMLParser):
    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.classes: set[str] = set()
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update(value.split())


def _selector_applies(selector: str, classes: set[str]) -> bool:
    """Whether every class the selector requires is on the page (classes under ``:not()`` are not
    required)."""
    return all(name in classes for name in _CLASS.findall(_NOT.sub("", selector)))


def _rules(css: str, keep_rule, keep_at) -> str:
    import tinycss2

    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            text = keep_rule(rule)
            if text:
                kept.append(text)
        elif rule.type == "at-rule":
            if rule.lower_at_keyword == "media" and rule.content is not None:
                inner = _rules(tinycss2.serialize(rule.content), keep_rule, keep_at)
                if inner:
                    kept.append(f"@media {tinycss2.serialize(rule.prelude).strip()} {{\n{inner}\n}}")
            elif keep_at(rule):
                kept.append(tinycss2.serialize([rule]))
    return "\n".join(kept)


def used_rules(css: str, classes: set[str]) -> str:
    """The rules of `css` whose selectors can match a page with `classes` (selectors that cannot
    are dropped from a rule's list; ``@keyframes`` go, other at-rules stay)."""
    import tinycss2

    def keep(rule) -> str:
        selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
        applying = [s for s in selectors if _selector_applies(s, classes)]
        return f"{', '.join(applying)} {{{tinycss2.serialize(rule.content)}}}" if applying else ""

    return _rules(css, keep, lambda rule: rule.lower_at_keyword != "keyframes")


def used_properties(css: str) -> set[str]:
    """The custom properties the rules of `css` use, with those their values use in turn."""
    definitions: dict[str, list[str]] = {}
    for name, value in _DEFINITION.findall(css):
        definitions.setdefault(name, []).append(value)
    outside_definitions = _DEFINITION.sub("", css)
    used = set(_VAR.findall(outside_definitions))
    todo = list(used)
    while todo:
        for value in definitions.get(todo.pop(), []):
            for name in _VAR.findall(value):
                if name not in used:
                    used.add(name)
                    todo.append(name)
    return used


def without_unused_properties(css: str, used: set[str]) -> str:
    """`css` without the custom property declarations outside `used`."""
    import tinycss2

    def keep(rule) -> str:
        declarations = [
            d
            for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            if d.type == "declaration" and (not d.name.startswith("--") or d.name in used)
        ]
        if not declarations:
            return ""
        body = "; ".join(
            f"{d.name}: {tinycss2.serialize(d.value).strip()}{' !important' if d.important else ''}"
            for d in declarations
        )
        return f"{tinycss2.serialize(rule.prelude).strip()} {{{body}}}"

    return _rules(css, keep, lambda rule: True)


def pruned_head(page: str) -> str:
    """`page` with the style sheets of its ``<head>`` cut down to what its ``<body>`` uses."""
    end = page.lower().find("</head>")
    if end < 0:
        raise ValueError("the report page has no </head>")
    head, body = page[:end], page[end:]
    sheets = tuple(m.group(2) for m in _STYLE.finditer(head))
    pruned = iter(_pruned(sheets, body_classes(body)))

    def replace(match: re.Match) -> str:
        css = next(pruned)
        return f"{match.group(1)}\n{css}\n{match.group(3)}" if css else ""

    return _STYLE.sub(replace, head) + body


#: A start tag's class attribute, as nbconvert writes a page (BeautifulSoup's serialisation:
#: attribute values in double quotes, every ``<`` of a text written ``&lt;``).
_CLASS_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*?\sclass=\"([^\"]*)\"")


def body_classes(body: str) -> frozenset[str]:
    """The classes of the elements of `body`, a page's body as nbconvert writes it: read from its
    tags' ``class="..."`` attributes, as an HTML parser would find them (`_Classes`), at a fraction
    of the time; a body written otherwise (a quote other than ``"``, an entity in a class) is
    parsed."""
    if "class='" in body or re.search(r"class=[^\"]", body) or re.search(r"class=\"[^\"]*&", body):
        return frozenset(_Classes(body).classes)
    return frozenset(name for value in _CLASS_ATTRIBUTE.findall(body) for name in value.split())


@lru_cache(maxsize=16)
def _pruned(sheets: tuple[str, ...], classes: frozenset[str]) -> tuple[str, ...]:
    """The style sheets cut to `classes`: the same for every page of a kind (the template's sheets,
    the classes of its body), so parsed once per process and kind of page."""
    used_sheets = [used_rules(css, set(classes)) for css in sheets]
    used = used_properties("\n".join(used_sheets))
    return tuple(without_unused_properties(css, used) for css in used_sheets)
