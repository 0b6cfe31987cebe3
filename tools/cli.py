"""Project commands: ``python -m tools <command> --help``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from skill.config import Settings
from skill.envelope import InvalidRequest
from skill.logs import logger
from skill.phrases import default_locale, supported_locales
from skill.store import StoreError, default_store
from tools.devices import devices
from tools.envelopes import LOCAL_SKILL_ID, Handler

if TYPE_CHECKING:
    from tools.simulator import Simulator

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "tests" / "data" / "eval"
FIGURES = ROOT / "docs" / "figures" / "evaluation.json"


def _lambda_handler(args: argparse.Namespace) -> Handler:
    """The real Lambda handler, with the skill's JSON logs sent to stderr at --log-level."""
    from tools.lambda_entry import load_lambda_handler

    handler = load_lambda_handler()
    logger.stream = sys.stderr
    logger.set_level(args.log_level)
    return handler


def _simulator(args: argparse.Namespace) -> Simulator:
    """The simulator on the chosen device, which reports what the chosen manifest declares."""
    import json

    from tools.devices import declared_interfaces, device
    from tools.simulator import Simulator

    on = device(args.device) if args.device else None
    interfaces = None
    if args.manifest is not None:
        interfaces = declared_interfaces(json.loads(args.manifest.read_text(encoding="utf-8")))
    handler = _lambda_handler(args)
    return Simulator(handler, args.locale, args.skill_id, screen=args.screen, on=on, interfaces=interfaces)


def _print_lines(lines: Iterable[str]) -> None:
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    sys.stdout.flush()


def _ask(args: argparse.Namespace) -> int:
    if args.name_free:
        from tools.name_free import ask_name_free, describe_name_free

        _print_lines(describe_name_free(ask_name_free(_simulator(args), args.utterance), args.json))
        return 0
    from tools.simulator import describe_exchange

    _print_lines(describe_exchange(_simulator(args).one_shot(args.utterance), args.json))
    return 0


def _converse(args: argparse.Namespace, lines: Iterable[str], restart: bool) -> int:
    """Play utterances in one session; ``restart`` opens a new one when the skill ends it."""
    from tools.simulator import describe_exchange, read_utterances

    simulator = _simulator(args)
    for utterance in read_utterances(lines):
        exchange = simulator.say(utterance)
        _print_lines([*describe_exchange(exchange, args.json), ""])
        if exchange.session_ended and not restart:
            break
    return 0


def _typed_lines() -> Iterator[str]:
    """Lines from a person at a terminal (with a prompt) or from a pipe."""
    if not sys.stdin.isatty():
        yield from sys.stdin
        return
    print('Say something to the skill ("open trigger point guide", a question, help, stop).')
    while True:
        try:
            yield input("you> ")
        except (EOFError, KeyboardInterrupt):
            return


def _chat(args: argparse.Namespace) -> int:
    return _converse(args, _typed_lines(), restart=False)


def _demo(args: argparse.Namespace) -> int:
    from tools.conversations import CONVERSATIONS_DIR, load_conversation

    demo = load_conversation(CONVERSATIONS_DIR / "demo.json")
    return _converse(args, [turn.say for turn in demo.turns if turn.say], restart=True)


def _coverage(args: argparse.Namespace) -> int:
    if args.cv:
        from tools.training import cross_validation_report

        _print_lines(cross_validation_report(args.locale))
        return 0
    if args.file is None:
        raise ValueError("give a file of utterance<TAB>intent pairs, or --cv")
    from tools.simulator import coverage_report, measure_coverage, read_coverage_file

    pairs = read_coverage_file(args.file)
    if args.name_free:
        from tools.name_free import measure_name_free, name_free_report

        _print_lines(name_free_report(measure_name_free(_simulator(args), pairs)))
        return 0
    intent_of = {entry.id: entry.intent_name for entry in default_store().entries}
    rows = measure_coverage(_lambda_handler(args), pairs, args.locale, args.skill_id, intent_of)
    _print_lines(coverage_report(rows))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    import json

    from tools.evaluate import (
        answer_intents,
        catch_all_path,
        classifier_path,
        eval_sets,
        evaluate,
        figures_document,
        misses_report,
        report,
        simulator_path,
    )

    store = default_store()
    handler = _lambda_handler(args)
    paths = {
        "catch-all": catch_all_path(handler, args.locale),
        "simulator": simulator_path(handler, args.locale),
        "classifier": classifier_path(store, args.locale),
    }
    results = evaluate(eval_sets(args.sets), paths, answer_intents(store))
    _print_lines(report(results))
    _print_lines(misses_report(results, set(args.misses)))
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        document = figures_document(results, args.locale)
        args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def _model(args: argparse.Namespace) -> int:
    """The interaction models, then the classifiers trained on them (the simulator's, the catch-all's)."""
    from tools.model import drifted_models, write_models
    from tools.question_model import QUESTION_MODEL, question_model_drifted, write_question_model
    from tools.training import drifted_classifiers, write_classifiers

    store = default_store()
    locales = list(supported_locales())
    if args.check:
        drifted = drifted_models(store)
        drifted += [] if drifted else drifted_classifiers(locales)
        drifted += [QUESTION_MODEL] if question_model_drifted(store) else []
        for path in drifted:
            print(f"{path}: out of date; run: python -m tools model", file=sys.stderr)
        return 1 if drifted else 0
    for path in [*write_models(store), *write_classifiers(locales), write_question_model(store)]:
        print(f"wrote {path}")
    return 0


