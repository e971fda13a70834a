"""Stable, unique heading anchors and the table of contents built from them."""

from __future__ import annotations

from dataclasses import dataclass

from portal.blocks import HeadingBlock


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    text: str


def heading_anchors(body) -> dict[str, str]:
    """Anchor for each heading block id, made unique by numbering repeats (-2, -3...)."""
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for block in body:
        if block.block_type != "heading":
            continue
        base = HeadingBlock.base_anchor(block.value)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors[block.id] = anchor
    return anchors


def table_of_contents(body, anchors: dict[str, str] | None = None) -> list[TocEntry]:
    anchors = heading_anchors(body) if anchors is None else anchors
    return [
        TocEntry(anchor=anchors[block.id], text=block.value["text"])
        for block in body
        if block.block_type == "heading" and block.value["level"] == "h2"
    ]
