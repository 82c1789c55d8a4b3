"""Vietnamese numbers and days for the pages: 4.925, 98,7 (%) and 31/07/2020."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from partyblock.core.text import day_text, number_text

register = template.Library()


@register.filter
def so(value):
    """A number the Vietnamese way: dot for thousands, comma for decimals; "—" when missing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return number_text(value)
    if isinstance(value, (float, Decimal)):
        return number_text(value, 1)
    return value


@register.filter
def ngay(value, missing=""):
    """A day as dd/mm/yyyy (`day_text`), `missing` when there is none."""
    return day_text(value, missing)


@register.simple_tag
def cell(value_cell):
    """A report cell: a count links to its drill-down; a percentage carries its unit."""
    if value_cell is None:
        return ""
    shown = so(value_cell.value)
    if value_cell.unit and value_cell.value is not None:
        shown = f"{shown}{value_cell.unit}"
    url = getattr(value_cell, "url", None)
    if url:
        return format_html(
            '<a class="count" href="{}" data-figure="{}" data-value="{}">{}</a>',
            url,
            value_cell.key,
            value_cell.value,
            shown,
        )
    raw = "" if value_cell.value is None else value_cell.value
    return format_html(
        '<span class="value" data-figure="{}" data-value="{}">{}</span>', value_cell.source, raw, shown
    )
