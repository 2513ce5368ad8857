"""Which test exercises each option and argument of each command with click's runner.

Keys are (command path, click parameter name) exactly as ``reconciler.cli.cli`` defines them;
``test_contract_matrix.py`` fails when a command gains a parameter missing here (or loses one
still listed), and checks that every named test exists, runs the CLI through ``CliRunner`` and
spells the option (or, for an argument, the command) in its body. Where a good test already
existed it is named here rather than written twice. ``--debug`` and ``--help`` of every command
are exercised by the matrix's own parametrised tests.
"""

from __future__ import annotations

from typing import Final

from tests.cli.matrix_support import CommandPath

__all__ = ["OPTION_TESTS"]

_M: Final = "tests/cli/test_contract_matrix.py::"
_APPLY: Final = "tests/cli/test_apply.py::"
_PLAN: Final = "tests/cli/test_plan_show.py::"
_IED: Final = "tests/cli/test_import_export_doctor.py::"
_PAGES: Final = "tests/cli/test_export_pages.py::"
_VALIDATE: Final = "tests/manifest/test_validate_cli.py::"
_DEBUG: Final = _M + "test_debug_shows_the_traceback_then_the_same_message"
_SERVE: Final = "tests/serve/test_cli.py::"
_SERVED: Final = (
    _SERVE + "test_serve_converges_the_local_workspace_and_stops_on_sigterm_with_exit_0"
)
_LEASED: Final = _SERVE + "test_serve_with_a_lock_url_leads_through_the_lease"
_SEEDING: Final = "tests/cli/test_emulator_serve_seeding.py::"
_PULL: Final = "tests/adopt/test_pull_checkout.py::"

_EVERY_COMMAND: Final[tuple[CommandPath, ...]] = (
    ("validate",), ("plan",), ("show",), ("apply",), ("import",), ("export",), ("doctor",),
    ("emulator", "serve"), ("serve",), ("pull",),
)  # fmt: skip
"""Every command: each has --log-format and --quiet (``cli.common.with_shared_options``)."""

