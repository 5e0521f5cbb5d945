"""``digest vacuum``: prune old read stories and compact the store."""

from __future__ import annotations

import argparse

from tui.cli.common import CliError, get_config, open_store

HELP = "drop read, unstarred stories older than retention_days (or --days) and compact the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``digest vacuum``."""
    parser.add_argument(
        "--days",
        type=int,
        metavar="N",
        help="prune stories older than N days (default: retention_days; 0 prunes nothing)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be removed, change nothing"
    )


def run(args: argparse.Namespace) -> int:
    """Prune (unless the retention is 0), then VACUUM and optimise."""
    from tui.core.retention import prune, vacuum
    from tui.core.sanitize import one_line
    from tui.core.store import StoreError

    days = (
        args.days
        if args.days is not None
        else get_config(args, required=False).settings.retention_days
    )
    if days < 0:
        raise CliError("--days must be 0 or more")
    store = open_store(args)
    with store:
        try:
            if days == 0:
                print(
                    "retention is 0 days: no stories pruned (set retention_days or pass --days N)"
                )
            else:
                report = prune(store, days, dry_run=args.dry_run)
                verb = "Would remove" if args.dry_run else "Removed"
                print(
                    f"{verb} {report.stories} read, unstarred stories older than {days} days "
                    f"({report.figures} figures)"
                )
                for name, count in report.by_feed.items():
                    print(f"  {count:>6}  {one_line(name, 70)}")
            if args.dry_run:
                return 0
            sizes = vacuum(store)
        except StoreError as error:
            raise CliError(str(error)) from None
    print(f"Compacted {store.path}: {_mb(sizes.before)} -> {_mb(sizes.after)}")
    return 0


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
