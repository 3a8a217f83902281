"""Analyse a declarations file on the server and store the run, as an upload would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from arusha.analytics import AnalyticsError, MappingError, Problem
from arusha.analytics.cli import CSV_HELP
from arusha.analytics.csvformat import CsvFormat, delimiter_option, read_as_text
from arusha.analytics.mapping import parse_mapping, read_mapping_text
from arusha.core import audit
from arusha.core.access import is_code
from arusha.core.models import Organisation, Role, User
from arusha.integrity.models import AnalysisRun, ColumnLayout
from arusha.integrity.storing import analyse_file


class Command(BaseCommand):
    help = (
        "Check and analyse a declarations file (CSV, Excel workbook or Parquet) and store the "
        "run for an administration's integrity officers, like an upload but with no size limit."
        " A file with problems is not analysed: its validation report is printed and the "
        "command fails. A CSV file's encoding, delimiter, decimal mark and date order are "
        "detected unless given (--encoding latin-1 --delimiter ';' --decimal ',' --date-order "
        "dmy). --mapping takes a shipped layout's name or a mapping file of your own (YAML). "
        "Example: arusha manage integrity_import declarations.parquet --organisation SENAE "
        "--mapping kcs --user integrity"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="the declarations file, .csv, .xlsx or .parquet"
        )
        parser.add_argument(
            "--organisation",
            required=True,
            help="the Customs administration: its short name, code or number",
        )
        parser.add_argument(
            "--mapping",
            default="",
            help="the file's layout: a shipped one by name (kcs, bacuda), the path of a mapping "
            "file of your own (YAML, see docs/analytics.md), or the name of a layout the "
            "administration saved in the platform; default: the canonical schema",
        )
        parser.add_argument(
            "--user", help="the integrity officer the run is recorded as uploaded by (username)"
        )
        for option, text in CSV_HELP.items():
            parser.add_argument(f"--{option}", help=text)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organisation = _organisation(options["organisation"])
        user = _officer(options["user"], organisation) if options["user"] else None
        mapping, mapping_text, layout_name = _mapping(options["mapping"], organisation)
        try:
            run = analyse_file(
                path,
                organisation=organisation,
                user=user,
                source_name=path.name,
                mapping=mapping,
                mapping_text=mapping_text,
                layout_name=layout_name,
                csv_format=_csv_format(options),
            )
        except AnalyticsError as exc:
            # The library's own English message: it names the row and column, never the
            # engine's text, a query or a temporary path.
            raise CommandError(f"The file could not be read: {exc}") from None
        except Exception as exc:
            # A fault no check caught: the engine's text (its query, temporary paths) is shown
            # only with Django's --traceback.
            if options.get("traceback"):
                raise
            raise CommandError(
                f"The analysis stopped on an unexpected error ({type(exc).__name__}); nothing "
                "was saved. This is a fault of Arusha: run the command again with --traceback "
                "and report what it prints."
            ) from None
        audit.record(
            user,
            "integrity.run_created",
            run,
            organisation=organisation,
            details={"via": "integrity_import"},
        )
        if not run.is_done:
            self.stderr.write(_report(run))
            raise CommandError(
                "Nothing was analysed: correct the file and import it again "
                f"(failed run {run.code})."
            )
        self.stdout.write(self.style.SUCCESS(_done(run)))


def _mapping(value: str, organisation: Organisation) -> tuple[str, str, str]:
    """A shipped layout's name; or the text of a mapping file, checked before anything runs; or
    the text and name of a layout the administration saved. As (mapping, text, layout name)."""
    if value in AnalysisRun.MappingName.values:
        return value, "", ""
    path = Path(value)
    if not path.is_file():
        saved = ColumnLayout.objects.filter(organisation=organisation, name=value).first()
        if saved is not None:
            return "", saved.text, saved.name
        shipped = ", ".join(m for m in AnalysisRun.MappingName.values if m)
        raise CommandError(
            f"--mapping {value!r} is neither a shipped layout ({shipped}), nor a mapping file, "
            f"nor a layout {organisation.label} saved."
        )
    try:
        text = read_mapping_text(path)
        parse_mapping(text, origin=str(path))
    except MappingError as exc:
        raise CommandError(str(exc)) from None
    return "", text, ""


def _csv_format(options: dict[str, Any]) -> CsvFormat:
    delimiter = options.get("delimiter")
    return CsvFormat(
        encoding=options.get("encoding"),
        delimiter=delimiter_option(delimiter) if delimiter else None,
        decimal=options.get("decimal"),
        date_order=options.get("date_order"),
        sheet=options.get("sheet"),
    )


def _organisation(value: str) -> Organisation:
    """By code, number or short name; only a Customs administration can hold analysis runs."""
    if is_code(value):
        found = Organisation.objects.filter(code=value)
    elif value.isdigit():
        found = Organisation.objects.filter(pk=int(value))
    else:
        found = Organisation.objects.filter(short_name__iexact=value)
    matches = list(found[:2])
    if not matches:
        raise CommandError(
            f"No organisation matches {value!r}: give its short name, code or number."
        )
    if len(matches) > 1:
        raise CommandError(f"More than one organisation matches {value!r}: give its code instead.")
    if matches[0].kind != Organisation.Kind.CUSTOMS:
        raise CommandError(f"{matches[0].label} is not a Customs administration.")
    return matches[0]


def _officer(username: str, organisation: Organisation) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user is called {username!r}.")
    if not user.organisations_with_role(Role.INTEGRITY_OFFICER).filter(pk=organisation.pk).exists():
        raise CommandError(f"{username} is not an integrity officer of {organisation.label}.")
    return user


def _report(run: AnalysisRun) -> str:
    lines = [f"{run.rows:,} rows checked; validation failed with {len(run.problems)} problem(s):"]
    for problem in run.problems:
        described = Problem.from_dict(problem).describe()
        lines.append(f"- [{problem['column'] or '-'}] {described}")
    if run.needs_mapping:
        lines.append(
            "The file lacks columns under Arusha's own names. If it is your administration's "
            "own export, whose columns have other names, give its mapping: --mapping FILE, or "
            "the name of a layout your administration saved."
        )
    return "\n".join(lines)


def _done(run: AnalysisRun) -> str:
    counts = (
        f"{run.rows:,} rows, {run.entities.count():,} scored entities "
        f"({run.entities.filter(flags__gt=0).count():,} with a flag), "
        f"{run.indicators.count():,} indicator values, {run.pair_cells.count():,} tested pair cells"
    )
    read_as = run.summary.get("read_as") or {}
    how = f"\n{read_as_text(read_as)}" if read_as else ""
    return (
        f"Analysed {run.source_name}: {counts}.{how}\n"
        f"Run: {reverse('integrity:run', args=[run.code])}"
    )
