"""Behaviours of issue 18 pinned by the recorded interactions they come from.

Each test replays one recording of ``tests/recordings`` (seeded from every recording, as the
replay does) and requires the named interactions to be answered exactly as Notion answered them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reconciler.emulator.conformance.catalog import Catalog
from reconciler.emulator.conformance.recordings import load_folder, load_recording
from reconciler.emulator.conformance.replay import replay

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


@cache
def _catalog() -> Catalog:
    return Catalog.of(load_folder(RECORDINGS))


def verdicts(name: str, indices: list[int]) -> list[tuple[int, str, str]]:
    """(index, verdict, reason) of some interactions of one recording, replayed."""
    path = RECORDINGS / name
    outcomes = replay(load_recording(path, path.as_posix()), _catalog()).outcomes
    return [(i, outcomes[i].verdict, outcomes[i].reason) for i in indices]


def passing(indices: list[int]) -> list[tuple[int, str, str]]:
    """What :func:`verdicts` gives when every one of them passes."""
    return [(i, "pass", "") for i in indices]


def test_deleting_a_database_through_the_block_endpoint_trashes_it_and_patch_restores_it() -> None:
    """DELETE /v1/blocks/{database_id}, PATCH it with in_trash false, DELETE again."""
    indices = [4, 5, 6]
    assert passing(indices) == verdicts(
        "ultimate-notion/test_database/test_create_db.json", indices
    )


def test_an_inline_database_is_deleted_through_the_block_endpoint() -> None:
    """The block answer of a deleted database is a child_database block in the trash."""
    assert passing([5]) == verdicts("ultimate-notion/test_database/test_db_inline.json", [5])


def test_a_paragraph_update_replaces_its_rich_text() -> None:
    """PATCH /v1/blocks/{id} with new rich text and annotations, at 2025-09-03."""
    assert passing([2, 3]) == verdicts("notion-sdk-py/test_blocks_update.json", [2, 3])


def test_updates_of_every_kind_of_text_block() -> None:
    """Paragraph colour, code language and caption, headings, callout, to-do, embed, bookmark,
    equation: each update answers the block as Notion did, and the reads after it agree."""
    indices = list(range(5, 23))
    assert passing(indices) == verdicts(
        "ultimate-notion/test_blocks/test_modify_basic_blocks.json", indices
    )


def test_a_file_renamed_without_an_extension_keeps_its_extension() -> None:
    """robots.txt renamed my_robot reads my_robot.txt."""
    indices = [4, 5, 6]
    assert passing(indices) == verdicts(
        "ultimate-notion/test_blocks/test_modify_file_blocks.json", indices
    )


def test_a_block_inside_a_deleted_block_reads_as_trashed() -> None:
    """The paragraph of a deleted column says in_trash: true."""
    assert passing([9, 13]) == verdicts(
        "ultimate-notion/test_blocks/test_modify_column_blocks.json", [9, 13]
    )


def test_a_copy_of_a_synced_block_shows_the_originals_children() -> None:
    """A synced block made with synced_from has children: the original's."""
    assert passing([47, 48]) == verdicts(
        "ultimate-notion/test_docs_py_snippets/test_page_advanced.json", [47, 48]
    )


def test_an_id_with_a_wrong_variant_is_a_validation_error() -> None:
    """12345678-1234-1234-1234-123456789abc: 400, path failed validation."""
    assert passing([0]) == verdicts(
        "ultimate-notion/test_cli/test_upload_invalid_page_uuid.json", [0]
    )


def test_a_formula_stored_with_a_leading_equals_sign_computes_an_empty_string() -> None:
    """={{notion:block_property:...}}* 2 is read and shown as stored; its value is empty."""
    indices = [0, 1, 2]
    assert passing(indices) == verdicts("ultimate-notion/test_query/test_id_prop.json", indices)
