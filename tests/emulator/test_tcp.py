"""The emulator over TCP: every endpoint through notion-client, faults, admin API, concurrency."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from notion_client import APIResponseError

from reconciler.emulator import ROOT_PAGE_ID, Emulator, EmulatorServer
from tests.conftest import tcp_client
from tests.emulator.conftest import create_database, plain, text

CLI = [sys.executable, "-c", "from reconciler.cli import main; main()"]
"""The reconciler command, run as the console script would run it."""


def test_every_endpoint_answers_over_tcp(tcp_notion: Any) -> None:
    """Databases, data sources, pages, property items, blocks, search and users over a socket."""
    database_id, source = create_database(
        tcp_notion, "Tasks", {"Name": {"title": {}}, "Estimate": {"number": {}}}
    )
    tcp_notion.databases.update(database_id=database_id, description=text("Work"))
    assert plain(tcp_notion.databases.retrieve(database_id=database_id)["title"]) == "Tasks"
    tcp_notion.data_sources.update(data_source_id=source, properties={"Due": {"date": {}}})
    assert {"Name", "Estimate", "Due"} == set(
        tcp_notion.data_sources.retrieve(data_source_id=source)["properties"]
    )
    extra = tcp_notion.data_sources.create(
        parent={"database_id": database_id}, properties={"Name": {"title": {}}}
    )
    assert extra["object"] == "data_source"
    row = tcp_notion.pages.create(
        parent={"data_source_id": source},
        properties={"Name": {"title": text("A")}, "Estimate": {"number": 2}},
    )
    tcp_notion.pages.update(page_id=row["id"], properties={"Estimate": {"number": 3}})
    assert tcp_notion.pages.retrieve(page_id=row["id"])["properties"]["Estimate"]["number"] == 3
    item = tcp_notion.pages.properties.retrieve(
        page_id=row["id"], property_id=row["properties"]["Estimate"]["id"]
    )
    assert item["number"] == 3
    assert [row["id"]] == [
        r["id"] for r in tcp_notion.data_sources.query(data_source_id=source)["results"]
    ]
    appended = tcp_notion.blocks.children.append(
        block_id=ROOT_PAGE_ID, children=[{"paragraph": {"rich_text": text("Hi")}}]
    )
    assert (
        appended["results"][0]["id"]
        == tcp_notion.blocks.retrieve(block_id=appended["results"][0]["id"])["id"]
    )
    assert len(tcp_notion.blocks.children.list(block_id=ROOT_PAGE_ID)["results"]) == 2
    assert "Tasks" in [plain(r["title"]) for r in tcp_notion.search(query="Tasks")["results"]]
    me = tcp_notion.users.me()
    assert me == {**tcp_notion.users.retrieve(user_id=me["id"]), "request_id": me["request_id"]}
    assert [me["id"]] == [u["id"] for u in tcp_notion.users.list()["results"]]
    assert tcp_notion.blocks.delete(block_id=row["id"])["in_trash"] is True


def test_property_ids_in_the_path_survive_percent_encoding(tcp_notion: Any) -> None:
    """notion-client sends property ids like %3DSK%3B in the path; the server decodes them once."""
    _, source = create_database(
        tcp_notion, "Tasks", {"Name": {"title": {}}, "Estimate": {"number": {}}}
    )
    row = tcp_notion.pages.create(
        parent={"data_source_id": source}, properties={"Estimate": {"number": 5}}
    )
    for prop in row["properties"].values():
        item = tcp_notion.pages.properties.retrieve(page_id=row["id"], property_id=prop["id"])
        assert item["object"] in ("property_item", "list")


def test_a_dropped_connection_closes_the_socket_without_an_answer(
    emulator: Emulator, tcp_notion: Any
) -> None:
    """Status 0 over TCP: the client sees the connection end, then the next request works."""
    emulator.configure({"faults": [{"path": "/v1/users/me", "status": 0, "times": 1}]})
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        tcp_notion.users.me()
    assert tcp_notion.users.me()["object"] == "user"


def test_errors_keep_notions_shape_over_tcp(tcp_notion: Any) -> None:
    """A 404 over TCP is the same error object with the same message."""
    with pytest.raises(APIResponseError) as refused:
        tcp_notion.pages.retrieve(page_id="7855b161-f63e-4683-b7c7-8ca6e97ee266")
    assert (refused.value.status, refused.value.code) == (404, "object_not_found")


def test_the_admin_api_answers_over_tcp(emulator_server: EmulatorServer) -> None:
    """PUT /_emulator/config and GET /_emulator/stats on the served emulator."""
    with httpx.Client(base_url=emulator_server.url) as admin:
        config = admin.put("/_emulator/config", json={"query_result_cap": 20}).json()
        reset = admin.post("/_emulator/reset").json()
        stats = admin.get("/_emulator/stats").json()
    assert (
        config["query_result_cap"],
        reset["root_page_id"],
        stats["total"],
    ) == (20, ROOT_PAGE_ID, 0)


def test_concurrent_clients_all_get_their_writes(emulator_server: EmulatorServer) -> None:
    """The threaded server and the store serve parallel writers without losing any."""
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            client = tcp_client(emulator_server.url)
            for k in range(5):
                client.pages.create(
                    parent={"page_id": ROOT_PAGE_ID}, properties={"title": text(f"W{n}-{k}")}
                )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client = tcp_client(emulator_server.url)
    found = client.search(query="W", page_size=100)["results"]
    titles = {plain(p["properties"]["title"]["title"]) for p in found} - {"Workspace root"}
    assert (failures, len(titles)) == ([], 30)


def test_the_cli_serves_until_interrupted(tmp_path: Path) -> None:
    """`reconciler emulator serve --port 0` prints its URL, answers, and stops on Ctrl-C."""
    store = tmp_path / "emu.sqlite"
    process = subprocess.Popen(
        [*CLI, "emulator", "serve", "--port", "0", "--rate-limit", "0",
         "--store", str(store), "--token", "secret_cli"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.rsplit(" ", 1)[-1].strip()
        client = tcp_client(url, "secret_cli")
        assert client.users.me()["name"] == "Notion Emulator"
    finally:
        process.send_signal(2)
        out, err = process.communicate(timeout=20)
    assert first.startswith("Notion emulator listening on http://127.0.0.1:")
    assert (process.returncode, err) == (0, "")
    assert "secret_cli" not in first + out
    assert store.exists()


def test_the_cli_refuses_a_non_loopback_host() -> None:
    """Without --allow-remote the emulator stays on this machine."""
    done = subprocess.run(
        [*CLI, "emulator", "serve", "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "refusing to listen on 0.0.0.0" in done.stderr