def _events(args: argparse.Namespace) -> int:
    from tools.events import EVENTS_DIR, drifted_events, write_events

    if args.check:
        drifted = drifted_events(default_store())
        for name in drifted:
            print(f"{EVENTS_DIR / name}: out of date; run: python -m tools events", file=sys.stderr)
        return 1 if drifted else 0
    print(f"wrote {len(write_events(default_store()))} files to {EVENTS_DIR}")
    return 0


def _package(args: argparse.Namespace) -> int:
    from tools.package import drifted_icons, manifest_drifted, manifest_path, write_package

    if args.check:
        drifted = ([manifest_path()] if manifest_drifted() else []) + drifted_icons()
        for path in drifted:
            print(f"{path}: out of date; run: python -m tools package", file=sys.stderr)
        return 1 if drifted else 0
    for path in write_package(name_free=args.name_free):
        print(f"wrote {path}")
    return 0


def _alexa_files(args: argparse.Namespace) -> int:
    from tools.alexa_files import write_files
    from tools.deploy import skill_id

    chosen = args.skill_id or skill_id(args.profile)
    if chosen is None:
        print("error: no skill id: run `make deploy` first, or pass --skill-id", file=sys.stderr)
        return 2
    written = write_files(default_store(), chosen, args.out)
    print(f"wrote {len(written)} files to {args.out} (docs/deploy.md: ask dialog --replay, NLU evaluation)")
    return 0


def _deploy(args: argparse.Namespace) -> int:
    from tools.deploy import main

    return main(args.profile, args.https_endpoint, args.ssl_certificate_type)


def _lint(args: argparse.Namespace) -> int:
    from tools.interfaces import SKILL_DIR
    from tools.lint import lint_files, suggested_phrases
    from tools.model import MODEL_DIR
    from tools.package import manifest_path

    models = args.models or sorted(MODEL_DIR.glob("*.json"))
    manifest = None if args.no_manifest else manifest_path()
    findings = lint_files(
        models,
        manifest,
        code_dir=SKILL_DIR,
        release=args.release,
        schema=not args.no_schema,
        suggestions=suggested_phrases(),
    )
    for finding in findings:
        print(finding)
    print(
        f"{len(findings)} findings in {len(models)} models" + ("" if manifest is None else " and skill.json")
    )
    return 1 if findings else 0


def _unanswered(args: argparse.Namespace) -> int:
    from tools.unanswered import render, summarize

    def lines() -> Iterable[str]:
        for path in args.logs:
            if str(path) == "-":
                yield from sys.stdin
            else:
                with path.open(encoding="utf-8", errors="replace") as handle:
                    yield from handle

    _print_lines(render(summarize(lines())))
    return 0


def _serve(args: argparse.Namespace) -> int:
    """The development server (production: gunicorn, see `make serve`)."""
    from dataclasses import replace

    from web.app import check_startup, create_app
    from web.settings import web_settings_from_environment

    settings = replace(web_settings_from_environment(), log_level=args.log_level)
    if args.insecure_no_verify:
        settings = replace(settings, verify=False)
    check_startup(settings, args.host)
    create_app(settings).run(host=args.host, port=args.port, debug=False, use_reloader=False)
    return 0


