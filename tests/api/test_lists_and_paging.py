"""Lists: `{"data", "next_cursor"}`, next page with `?cursor=` (docs/api.md)."""

from __future__ import annotations

import math
from typing import Any

from flask.testing import FlaskClient

from donations.projects.models import ProjectStatus
from donations.projects.services import set_project_status
from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import MpApi, decline, pay
from tests.donations.factories import KAIPING, make_project
from tests.factories import make_admin


def all_pages(api: MpApi, path: str, token: str | None = None) -> list[list[dict[str, Any]]]:
    """Follow next_cursor to the end, repeating the other query parameters."""
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        sep = "&" if "?" in path else "?"
        url = path if cursor is None else f"{path}{sep}cursor={cursor}"
        body = api.get(url, token=token).expect(200)
        assert set(body) == {"data", "next_cursor"}
        pages.append(body["data"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert isinstance(cursor, str) and cursor
        assert len(pages) < 500, "the cursor never ends"


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_my_donations_come_newest_first_in_pages_of_two(api: MpApi, client: FlaskClient) -> None:
    project = make_project()
    token = api.login()
    made = [
        api.donate(token, {"project_id": project, "amount_fen": 1_000 * (i + 1)}).expect(201)
        for i in range(5)
    ]
    pay(client, made[1], UNIT_WEBHOOK_SECRET)
    decline(client, made[3], UNIT_WEBHOOK_SECRET)
    pages = all_pages(api, "/me/donations?limit=2", token)
    assert [len(page) for page in pages] == [2, 2, 1]
    listed = [d for page in pages for d in page]
    assert [d["id"] for d in listed] == [m["donation"]["id"] for m in reversed(made)]
    assert [d["status"] for d in listed] == [
        "pending",
        "failed",
        "pending",
        "succeeded",
        "pending",
    ]
    assert all("went_to" in d for d in listed)
    assert sum(d["amount_fen"] for d in listed) == 15_000


def test_a_new_gift_does_not_shift_the_pages_being_read(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    made = [
        api.donate(token, {"project_id": project, "amount_fen": 1_000}).expect(201)["donation"][
            "id"
        ]
        for _ in range(4)
    ]
    first = api.get("/me/donations?limit=2", token=token).expect(200)
    api.donate(token, {"project_id": project, "amount_fen": 2_000}).expect(201)
    second = api.get(f"/me/donations?limit=2&cursor={first['next_cursor']}", token=token)
    seen = [d["id"] for d in first["data"] + second.expect(200)["data"]]
    assert seen == list(reversed(made))
    assert second.json["next_cursor"] is None


def test_projects_come_nearest_first_closed_last_with_rounded_distances(api: MpApi) -> None:
    here = KAIPING
    offsets = [0.30, 0.02, 0.11, 0.45, 0.07]  # degrees of longitude east of `here`
    projects = {make_project(lat=here[0], lng=here[1] + d): d for d in offsets}
    nearest = min(projects, key=projects.__getitem__)
    set_project_status(make_admin(), nearest, ProjectStatus.CLOSED)

    pages = all_pages(api, f"/projects?lat={here[0]}&lng={here[1]}&limit=2")
    assert all(len(page) <= 2 for page in pages)
    listed = [p for page in pages for p in page if p["id"] in projects]
    ids = [p["id"] for p in listed]
    assert len(ids) == len(set(ids)) == 5
    active = sorted((p for p in projects if p != nearest), key=projects.__getitem__)
    assert ids == [*active, nearest]
    assert [p["status"] for p in listed] == ["active"] * 4 + ["closed"]
    for project in listed:
        expected = haversine_km(here, (project["lat"], project["lng"]))
        assert project["distance_km"] == round(expected, 1)
        assert math.isclose(project["distance_km"] * 10, round(project["distance_km"] * 10))


def test_radius_keeps_only_nearby_projects(api: MpApi) -> None:
    near = make_project(lat=KAIPING[0], lng=KAIPING[1] + 0.01)
    far = make_project(lat=KAIPING[0] + 1.0, lng=KAIPING[1])
    body = api.get(f"/projects?lat={KAIPING[0]}&lng={KAIPING[1]}&radius_km=20").expect(200)
    ids = {p["id"] for p in body["data"]}
    assert near in ids and far not in ids


def test_projects_without_a_position_have_no_distance(api: MpApi) -> None:
    project = make_project()
    listed = [p for page in all_pages(api, "/projects?limit=1") for p in page]
    mine = [p for p in listed if p["id"] == project]
    assert len(mine) == 1 and mine[0]["distance_km"] is None


def test_draft_projects_are_not_listed(api: MpApi) -> None:
    draft = make_project()
    set_project_status(make_admin(), draft, ProjectStatus.DRAFT)
    listed = [p["id"] for page in all_pages(api, "/projects") for p in page]
    assert draft not in listed


def test_the_impact_feed_is_a_list(api: MpApi) -> None:
    body = api.get("/impact?limit=5").expect(200)
    assert set(body) == {"data", "next_cursor"}
    assert isinstance(body["data"], list)


def test_my_donations_page_costs_the_same_queries_for_3_or_12_gifts(
    api: MpApi, client: FlaskClient, connection
) -> None:
    from sqlalchemy import event

    project = make_project()

    def statements_for(count: int) -> int:
        token = api.login()
        for i in range(count):
            pay(
                client,
                api.donate(token, {"project_id": project, "amount_fen": 500 + i}).expect(201),
                UNIT_WEBHOOK_SECRET,
            )
        seen: list[str] = []

        def count_statement(*args: Any) -> None:
            seen.append(str(args[2]))

        event.listen(connection, "before_cursor_execute", count_statement)
        try:
            body = api.get("/me/donations?limit=20", token=token).expect(200)
        finally:
            event.remove(connection, "before_cursor_execute", count_statement)
        assert len(body["data"]) == count and all(d["went_to"] for d in body["data"])
        return len(seen)

    assert statements_for(3) == statements_for(12)
