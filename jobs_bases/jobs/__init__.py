"""Jobs: employers and their openings, referrals of people to openings with consent,
outcomes (hired, not hired, left) and retention follow-ups at 3 and 6 months."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.tasks.services import open_task_count
    from core.users import Role
    from core.wings import Count, NavItem, PeriodicJob, PersonPanel, Urgency, registry
    from jobs_bases.jobs import followups, lifecycle, panel, queries, views
    from jobs_bases.lifecycle import follow_person
    from jobs_bases.views_common import STAFF_READERS

    app.register_blueprint(views.bp)
    follow_person(
        ended=lifecycle.on_person_ended,
        transferred=lifecycle.on_person_transferred,
        anonymised=lifecycle.on_person_anonymised,
    )
    wings = registry(app)
    wings.nav.append(NavItem("jobs.index", _l("Jobs"), frozenset(STAFF_READERS), "/jobs", order=42))
    wings.counts += [
        Count(
            _l("Referrals awaiting an answer"),
            frozenset(STAFF_READERS),
            queries.awaiting_outcome,
            "jobs.referrals",
            params=(("status", "referred"),),
        ),
        Count(
            _l("People in referred jobs"),
            frozenset(STAFF_READERS),
            queries.in_work,
            "jobs.referrals",
            urgency=Urgency.FIGURE,
            params=(("status", "hired"),),
        ),
        Count(
            _l("Retention follow-ups due"),
            frozenset({Role.OFFICER}),
            lambda user: open_task_count(user, followups.TASK_KIND),
            "inbox.tasks_page",
            order=40,
            params=(("kind", followups.TASK_KIND),),
        ),
    ]
    wings.jobs.append(
        PeriodicJob(
            "retention-follow-ups",
            lambda config: int(config["JOBS_BASES_INTERVAL_S"]),
            followups.open_follow_up_tasks,
            label=_l("Open job retention follow-ups"),
        )
    )
    wings.person_panels.append(PersonPanel("jobs/person_panel.html", panel.person_panel_context))
