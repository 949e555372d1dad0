"""Kaiping's 15 towns: the county's geography, shared by every wing.

Pure data (no Flask, no SQLAlchemy), so the engines may use it too. Coordinates are
approximate town centres (GCJ-02, as Chinese map services give them): bases and
pairing choose a town, never type raw numbers, and distances are between centres.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Town(NamedTuple):
    name: str  # as people write it, e.g. 赤坎镇
    pinyin: str  # used in account names (officer-chikan) and codes
    lat: float
    lng: float


TOWNS: tuple[Town, ...] = (
    Town("三埠街道", "sanbu", 22.3766, 112.6955),
    Town("长沙街道", "changsha", 22.3838, 112.6709),
    Town("月山镇", "yueshan", 22.5437, 112.6397),
    Town("水口镇", "shuikou", 22.4150, 112.7538),
    Town("沙塘镇", "shatang", 22.4525, 112.6189),
    Town("苍城镇", "cangcheng", 22.4930, 112.5683),
    Town("龙胜镇", "longsheng", 22.5236, 112.5152),
    Town("大沙镇", "dasha", 22.5846, 112.4516),
    Town("马冈镇", "magang", 22.4476, 112.4867),
    Town("塘口镇", "tangkou", 22.3669, 112.5660),
    Town("赤坎镇", "chikan", 22.3139, 112.5855),
    Town("百合镇", "baihe", 22.2723, 112.5303),
    Town("蚬冈镇", "xiangang", 22.2279, 112.6070),
    Town("金鸡镇", "jinji", 22.2045, 112.4750),
    Town("赤水镇", "chishui", 22.1720, 112.5350),
)

BY_NAME: dict[str, Town] = {town.name: town for town in TOWNS}
TOWN_NAMES: tuple[str, ...] = tuple(town.name for town in TOWNS)

_EARTH_RADIUS_KM = 6371.0


def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two towns' centres, by name; KeyError if unknown."""
    first, second = BY_NAME[a], BY_NAME[b]
    return _km(first.lat, first.lng, second.lat, second.lng)


def _km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def km_from_centre(town: str, lat: float, lng: float) -> float:
    """How far a point is from a town's centre; KeyError if the town is unknown."""
    centre = BY_NAME[town]
    return _km(centre.lat, centre.lng, lat, lng)


def nearest_town(lat: float, lng: float) -> Town:
    """The town whose centre is closest to a point (a stored place shown as a choice)."""
    return min(TOWNS, key=lambda town: _km(town.lat, town.lng, lat, lng))
