"""Thin command line, `arusha analytics integrity|validate|generate|demo`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from arusha.analytics.csvformat import CsvFormat, delimiter_option, read_as_text
from arusha.analytics.demo import DEMO_CONFIG, build_demo
from arusha.analytics.errors import AnalyticsError, ValidationFailed
from arusha.analytics.generate import SCENARIOS, GeneratorConfig, truth_path_for, write_dataset
from arusha.analytics.indicators.base import Settings
from arusha.analytics.integrity import NOTICE, ProgressFn, run_integrity, validate, write_outputs
from arusha.analytics.validation import ValidationReport

PROG = "arusha analytics"
EXAMPLES = {
    "generate": "arusha analytics generate --rows 20000 --seed 1 --out declarations.parquet",
    "validate": "arusha analytics validate declarations.parquet",
    "integrity": "arusha analytics integrity declarations.parquet --out results",
    "demo": "arusha analytics demo --out demo --rows 20000",
}
HELP = {
    "integrity": "Compute every integrity indicator; score officers, declarants, pairs, offices.",
    "validate": "Check a declarations file against the canonical schema without analysing it.",
    "generate": "Generate synthetic declarations with planted corruption and a ground-truth file.",
    "demo": "Generate the demo data set, analyse it and write the results for the web app.",
}
MAPPING_HELP = (
    "mapping YAML file for another layout, or a shipped one by name: kcs (Korea Customs Service "
    "synthetic data) or bacuda (WCO BACUDA / DATE synthetic data)"
)


CSV_HELP = {
    "encoding": "text encoding of a CSV file, e.g. utf-8, latin-1, cp1252 (default: detected; "
    "UTF-8, else Windows-1252)",
    "delimiter": "field delimiter of a CSV file: ',' ';' 'tab' or '|' (default: detected)",
    "decimal": "decimal mark of numbers in a CSV file: '.' or ',' (default: detected; a comma "
    "is only detected when the delimiter is not one)",
    "date-order": "order of dates in a CSV file: ymd (2024-02-26), dmy (26/02/2024) or mdy "
    "(02/26/2024) (default: detected; asked for when the file's dates could be read either way)",
    "sheet": "the sheet of an Excel workbook to read, by name (default: the first visible sheet "
    "with the required columns)",
}


def _csv_options(parser: argparse.ArgumentParser) -> None:
    for option, text in CSV_HELP.items():
        parser.add_argument(f"--{option}", help=text)


def _csv_format(args: argparse.Namespace) -> CsvFormat:
    delimiter = delimiter_option(args.delimiter) if args.delimiter else None
    return CsvFormat(
        encoding=args.encoding,
        delimiter=delimiter,
        decimal=args.decimal,
        date_order=args.date_order,
        sheet=args.sheet,
    )


def _epilog(name: str) -> str:
    return f"example:\n  {EXAMPLES[name]}\n\nRun the examples in order in an empty directory."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Integrity analytics on customs declarations: leads for review, not proof.",
        epilog="examples:\n" + "\n".join(f"  {EXAMPLES[n]}" for n in EXAMPLES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an unexpected error, show the engine's own message and the traceback",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in EXAMPLES:
        sub.add_parser(
            name,
            help=HELP[name],
            description=HELP[name],
            epilog=_epilog(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    commands = sub.choices
    integrity = commands["integrity"]
    integrity.add_argument("data", type=Path, help="declarations, CSV, Excel (.xlsx) or Parquet")
    integrity.add_argument("--out", type=Path, required=True, help="directory for the result files")
    integrity.add_argument("--mapping", help=MAPPING_HELP)
    integrity.add_argument(
        "--alpha", type=_rate, default=0.05, help="false discovery rate for flags (default 0.05)"
    )
    integrity.add_argument("--quiet", action="store_true", help="no progress messages")
    _csv_options(integrity)
    check = commands["validate"]
    check.add_argument("data", type=Path, help="declarations, CSV, Excel (.xlsx) or Parquet")
    check.add_argument("--mapping", help=MAPPING_HELP)
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    _csv_options(check)
    generate = commands["generate"]
    generate.add_argument(
        "--rows", type=_at_least(1), required=True, help="number of declaration items (rows)"
    )
    generate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    generate.add_argument(
        "--out", type=_data_file, required=True, help="output file, .parquet or .csv"
    )
    generate.add_argument(
        "--truth", type=Path, help="ground-truth JSON (default: beside the output)"
    )
    generate.add_argument(
        "--quarters", type=_at_least(1), default=4, help="quarters covered (default 4)"
    )
    for option in ("offices", "officers", "declarants", "strong-pairs", "weak-pairs"):
        generate.add_argument(
            f"--{option}",
            type=_at_least(0 if option.endswith("pairs") else 1),
            help=f"number of {option.replace('-', ' ')} (default: scales with rows)",
        )
    generate.add_argument("--clean", action="store_true", help="plant no corruption")
    generate.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="standard",
        help="standard (default), or rotation: officers posted to offices a few weeks at a time, "
        "declarants active only in some months, 14 colluding pairs, 5 downgrading officers",
    )
    demo = commands["demo"]
    demo.add_argument("--out", type=Path, required=True, help="directory for data and results")
    demo.add_argument(
        "--rows",
        type=_at_least(1),
        default=DEMO_CONFIG.rows,
        help=f"rows (default {DEMO_CONFIG.rows:,})",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=DEMO_CONFIG.seed,
        help=f"random seed (default {DEMO_CONFIG.seed})",
    )
    return parser


def _at_least(smallest: int) -> Callable[[str], int]:
    """An argument type: a whole number no smaller than `smallest`."""

    def whole(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if number < smallest:
            raise argparse.ArgumentTypeError(f"{number} is below {smallest}")
        return number

    return whole


def _rate(text: str) -> float:
    """An argument type: a number strictly between 0 and 1."""
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < rate < 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return rate


def _data_file(text: str) -> Path:
    """An argument type: a path ending in .parquet or .csv."""
    path = Path(text)
    if path.suffix.lower() not in (".parquet", ".csv"):
        raise argparse.ArgumentTypeError(f"{text!r} does not end in .parquet or .csv")
    return path


def _progress(quiet: bool) -> ProgressFn:
    start = time.perf_counter()

    def report(message: str, step: int, total: int) -> None:
        if not quiet:
            print(
                f"[{step}/{total}] {message} ({time.perf_counter() - start:.1f} s)",
                file=sys.stderr,
                flush=True,
            )

    return report


def _integrity(args: argparse.Namespace) -> int:
    settings = Settings(alpha=args.alpha)
    result = run_integrity(
        args.data,
        args.mapping,
        _progress(args.quiet),
        settings=settings,
        csv_format=_csv_format(args),
    )
    paths = write_outputs(result, args.out)
    flags = result.indicators.groupby("entity_kind")["flagged"].sum()
    print(
        f"Analysed {result.summary['rows']:,} rows; flagged: "
        + ", ".join(f"{int(v)} {k} indicator(s)" for k, v in flags.items())
    )
    read_as = result.summary.get("read_as")
    if isinstance(read_as, dict) and read_as:
        print(read_as_text(read_as))
    print("Wrote " + ", ".join(str(p) for p in paths))
    print(NOTICE)
    return 0


def _validate(args: argparse.Namespace) -> int:
    report = validate(args.data, args.mapping, csv_format=_csv_format(args))
    print(json.dumps(report.to_dict(), indent=2) if args.json else _report_text(report, args))
    return 0 if report.ok else 2


MAPPING_HINT = (
    "The file lacks columns under Arusha's own names. If it is your administration's own "
    "export, whose columns have other names, give a mapping file that says which column is "
    "which: --mapping FILE (see docs/analytics.md, Mappings)."
)


def _report_text(report: ValidationReport, args: argparse.Namespace) -> str:
    """The report, and a hint when a file read without a mapping lacks required columns."""
    text = report.to_text()
    if report.lacks_required_columns and not getattr(args, "mapping", None):
        text += "\n" + MAPPING_HINT
    return text


def _generate(args: argparse.Namespace) -> int:
    config = GeneratorConfig(
        rows=args.rows,
        seed=args.seed,
        quarters=args.quarters,
        offices=args.offices,
        officers=args.officers,
        declarants=args.declarants,
        strong_pairs=args.strong_pairs,
        weak_pairs=args.weak_pairs,
        clean=args.clean,
        scenario=args.scenario,
    )
    truth_path = args.truth or truth_path_for(args.out)
    truth = write_dataset(config, args.out, truth_path)
    print(
        f"Wrote {args.rows:,} rows to {args.out} and the ground truth "
        f"({len(truth.pairs)} planted pairs) to {truth_path}"
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    config = dataclasses.replace(DEMO_CONFIG, rows=args.rows, seed=args.seed)
    demo = build_demo(args.out, config, _progress(False))
    print(f"Wrote {demo.data_path}, {demo.truth_path} and results in {demo.results_dir}")
    print(json.dumps(demo.result.summary.get("evaluation", {}), indent=2))
    return 0


COMMANDS = {"integrity": _integrity, "validate": _validate, "generate": _generate, "demo": _demo}


def main(argv: list[str] | None = None) -> int:
    """Run one command; data problems give a clear message and exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationFailed as exc:
        print(_report_text(exc.report, args), file=sys.stderr)
        return 2
    except AnalyticsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output directory cannot be written, the disk is full...
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except Exception as exc:
        # A fault of this program that no check caught: the engine's own text holds its query
        # and temporary paths, which mean nothing to an analyst. --debug shows them.
        if args.debug:
            raise
        print(
            f"error: the command stopped on an unexpected error ({type(exc).__name__}). This "
            "is a fault of Arusha, not of your data as far as its checks can tell: run the same "
            "command with --debug and report what it prints.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
