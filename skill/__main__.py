"""Project commands: ``python -m skill <command> --help``."""

from __future__ import annotations

import argparse
import sys

from skill.store import StoreError, default_store


def _model(args: argparse.Namespace) -> int:
    from skill.model import drifted_models, write_models

    store = default_store()
    if args.check:
        drifted = drifted_models(store)
        for path in drifted:
            print(f"{path}: differs from the answer store; run: python -m skill model", file=sys.stderr)
        return 1 if drifted else 0
    for path in write_models(store):
        print(f"wrote {path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from skill.demo import main

    return main()


def _validate(args: argparse.Namespace) -> int:
    store = default_store()
    print(f"answer store OK: {len(store.entries)} entries")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m skill", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="a scripted conversation through the Lambda handler")
    demo.set_defaults(run=_demo)
    model = commands.add_parser("model", help="generate interaction_model/*.json from the store")
    model.add_argument("--check", action="store_true", help="only report files that drifted")
    model.set_defaults(run=_model)
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


if __name__ == "__main__":
    sys.exit(main())
