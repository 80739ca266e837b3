"""The funder report pack: one period's tables for a funder or a municipality's council,
with every count of fewer than five people suppressed ("<5") so that no youth can be
recognised — also where a suppressed cell could be worked out by subtraction from a total
or from the other cells of its row or group (secondary suppression)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from common.actor import Actor
from common.i18n import _l
from mentoring import reports

THRESHOLD = 5
HIDDEN = "<5"
RULE = _l("Every figure about fewer than 5 people is shown as “<5”, and so is one more "
          "figure of its row, group or total where the hidden one could otherwise be worked "
          "out by subtraction. Means and shares are shown only for 5 people or more.")
# The pack's tables, in order (the report keys of ``mentoring.reports``).
SECTIONS = ("youths", "pairs", "hours", "mentors", "supervision", "outcomes", "change",
            "responses", "satisfaction")


@dataclass
class Section:
    title: Any
    table: reports.Table


def _small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def suppress(table: reports.Table) -> reports.Table:
    """A copy of ``table`` with small counts hidden, and the cells that would give them
    away. Relations: each count column over the rows (of a group, with the total row), and
    each row's counts when the table has a row total column."""
    out = copy.deepcopy(table)
    rows = [*out.rows, *([out.total] if out.total else [])]
    counts = [i for i, kind in enumerate(out.kinds) if kind == "count"]
    hidden: set[tuple[int, int]] = {(r, c) for r, row in enumerate(rows) for c in counts
                                    if _small(row[c])}
    # Means and shares over fewer than five people say too much about them; so does a share
    # whose part or rest is under five people, and a mean at the scale's end (everyone
    # answered the same).
    if out.people is not None:
        for r, row in enumerate(rows):
            people = row[out.people]
            for c, kind in enumerate(out.kinds):
                value = row[c]
                if kind not in ("number", "share") or value is None or value == "":
                    continue
                if (r, out.people) in hidden or not isinstance(people, int) or people == 0:
                    hidden.add((r, c))
                elif kind == "share":
                    part = round(float(value) * people / 100)
                    if _small(part) or _small(people - part):
                        hidden.add((r, c))
                elif float(value) in (1.0, 5.0):
                    hidden.add((r, c))
    relations: list[list[tuple[int, int]]] = []
    total_index = len(out.rows)
    for c in counts if out.total else ():
        # A column adds up to its total: the total minus the others gives a hidden cell.
        if out.grouped:
            groups: dict[Any, list[int]] = {}
            for r, row in enumerate(out.rows):
                groups.setdefault(row[0], []).append(r)
            for members in groups.values():
                relations.append([*((r, c) for r in members), (total_index, c)])
        else:
            relations.append([*((r, c) for r in range(len(out.rows))), (total_index, c)])
    if out.row_total is not None:
        for r in range(len(rows)):
            relations.append([(r, c) for c in counts if c <= out.row_total])
    changed = True
    while changed:
        changed = False
        for cells in relations:
            if len(cells) < 2 or sum(cell in hidden for cell in cells) != 1:
                continue
            # One hidden cell in a relation is given away by the others: hide the smallest
            # other figure too.
            shown = [cell for cell in cells if cell not in hidden
                     and isinstance(rows[cell[0]][cell[1]], int)
                     and rows[cell[0]][cell[1]] > 0]
            if shown:
                hidden.add(min(shown, key=lambda cell: rows[cell[0]][cell[1]]))
                changed = True
    for r, c in hidden:
        rows[r][c] = HIDDEN
    return out


def build(db: Session, actor: Actor, filters: reports.Filters) -> list[Section]:
    """The pack's sections the actor may see, each suppressed."""
    available = {r.key: r for r in reports.available(actor)}
    return [Section(available[key].title,
                    suppress(available[key].build(db, actor, filters)))
            for key in SECTIONS if key in available]
