"""Place: a point on the map with optional name, address and map-provider ids.

Canonical value: ``None`` or ``{"lat": float, "lon": float}`` plus whichever of ``name``,
``address``, ``aws_place_id`` and ``google_place_id`` are non-empty strings. Manifests write the
same mapping. Registered in ``registry``.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.model import JSON
from reconciler.properties.base import PropertyCodec, References, ValueProblem
from reconciler.properties.checks import (
    check_mapping_keys,
    describe_kind,
    finite_number,
    optional_str,
)

__all__ = ["PLACE_TEXT_KEYS", "PlaceCodec"]

PLACE_TEXT_KEYS = ("name", "address", "aws_place_id", "google_place_id")
_PLACE_KEYS = frozenset({"lat", "lon", *PLACE_TEXT_KEYS})


def _coordinate(value: object, key: str, limit: float) -> float:
    number = float(finite_number(value, f"`{key}`", path=(key,)))
    if not -limit <= number <= limit:
        raise ValueProblem(
            f"`{key}` must lie between -{limit:g} and {limit:g}, not {number}", path=(key,)
        )
    return number


class PlaceCodec(PropertyCodec):
    """place: latitude and longitude in degrees, with optional descriptive keys."""

    type_name = "place"

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise ValueProblem(
                "a place must be a mapping {lat, lon, name?, address?}, "
                f"not {describe_kind(value)}"
            )
        check_mapping_keys(value, "a place", _PLACE_KEYS, required=frozenset({"lat", "lon"}))
        place: dict[str, JSON] = {
            "lat": _coordinate(value["lat"], "lat", 90),
            "lon": _coordinate(value["lon"], "lon", 180),
        }
        for key in PLACE_TEXT_KEYS:
            text = optional_str(value.get(key), f"`{key}`", path=(key,))
            if text:
                place[key] = text
        return place

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return dict(value) if isinstance(value, dict) else None

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        body = prop.get(self.type_name)
        if not isinstance(body, dict):
            return None
        lat, lon = body.get("lat"), body.get("lon")
        if isinstance(lat, bool) or isinstance(lon, bool):
            return None
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            return None
        place: dict[str, JSON] = {"lat": float(lat), "lon": float(lon)}
        for key in PLACE_TEXT_KEYS:
            text = body.get(key)
            if isinstance(text, str) and text:
                place[key] = text
        return place

    def display(self, value: JSON, refs: References | None = None) -> str:
        if not isinstance(value, dict):
            return ""
        label = value.get("name") or value.get("address")
        where = f"{value.get('lat')}, {value.get('lon')}"
        return f"{label} ({where})" if label else where
