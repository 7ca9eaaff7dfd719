"""Reading the HTML charts (components/htmlcharts.py) in a callback's answer: Dash's JSON of them."""

from __future__ import annotations

from collections.abc import Iterator


def _nodes(tree: object) -> Iterator[dict]:
    if isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        yield from _nodes(tree["props"].get("children"))


def with_class(tree: object, name: str) -> list[dict]:
    """The props of every component in ``tree`` whose className has ``name``."""
    return [node["props"] for node in _nodes(tree) if name in (node["props"].get("className") or "").split()]


def text(tree: object) -> str:
    """Every string ``tree`` draws, in order, joined by nothing (as a browser would show them)."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return "".join(text(item) for item in tree)
    if isinstance(tree, dict):  # a component, or the props of one (as ``with_class`` gives them)
        return text(tree.get("props", tree).get("children"))
    return ""
