"""The volunteer's own page (`/v/`) is made of sections the wing's packages register.

Accounts knows none of them: programmes adds shifts, hours and certificates, vetting
the state of the volunteer's vetting, mentoring the mentee section. A section renders
its own template for the logged-in volunteer and returns the HTML (or "" to stay out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from markupsafe import Markup

from volunteers.accounts.models import Volunteer


@dataclass(frozen=True)
class HomeSection:
    name: str
    order: int
    render: Callable[[Volunteer], str]


def register_home_section(app: Flask, section: HomeSection) -> None:
    sections: list[HomeSection] = app.extensions.setdefault("volunteer_home_sections", [])
    sections[:] = [s for s in sections if s.name != section.name] + [section]
    sections.sort(key=lambda s: s.order)


def render_home_sections(app: Flask, volunteer: Volunteer) -> list[Markup]:
    sections: list[HomeSection] = app.extensions.get("volunteer_home_sections", [])
    rendered = (Markup(section.render(volunteer)) for section in sections)  # noqa: S704 - our templates' output
    return [html for html in rendered if html.strip()]