def _preview(args: argparse.Namespace) -> int:
    from tools.preview import render, screen_for, validate, write_fit_figure

    problems = 0
    shown_all = []
    store = default_store()
    names = (
        [entry.id for entry in store.entries] + ["launch", "help"] if args.screen == "all" else [args.screen]
    )
    for name in names:
        screen = screen_for(store, name)
        findings = validate(screen)
        for finding in findings:
            print(
                f"apl-suggester {finding.get('level')}: {finding.get('path')}: {finding.get('errorMessage')}"
            )
        for shown in render(screen, args.out, name):
            shown_all.append(shown)
            print(f"wrote {shown.png} ({shown.device}, rendered: {shown.rendered}, {len(shown.texts)} texts)")
            for line in shown.crossing:
                print(f"  crosses the visible edge at {line['box']}: {line['text']!r}")
            for text in shown.unreachable:
                print(f"  never shown whole at any scroll position: {text!r}")
            problems += len(shown.crossing) + len(shown.unreachable) + (shown.rendered != "yes")
        problems += len(findings)
    if args.screen == "all":
        print(f"wrote {write_fit_figure(shown_all, len(names))}")
    return 1 if problems else 0


def _safety_report(args: argparse.Namespace) -> int:
    from tools.safety_report import write

    print(f"wrote {write()}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    print(f"answer store OK: {len(default_store().entries)} entries")
    return 0


def _add_device_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--locale",
        default=default_locale(),
        choices=supported_locales(),
        help="the model and locale to use (default: %(default)s)",
    )
    parser.add_argument(
        "--skill-id",
        default=Settings.from_environment().skill_id or LOCAL_SKILL_ID,
        help="application id sent in requests (default: $SKILL_ID, else a local id)",
    )
    parser.add_argument("--json", action="store_true", help="print the raw request and response envelopes")
    parser.add_argument(
        "--screen", action="store_true", help="a device with a screen (APL): --device echo-show-8"
    )
    parser.add_argument(
        "--device", choices=sorted(devices()), help="the device profile (tools/data/devices.json)"
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        help="the skill.json whose interfaces the device sees (default: skill-package/skill.json)",
    )
    parser.add_argument(
        "--log-level", default="WARNING", help="the skill's JSON logs, on stderr (default: %(default)s)"
    )


def _name_free(args: argparse.Namespace) -> int:
    import json

    from tools.figures import FIGURES_DIR, render_figure, write_page
    from tools.name_free import name_free_figures

    figures = name_free_figures(_simulator(args), args.eval_dir)
    if args.write:
        FIGURES_DIR.mkdir(parents=True, exist_ok=True)
        (FIGURES_DIR / "name-free.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {FIGURES_DIR / 'name-free.json'} and {write_page()}")
    _print_lines(render_figure(figures, "name-free"))
    return 0


def _mutation_report(args: argparse.Namespace) -> int:
    from tools.figures import write_page
    from tools.mutation_report import write_report

    print(f"wrote {write_report(args.root)} and {write_page()}")
    return 0


