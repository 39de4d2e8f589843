"""Recompute every budget line's committed and realized figures from its ledger."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.common.money import format_rupiah
from procurement.budgets.services import budget_recompute


class Command(BaseCommand):
    help = (
        "Recompute each budget line's committed and realized amounts from the ledger and report any "
        "drift (expected vs stored). Exits with status 1 when drift is found, unless --fix repairs it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Store the amounts recomputed from the ledger."
        )

    def handle(self, *args, fix: bool = False, **options):
        drifts = budget_recompute(fix=fix)
        if not drifts:
            self.stdout.write(self.style.SUCCESS("no drift"))
            return
        for d in drifts:
            line = d.line
            self.stdout.write(
                f"line {line.pk} ({line.unit.code} {line.fiscal_year} {line.sub_activity_code} "
                f"{line.account.code}): committed expected {format_rupiah(d.committed_idr)}, "
                f"stored {format_rupiah(line.committed_idr)}; realized expected "
                f"{format_rupiah(d.realized_idr)}, stored {format_rupiah(line.realized_idr)}"
            )
        if fix:
            self.stdout.write(self.style.SUCCESS(f"fixed {len(drifts)} line(s) from the ledger"))
            return
        raise CommandError(f"drift on {len(drifts)} line(s); run with --fix to store the ledger's figures")