OPTION_TESTS: Final[dict[tuple[CommandPath, str], tuple[str, ...]]] = {
    ((), "version"): (_M + "test_version_prints_the_program_and_its_version",),
    ((), "debug"): (_M + "test_debug_before_the_command_shows_the_traceback",),
    # validate
    (("validate",), "paths"): (
        _VALIDATE + "test_validate_passes_on_the_example_with_one_line_per_database",
    ),
    (("validate",), "debug"): (_DEBUG,),
    # plan
    (("plan",), "paths"): (
        _IED + "test_exported_csv_reads_back_as_the_same_rows_through_rows_from",
    ),
    (("plan",), "out"): (_PLAN + "test_a_saved_plan_shows_as_it_was_planned",),
    (("plan",), "fmt"): (
        _PLAN + "test_json_output_is_pure_json_with_masked_values_and_the_read",
        _PLAN + "test_markdown_output_starts_with_the_sticky_marker",
    ),
    (("plan",), "detailed_exitcode"): (
        _PLAN + "test_detailed_exitcode_is_two_when_there_are_changes",
        _PLAN + "test_after_apply_the_plan_is_empty_and_an_edit_is_exactly_one_update",
    ),
    (("plan",), "databases"): (_PLAN + "test_database_limits_the_plan_and_says_what_was_left_out",),
    (("plan",), "local"): (_M + "test_plan_local_store_is_the_workspace_it_reads",),
    (("plan",), "local_store"): (_M + "test_plan_local_store_is_the_workspace_it_reads",),
    (("plan",), "debug"): (_DEBUG,),
    # show
    (("show",), "plan_file"): (_PLAN + "test_a_saved_plan_shows_as_it_was_planned",),
    (("show",), "fmt"): (
        _M + "test_show_format_json_is_the_document_plan_printed",
        _M + "test_show_format_markdown_is_the_comment_plan_printed",
    ),
    (("show",), "debug"): (_DEBUG,),
    # apply
    (("apply",), "paths"): (
        _APPLY + "test_the_plans_checksum_approves_it",
        _M + "test_apply_of_a_manifest_path_applies_only_its_databases",
    ),
    (("apply",), "allow_destroy"): (_APPLY + "test_allow_destroy_applies_the_trash",),
    (("apply",), "approved"): (
        _APPLY + "test_the_plans_checksum_approves_it",
        _APPLY + "test_the_approval_may_come_from_the_environment",
    ),
    (("apply",), "force_thresholds"): (_APPLY + "test_force_thresholds_applies_a_mass_trash",),
    (("apply",), "yes"): (
        _APPLY + "test_a_trash_without_approval_is_blocked",
        _M + "test_apply_y_is_short_for_yes",
    ),
    (("apply",), "databases"): (_APPLY + "test_database_limits_the_apply_to_that_database",),
    (("apply",), "journal"): (_M + "test_apply_keeps_its_journal_and_audit_log_where_told",),
    (("apply",), "audit_log"): (_M + "test_apply_keeps_its_journal_and_audit_log_where_told",),
    (("apply",), "workers"): (_M + "test_apply_with_one_worker_applies_every_change",),
    (("apply",), "lock_wait"): (_APPLY + "test_a_held_lock_refuses_a_second_apply",),
    (("apply",), "local"): (_M + "test_apply_local_store_is_the_workspace_it_writes",),
    (("apply",), "local_store"): (_M + "test_apply_local_store_is_the_workspace_it_writes",),
    (("apply",), "debug"): (_DEBUG,),
    # import
    (("import",), "database_ids"): (
        _IED + "test_import_accepts_a_data_source_id_and_a_notion_url",
    ),
    (("import",), "output"): (_IED + "test_import_writes_into_the_folder_given_with_output",),
    (("import",), "force"): (_IED + "test_import_with_force_replaces_existing_manifests",),
    (("import",), "key"): (
        "tests/cli/test_import_hardening.py::test_key_makes_the_chosen_property_the_key",
        (
            "tests/cli/test_import_hardening.py::"
            "test_a_key_that_cannot_tell_rows_apart_is_refused_and_nothing_is_written"
        ),
    ),
    (("import",), "bodies"): (
        _PAGES + "test_import_with_bodies_writes_body_files_and_plans_empty",
        _PAGES + "test_import_without_bodies_reads_no_page_content",
    ),
    (("import",), "local"): (_IED + "test_import_reads_the_workspace_file_given_with_local_store",),
    (("import",), "local_store"): (
        _IED + "test_import_reads_the_workspace_file_given_with_local_store",
    ),
    (("import",), "debug"): (
        _IED + "test_import_with_debug_shows_the_traceback_then_the_message",
        _DEBUG,
    ),
    # export
    (("export",), "paths"): (_IED + "test_export_to_stdout_writes_one_database",),
    (("export",), "fmt"): (
        _IED + "test_export_as_json_writes_the_same_rows",
        _IED + "test_export_as_csv_has_a_header_and_joins_lists_with_semicolons",
        _PAGES + "test_markdown_pages_hold_properties_as_front_matter_and_the_body",
        _PAGES + "test_html_pages_escape_everything_from_notion",
    ),
    (("export",), "output"): (
        _IED + "test_export_to_stdout_writes_one_database",
        _IED + "test_export_as_csv_has_a_header_and_joins_lists_with_semicolons",
    ),
    (("export",), "databases"): (_IED + "test_export_of_one_related_database_to_stdout",),
    (("export",), "local"): (_IED + "test_export_writes_yaml_rows_in_manifest_form_by_default",),
    (("export",), "local_store"): (
        _IED + "test_export_reads_the_workspace_file_given_with_local_store",
    ),
    (("export",), "debug"): (_DEBUG,),
    # pull
    (("pull",), "paths"): (_PULL + "test_a_path_limits_the_pull_to_its_manifests",),
    (("pull",), "databases"): (_PULL + "test_database_limits_the_pull_to_that_database",),
    (("pull",), "adopt_rows"): (_PULL + "test_adopt_rows_adds_rows_created_in_notion",),
    (("pull",), "schema"): (
        (
            "tests/adopt/test_pull_schema.py::"
            "test_schema_declares_a_property_added_in_notion_with_its_values"
        ),
    ),
    (("pull",), "dry_run"): (_PULL + "test_dry_run_shows_the_diff_and_writes_nothing",),
    (("pull",), "detailed_exitcode"): (
        _PULL + "test_dry_run_shows_the_diff_and_writes_nothing",
        _PULL + "test_detailed_exitcode_is_zero_when_nothing_changes",
    ),
    (("pull",), "force"): (
        _PULL + "test_force_edits_a_file_with_uncommitted_changes_and_keeps_them",
    ),
    (("pull",), "summary"): (
        "tests/adopt/test_pull_summary.py::test_the_summary_is_the_pull_request_body",
    ),
    (("pull",), "local"): (_PULL + "test_local_store_is_the_workspace_pull_reads",),
    (("pull",), "local_store"): (_PULL + "test_local_store_is_the_workspace_pull_reads",),
    (("pull",), "debug"): (_DEBUG,),
    # doctor
    (("doctor",), "paths"): (
        _IED + "test_doctor_checks_only_the_databases_of_the_manifests_given",
    ),
    (("doctor",), "local"): (_IED + "test_doctor_passes_on_a_healthy_local_workspace",),
    (("doctor",), "local_store"): (
        _IED + "test_doctor_uses_the_workspace_file_given_with_local_store",
    ),
    (("doctor",), "debug"): (
        _M + "test_doctor_with_debug_shows_debug_logs",
        _M + "test_doctor_with_debug_shows_the_error_behind_a_failed_check",
    ),
    # emulator
    (("emulator",), "debug"): (_M + "test_emulator_group_accepts_debug_before_serve",),
    (("emulator", "serve"), "host"): (
        _M + "test_serve_listens_where_told_and_accepts_only_its_token",
        _M + "test_serve_allow_remote_lets_a_non_loopback_host_through",
    ),
    (("emulator", "serve"), "port"): (
        _M + "test_serve_listens_where_told_and_accepts_only_its_token",
    ),
    (("emulator", "serve"), "token"): (
        _M + "test_serve_listens_where_told_and_accepts_only_its_token",
    ),
    (("emulator", "serve"), "store"): (_M + "test_serve_keeps_the_workspace_in_the_store_file",),
    (("emulator", "serve"), "rate_limit"): (
        _M + "test_serve_hands_the_rate_limit_to_the_emulator",
    ),
    (("emulator", "serve"), "example_people"): (
        _SEEDING + "test_the_example_manifests_apply_to_an_emulator_served_with_the_example_people",
    ),
    (("emulator", "serve"), "seed_file"): (
        _SEEDING + "test_a_seed_file_installs_its_users_before_clients_connect",
        _SEEDING + "test_a_seed_file_the_emulator_cannot_install_is_refused_clearly",
    ),
    (("emulator", "serve"), "allow_remote"): (
        _M + "test_serve_allow_remote_lets_a_non_loopback_host_through",
    ),
    (("emulator", "serve"), "debug"): (_DEBUG,),
    # serve
    (("serve",), "paths"): (_SERVED,),
    (("serve",), "listen"): (_SERVE + "test_a_listen_address_that_is_not_host_port_is_refused",),
    (("serve",), "interval"): (_SERVED,),
    (("serve",), "full_every"): (_SERVED,),
    (("serve",), "auto_apply"): (_SERVED,),
    (("serve",), "lock_url"): (_LEASED,),
    (("serve",), "lease_seconds"): (_LEASED,),
    (("serve",), "state_dir"): (_SERVED,),
    (("serve",), "shutdown_grace"): (_SERVED,),
    (("serve",), "local"): (_SERVED,),
    (("serve",), "local_store"): (_SERVED,),
    (("serve",), "debug"): (_DEBUG,),
    **{
        (path, "log_format"): (
            _M + "test_log_format_json_makes_every_note_a_json_event",
            _M + "test_log_format_is_text_by_default_in_ci_too",
        )
        for path in _EVERY_COMMAND
    },
    **{
        (path, "quiet"): (_M + "test_quiet_leaves_only_results_and_errors",)
        for path in _EVERY_COMMAND
    },
}
"""(command path, parameter name) → tests that exercise it with click's runner."""
