"""The pure helpers behind bulk forms and town choices."""

from __future__ import annotations

import pytest

from core.bulk import MAX_ITEMS, parse_ids
from core.towns import TOWNS, km_from_centre, nearest_town


def test_chosen_ids_are_kept_in_order_once_and_anything_else_is_dropped():
    assert parse_ids(["12", " 7", "12", "x", "-3", "١٢", "", "9" * 13, "2147483648", "4"]) == [
        12,
        7,
        4,
    ]  # beyond the database's integer is no id either


def test_more_than_the_limit_is_refused_whole():
    assert len(parse_ids([str(i) for i in range(1, MAX_ITEMS + 1)])) == MAX_ITEMS
    with pytest.raises(ValueError, match="at most"):
        parse_ids([str(i) for i in range(1, MAX_ITEMS + 2)])


@pytest.mark.parametrize("town", TOWNS)
def test_each_town_centre_is_nearest_to_itself(town):
    assert nearest_town(town.lat, town.lng) == town
    assert km_from_centre(town.name, town.lat, town.lng) == 0


def test_a_point_beside_a_town_belongs_to_it_and_its_distance_is_measured():
    assert nearest_town(22.3200, 112.5900).name == "赤坎镇"
    assert 0.5 < km_from_centre("赤坎镇", 22.3200, 112.5900) < 1.0
