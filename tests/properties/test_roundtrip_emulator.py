"""Round trips through the emulator: write a page with notion-client, read it back, compare.

One emulated workspace for the module (users and a `projects` target database seeded with the
ids the strategies name, and one data source holding a property of every writable type), so
hypothesis can write many pages quickly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notion_client import Client

from reconciler.emulator import ROOT_PAGE_ID, Emulator
from reconciler.model import canonical_json
from reconciler.properties import codec_for
from tests.conftest import INTEGRATION, TOKEN, in_process_client
from tests.properties.strategies import (
    REFS,
    TARGET_ROWS,
    TARGET_SOURCE,
    USERS,
    WRITABLE,
    existing_relations,
)

STRATEGIES = {**WRITABLE, "relation": (WRITABLE["relation"][0], existing_relations)}


def _seed() -> dict[str, Any]:
    users = [
        {"id": u.id, "name": u.name, "type": u.type}
        | ({"person": {"email": u.email}} if u.email else {})
        for u in USERS
    ]
    projects = {
        "id": "d8b00736-bcde-457a-930e-c6d6b6205ac2",
        "title": [{"text": {"content": "Projects"}}],
        "data_sources": [
            {"id": TARGET_SOURCE, "properties": {"Name": {"type": "title", "title": {}}}}
        ],
    }
    rows = [
        {
            "id": page_id,
            "parent": {"type": "data_source_id", "data_source_id": TARGET_SOURCE},
            "properties": {"Name": {"title": [{"text": {"content": key}}]}},
        }
        for key, page_id in TARGET_ROWS.items()
    ]
    return {"users": users, "databases": [projects], "pages": rows}


@pytest.fixture(scope="module")
def workspace() -> Iterator[tuple[Client, str]]:
    """(client, data source id of the every-type database) in a seeded emulator."""
    emulator = Emulator(store=":memory:", tokens={TOKEN: INTEGRATION}, rate_limit=None)
    emulator.reset()
    emulator.seed(_seed())
    client = in_process_client(emulator)
    properties = {}
    for type_name, (declaration, _) in STRATEGIES.items():
        codec = codec_for(type_name)
        body = codec.config_to_request(codec.parse_config(declaration), REFS)
        properties[type_name] = {"type": type_name, type_name: body}
    database: Any = client.databases.create(
        parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
        title=[{"text": {"content": "Every type"}}],
        initial_data_source={"properties": properties},
    )
    yield client, database["data_sources"][0]["id"]
    emulator.close()


@pytest.mark.parametrize("type_name", sorted(STRATEGIES))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_value_written_to_the_emulator_reads_back_equal(
    workspace: tuple[Client, str], type_name: str, data: st.DataObject
) -> None:
    """notion-client writes the payload, the emulator normalises, the codec reads it back equal."""
    client, data_source_id = workspace
    codec = codec_for(type_name)
    config = codec.parse_config(STRATEGIES[type_name][0])
    desired = codec.resolve_desired(
        codec.from_manifest(data.draw(STRATEGIES[type_name][1]), config), config, REFS
    )
    properties = {type_name: {type_name: codec.to_request(desired, config, REFS)}}
    page: Any = client.pages.create(
        parent={"data_source_id": data_source_id}, properties=properties
    )
    answered: Any = client.pages.retrieve(page_id=page["id"])
    prop = answered["properties"][type_name]
    live = codec.resolve_live(codec.from_response(prop, config), config, REFS)
    assert canonical_json(desired) == canonical_json(live)