def _figures(args: argparse.Namespace) -> int:
    from tools.figures import write_page

    print(f"wrote {write_page()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="one utterance, one answer (a new session)")
    ask.add_argument("utterance", help='e.g. "what causes upper back trigger points"')
    ask.add_argument(
        "--name-free",
        action="store_true",
        help="said without the invocation name: a CanFulfillIntentRequest first, then (YES/MAYBE) the intent",
    )
    _add_device_options(ask)
    ask.set_defaults(run=_ask)

    chat = commands.add_parser("chat", help="an interactive session; reads piped input too")
    _add_device_options(chat)
    chat.set_defaults(run=_chat)

    demo = commands.add_parser("demo", help="a scripted conversation through the simulator")
    _add_device_options(demo)
    demo.set_defaults(run=_demo)

    coverage = commands.add_parser(
        "coverage", help="how a file of utterance<TAB>intent pairs resolves, or --cv over the samples"
    )
    coverage.add_argument("file", type=Path, nargs="?")
    coverage.add_argument(
        "--name-free", action="store_true", help="the name-free path: CanFulfillIntentRequest verdicts"
    )
    coverage.add_argument(
        "--cv",
        action="store_true",
        help="cross-validate the simulator's classifier over the model's samples: accuracy, "
        "most confused intent pairs, samples given to another intent",
    )
    _add_device_options(coverage)
    coverage.set_defaults(run=_coverage)

    evaluate = commands.add_parser(
        "evaluate", help="every evaluation set on every path (catch-all, simulator, classifier)"
    )
    evaluate.add_argument("--sets", type=Path, default=EVAL_DIR, help="folder of *.tsv sets")
    evaluate.add_argument("--out", type=Path, default=FIGURES, help="the JSON figures (default: %(default)s)")
    evaluate.add_argument(
        "--misses",
        nargs="*",
        default=[],
        metavar="SET",
        help="list each miss of these sets (e.g. natural_dev)",
    )
    _add_device_options(evaluate)
    evaluate.set_defaults(run=_evaluate)

    model = commands.add_parser("model", help="generate interaction_model/*.json from the store")
    model.add_argument("--check", action="store_true", help="only report files that drifted")
    model.set_defaults(run=_model)

    events = commands.add_parser("events", help="generate events/*.json for sam local invoke")
    events.add_argument("--check", action="store_true", help="only report files that drifted")
    events.set_defaults(run=_events)

    package = commands.add_parser("package", help="write skill-package/ for the ASK CLI (ask deploy)")
    package.add_argument("--check", action="store_true", help="only report whether skill.json drifted")
    package.add_argument(
        "--name-free",
        action="store_true",
        help="add name-free ingress points to the package's models (published skills only)",
    )
    package.set_defaults(run=_package)

    deploy = commands.add_parser(
        "deploy", help="ask deploy, sam build/deploy, then ask deploy with the endpoint (docs/deploy.md)"
    )
    deploy.add_argument(
        "--profile",
        default=os.environ.get("ASK_DEFAULT_PROFILE", "default"),
        help="the ASK CLI profile (default: $ASK_DEFAULT_PROFILE, else %(default)s)",
    )
    deploy.add_argument(
        "--https-endpoint", metavar="URL", help="self-hosted: this https:// address instead of a SAM stack"
    )
    deploy.add_argument(
        "--ssl-certificate-type",
        help="with --https-endpoint: Trusted, Wildcard or SelfSigned (its certificate)",
    )
    deploy.set_defaults(run=_deploy)

    alexa_files = commands.add_parser(
        "alexa-files", help="ask dialog replay files and an NLU annotation set for the deployed skill"
    )
    alexa_files.add_argument("--skill-id", help="default: the one .ask/ask-states.json recorded")
    alexa_files.add_argument("--profile", default=os.environ.get("ASK_DEFAULT_PROFILE", "default"))
    alexa_files.add_argument("--out", type=Path, default=Path("build/alexa"), help="default: %(default)s")
    alexa_files.set_defaults(run=_alexa_files)

    lint = commands.add_parser("lint", help="check interaction models and skill.json against Alexa's rules")
    lint.add_argument("models", nargs="*", type=Path, help="model files (default: interaction_model/*.json)")
    lint.add_argument(
        "--no-manifest", action="store_true", help="skip skill.json (example phrases, interfaces)"
    )
    lint.add_argument(
        "--release", action="store_true", help="also refuse placeholders a deployer must replace"
    )
    lint.add_argument(
        "--no-schema", action="store_true", help="skip Amazon's SMAPI schema (needs node and npm)"
    )
    lint.set_defaults(run=_lint)

    unanswered = commands.add_parser("unanswered", help="summarise unanswered questions from log files")
    unanswered.add_argument("logs", nargs="+", type=Path, help="log files of JSON lines (- for stdin)")
    unanswered.set_defaults(run=_unanswered)

    serve = commands.add_parser("serve", help="the web endpoint on the development server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--insecure-no-verify",
        action="store_true",
        help="turn Alexa request verification off (local development; loopback addresses only)",
    )
    serve.add_argument("--log-level", default="INFO")
    serve.set_defaults(run=_serve)

    preview = commands.add_parser(
        "preview",
        help="validate and render a screen (APL) on every declared viewport to PNG, and check the text fits",
    )
    preview.add_argument("screen", help='an answer id (e.g. "neck"), "launch", "help", or "all"')
    preview.add_argument("--out", type=Path, default=Path("preview"), help="folder for the PNG files")
    preview.set_defaults(run=_preview)

    name_free = commands.add_parser("name-free", help="measure the name-free path on the evaluation sets")
    name_free.add_argument("--eval-dir", type=Path, default=Path("tests/data/eval"))
    name_free.add_argument("--write", action="store_true", help="write docs/figures/name-free.json")
    _add_device_options(name_free)
    name_free.set_defaults(run=_name_free)

    figures = commands.add_parser("figures", help="render docs/figures.md from docs/figures/*.json")
    figures.set_defaults(run=_figures)

    mutation = commands.add_parser(
        "mutation-report",
        help="docs/figures/mutation.json from a `make mutation` run; fails on an unexplained survivor",
    )
    mutation.add_argument(
        "--root", type=Path, default=Path("."), help="the checkout the run was in (its mutants/)"
    )
    mutation.set_defaults(run=_mutation_report)

    safety = commands.add_parser(
        "safety-report", help="measure the safety sets before and after, into docs/safety.md"
    )
    safety.set_defaults(run=_safety_report)

    validate = commands.add_parser("validate", help="load and validate the answer store")
    validate.set_defaults(run=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except InvalidRequest as refusal:
        print(f"the skill refused the request: {refusal}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # e.g. StartupError from `serve`
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
