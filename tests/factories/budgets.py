"""Budget accounts (kode rekening) and DPA lines with their pagu."""

import factory
from factory.django import DjangoModelFactory

from procurement.budgets.models import BudgetAccount, BudgetLine

from .units import UnitFactory


class BudgetAccountFactory(DjangoModelFactory):
    """Belanja Makanan dan Minuman Rapat by default (the account most orders use)."""

    class Meta:
        model = BudgetAccount
        django_get_or_create = ("code",)

    code = "5.1.02.01.01.0052"
    name = "Belanja Makanan dan Minuman Rapat"
    kind = "makan_minum"


class BudgetLineFactory(DjangoModelFactory):
    """A 2026 DPA line of Rp 50.000.000 for meeting food, nothing spent yet."""

    class Meta:
        model = BudgetLine

    unit = factory.SubFactory(UnitFactory)
    fiscal_year = 2026
    sub_activity_code = factory.Sequence(lambda n: f"2.16.01.1.{n % 100:02d}.{n + 1:04d}")
    sub_activity_name = factory.Iterator(
        (
            "Koordinasi dan Penyusunan Rencana Kerja Perangkat Daerah",
            "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD",
            "Fasilitasi Kunjungan Tamu",
            "Monitoring dan Evaluasi Program",
        )
    )
    account = factory.SubFactory(BudgetAccountFactory)
    pagu_idr = 50_000_000
    committed_idr = 0
    realized_idr = 0
