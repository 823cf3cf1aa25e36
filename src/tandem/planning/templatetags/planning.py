"""Planning's template filters."""

from __future__ import annotations

import functools
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from tandem.planning.selectors_capacity import BAR, Bar, Cell, Row
from tandem.planning.wording import describe_hours

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes of work as hours: "37.5 h"; a dash for none known."""
    return "-" if minutes is None else describe_hours(minutes)


# One person's or client's twelve weeks, written in Python: the capacity page shows dozens
# of rows of twelve weeks, and a template node per bar and cell costs more than the plan.
# Every value is escaped (``html.escape``); the markup is the chart (an image with a title
# and a description) and the same numbers in a table.


@register.simple_tag
def capacity_row(row: Row) -> SafeString:
    return mark_safe(_written_row(row))  # noqa: S308 (every value is escaped in it)


# A row is a value (its kind, id, name and weeks): while the kept plan stands, every visit
# shows the same rows, so the last ones written are kept rather than written again.
@functools.lru_cache(maxsize=256)
def _written_row(row: Row) -> str:
    ident = f"cap-{escape(row.kind)}-{int(row.id)}"
    name = escape(row.name)
    over = row.over_booked_weeks
    badge = (
        f' <span class="badge late"><span aria-hidden="true">!</span> {over} '
        f"week{'s' if over != 1 else ''} over-booked</span>"
        if over
        else ""
    )
    return (
        f'<article class="card capacity-row" aria-labelledby="{ident}">\n'
        f'<h3 id="{ident}">{name}{badge}</h3>\n'
        f'<div class="capacity-chart">{_chart(row, ident, name)}</div>\n'
        f"{_numbers(row, name)}\n</article>\n"
    )


def _chart(row: Row, ident: str, name: str) -> str:
    against = " against hours free" if row.kind == "person" else ""
    described = " ".join(_described(cell) for cell in row.cells)
    width, height = row.chart_width, row.chart_height
    bars = "".join(_bar(bar, height) for bar in row.bars)
    return (
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-t">{name}: hours taken on{against}, the next twelve weeks</title>'
        f'<desc id="{ident}-d">{described} The table below has the same numbers.</desc>'
        f"{bars}</svg>"
    )


def _described(cell: Cell) -> str:
    when = f"{cell.starts_on.day} {cell.starts_on:%b}"
    text = f"Week of {when}: {hours(cell.committed_minutes)} taken on"
    if cell.available_minutes is not None:
        text += f" of {hours(cell.available_minutes)} free"
    if cell.tentative_minutes:
        text += f", {hours(cell.tentative_minutes)} tentative"
    if cell.is_over_booked:
        text += ", over-booked"
    return text + "."


def _bar(bar: Bar, height: int) -> str:
    parts = []
    if bar.available_height:
        parts.append(
            f'<rect class="cap-available" x="{bar.x}" y="{bar.available_y}" width="{BAR}" '
            f'height="{bar.available_height}"></rect>'
        )
    if bar.committed_height:
        over = bar.is_over_booked
        kind = "cap-committed-over" if over else "cap-committed"
        fill = ' fill="url(#cap-over)"' if over else ""
        parts.append(
            f'<rect class="{kind}" x="{bar.x}" y="{bar.committed_y}" width="{BAR}" '
            f'height="{bar.committed_height}"{fill}></rect>'
        )
    if bar.tentative_height:
        parts.append(
            f'<rect class="cap-tentative" x="{bar.x}" y="{bar.tentative_y}" width="{BAR}" '
            f'height="{bar.tentative_height}" fill="url(#cap-hatch)"></rect>'
        )
    if bar.is_over_booked:
        parts.append(
            f'<text class="cap-over-mark" x="{bar.label_x}" y="13" text-anchor="middle">!</text>'
        )
    parts.append(
        f'<text class="cap-week" x="{bar.label_x}" y="{height - 3}" text-anchor="middle">'
        f"{escape(bar.label)}</text>"
    )
    return f"<g>{''.join(parts)}</g>"


def _numbers(row: Row, name: str) -> str:
    person = row.kind == "person"
    free_head = '<th scope="col">Free</th>' if person else ""
    body = "".join(_line(cell, person) for cell in row.cells)
    return (
        '<details class="capacity-numbers"><summary>Week by week, in numbers</summary>'
        '<div class="table-scroll"><table>'
        f'<caption class="visually-hidden">{name}: the next twelve weeks</caption>'
        f'<thead><tr><th scope="col">Week of</th>{free_head}<th scope="col">Taken on</th>'
        '<th scope="col">Tentative</th><th scope="col">State</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div></details>"
    )


def _line(cell: Cell, person: bool) -> str:
    free = f"<td>{hours(cell.available_minutes)}</td>" if person else ""
    state = (
        '<strong><span aria-hidden="true">! </span>Over-booked</strong>'
        if cell.is_over_booked
        else "Fits"
    )
    return (
        f'<tr><th scope="row"><a href="{escape(cell.url)}">{cell.starts_on:%a} '
        f"{cell.starts_on.day} {cell.starts_on:%b}</a></th>{free}"
        f"<td>{hours(cell.committed_minutes)}</td><td>{hours(cell.tentative_minutes)}</td>"
        f"<td>{state}</td></tr>"
    )
