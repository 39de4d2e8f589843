"""The hand-written demo MSMEs (data only): names, owners, kecamatan, what they sell, status, taxes.

`procurement.demo.vendors` registers them through the MSMEs' own services. Tax facts exercise
the city's tax rules (procurement/units/city_packs/semarang/tax-rules.csv) on the demo's
invoices: no. 2 collects PBJT (10% on top), the MSMEs marked `pp55` hold a PP 55/2022
certificate valid this year (PPh final 0.5%), no. 5 has no NPWP (PPh 23 at 4%), the others
have the NIK as NPWP (PPh 23 at 2%).
"""

from dataclasses import dataclass

from vendors.models import Vendor

S = Vendor.Status


@dataclass(frozen=True)
class DemoVendor:
    """One hand-written demo MSME. `kinds` lists its products' kinds (a kind twice = two products)."""

    no: int
    business_name: str
    owner_name: str
    female: bool
    sector: str
    district: int  # 1-based position of its kecamatan in code order
    kinds: tuple[str, ...]
    description: str
    status: str = S.APPROVED
    legal_form: str = Vendor.LegalForm.INDIVIDUAL
    featured: tuple[str, ...] = ()  # product titles it must sell first
    note: str = ""  # the verifier's reason for a rejection, suspension or requested change
    # Tax facts (procurement.settlement.taxes)
    pp55: bool = False  # holds a PP 55/2022 certificate valid until the end of this year
    npwp: bool = True  # has an NPWP (its NIK, as since 2024)
    pbjt_collector: bool = False  # registered to collect PBJT, with a regional tax number (NPWPD)


FOOD = Vendor.Sector.FOOD
FASHION = Vendor.Sector.FASHION
CRAFT = Vendor.Sector.CRAFT
CATERING = ("nasi_kotak", "nasi_kotak", "kudapan", "prasmanan", "minuman", "tumpeng")
BATIK = ("fashion", "fashion", "fashion")
CRAFTS = ("kriya", "kriya", "kriya")

DEMO_VENDORS: tuple[DemoVendor, ...] = (
    # Approved: the catalogue of the demo.
    DemoVendor(1, "Dapur Bu Sri", "Sri Wahyuni", True, FOOD, 1, CATERING,
               "Katering rumahan untuk rapat kantor sejak 2009: nasi kotak, snack box dan tumpeng.",
               featured=("Nasi Kotak Ayam Bakar", "Snack Box Risoles & Lemper"), pp55=True),
    DemoVendor(2, "Katering Sekar Arum", "Endang Sulistyowati", True, FOOD, 2, CATERING,
               "Nasi kotak dan prasmanan untuk acara dinas, bisa pesan H-1.", legal_form=Vendor.LegalForm.CV,
               pbjt_collector=True),
    DemoVendor(3, "Warung Garang Asem Pak Darmo", "Sudarmo", False, FOOD, 3,
               ("nasi_kotak", "nasi_kotak", "prasmanan", "minuman"),
               "Garang asem dan masakan Semarangan untuk nasi kotak dan prasmanan.",
               featured=("Nasi Kotak Garang Asem", "Prasmanan Menu Semarangan (per orang)")),
    DemoVendor(4, "Lumpia Mbak Rina", "Rina Kusumawati", True, FOOD, 4,
               ("oleh_oleh", "oleh_oleh", "kudapan", "kudapan"),
               "Lumpia rebung khas Semarang, goreng dan basah, untuk snack rapat dan oleh-oleh.",
               featured=("Lumpia Semarang Goreng (isi 10)", "Snack Box Lumpia Semarang & Kue Lapis"),
               pp55=True),
    DemoVendor(5, "Katering Berkah Genuk", "Ahmad Fauzi", False, FOOD, 5, CATERING,
               "Katering halal untuk kantor dan sekolah di Semarang timur.", npwp=False),
    DemoVendor(6, "Dapur Mama Yuli", "Yuliana Purnamasari", True, FOOD, 6, CATERING,
               "Masakan rumahan, nasi kotak dan snack box, antar gratis wilayah Pedurungan."),
    DemoVendor(7, "Snack Box Kirana", "Kirana Ayuningtyas", True, FOOD, 7,
               ("kudapan", "kudapan", "kudapan", "minuman"),
               "Snack box kue basah dan kue kering untuk rapat, seminar dan pengajian.", pp55=True),
    DemoVendor(8, "Bandeng Presto Bu Yayuk", "Rahayu Ningsih", True, FOOD, 8,
               ("oleh_oleh", "oleh_oleh", "nasi_kotak"),
               "Bandeng presto duri lunak dan nasi kotak bandeng, oleh-oleh khas Semarang.",
               featured=("Bandeng Presto Duri Lunak (per ekor)", "Nasi Kotak Bandeng Presto")),
    DemoVendor(9, "Katering Sedap Malam", "Hendro Wibowo", False, FOOD, 9, CATERING,
               "Prasmanan dan nasi kotak untuk rapat, jamuan tamu dan syukuran.",
               legal_form=Vendor.LegalForm.CV),
    DemoVendor(10, "Tumpeng Nusantara Tembalang", "Dewi Lestari", True, FOOD, 10,
               ("tumpeng", "tumpeng", "tumpeng", "nasi_kotak"),
               "Tumpeng nasi kuning, tumpeng mini dan paket syukuran kantor.", pp55=True),
    DemoVendor(11, "Dapur Sehat Banyumanik", "Nur Hidayah", True, FOOD, 11, CATERING,
               "Menu sehat rendah minyak untuk rapat, snack box buah dan roti gandum.",
               featured=("Snack Box Sehat Buah & Roti Gandum",)),
    DemoVendor(12, "Wingko Babat Mbak Tutik", "Sri Utami", True, FOOD, 12,
               ("oleh_oleh", "oleh_oleh", "kudapan"),
               "Wingko babat kelapa muda dan kue tradisional, oleh-oleh dan snack rapat.",
               featured=("Wingko Babat (isi 20)", "Snack Box Tahu Bakso & Wingko")),
    DemoVendor(13, "Katering Rasa Kampung", "Bambang Setiawan", False, FOOD, 13, CATERING,
               "Masakan kampung: sayur asem, ikan bakar, sambal terasi, untuk acara kantor.", pp55=True),
    DemoVendor(14, "Kedai Jamu & Wedang Mijen", "Siti Aminah", True, FOOD, 14,
               ("minuman", "minuman", "minuman", "kudapan"),
               "Wedang jahe, wedang uwuh dan jamu segar untuk rapat pagi.",
               featured=("Wedang Jahe Serai (per gelas)", "Wedang Uwuh (per gelas)")),
    DemoVendor(15, "Dapur Ngaliyan Barokah", "Muhammad Rizal", False, FOOD, 15, CATERING,
               "Nasi kotak dan prasmanan halal untuk kantor dan kampus di Ngaliyan."),
    DemoVendor(16, "Katering Bahari Tugu", "Slamet Riyadi", False, FOOD, 16,
               ("nasi_kotak", "nasi_kotak", "prasmanan", "oleh_oleh"),
               "Olahan ikan dan hasil laut pesisir Tugu: ikan bakar, bandeng dan tahu bakso.",
               featured=("Nasi Kotak Ikan Bakar",), pp55=True),
    DemoVendor(17, "Kue Basah Bu Harti", "Suharti", True, FOOD, 6,
               ("kudapan", "kudapan", "kudapan", "oleh_oleh"),
               "Kue basah tradisional dibuat subuh, snack box untuk rapat dan arisan.",
               featured=("Snack Box Kue Basah Tiga Macam",)),
    DemoVendor(18, "Nasi Liwet Mbok Nah", "Suminah", True, FOOD, 10,
               ("tumpeng", "nasi_kotak", "nasi_kotak", "prasmanan"),
               "Nasi liwet komplit dan tumpeng untuk syukuran kantor.",
               featured=("Tumpeng Nasi Liwet Komplit (20 orang)",)),
    DemoVendor(19, "Batik Semarang Indah", "Agus Prasetyo", False, FASHION, 3, BATIK,
               "Batik tulis dan cap Semarangan dari Kampung Batik Bubakan.",
               legal_form=Vendor.LegalForm.CV, pp55=True),
    DemoVendor(20, "Batik Warak Ngendog", "Lestari Handayani", True, FASHION, 1, BATIK,
               "Batik motif khas Semarang: warak ngendog, asem arang, Lawang Sewu.",
               featured=("Kain Batik Tulis Motif Warak Ngendog",)),
    DemoVendor(21, "Griya Batik Asem Arang", "Fitri Andriani", True, FASHION, 11, BATIK,
               "Kemeja dan blus batik untuk seragam kantor, bisa motif instansi.",
               featured=("Batik Seragam Kantor (per potong)",)),
    DemoVendor(22, "Batik Tulis Blekok Srondol", "Yohanes Kristianto", False, FASHION, 11, BATIK,
               "Batik tulis pewarna alam motif blekok Srondol.",
               featured=("Selendang Batik Motif Blekok Srondol",), pp55=True),
    DemoVendor(23, "Konveksi Seragam Lawang Sewu", "Hartono", False, FASHION, 13, BATIK,
               "Konveksi seragam batik dan kemeja kantor, minimal 20 potong.",
               legal_form=Vendor.LegalForm.CV),
    DemoVendor(24, "Butik Kebaya Ayu", "Ayu Wulandari", True, FASHION, 6, BATIK,
               "Kebaya, blus dan kain batik untuk acara resmi."),
    DemoVendor(25, "Kriya Warak Semarangan", "Joko Susilo", False, CRAFT, 12, CRAFTS,
               "Miniatur warak ngendog dan cendera mata khas Semarang.",
               featured=("Miniatur Warak Ngendog",), pp55=True),
    DemoVendor(26, "Anyaman Eceng Gondok Tugu", "Sri Mulyani", True, CRAFT, 16, CRAFTS,
               "Tas dan wadah anyaman eceng gondok karya ibu-ibu PKK.",
               featured=("Tas Anyaman Eceng Gondok",), legal_form=Vendor.LegalForm.COOPERATIVE),
    DemoVendor(27, "Ukir Kayu Mijen Jaya", "Teguh Santoso", False, CRAFT, 14, CRAFTS,
               "Vandel, plakat dan ukiran kayu untuk cendera mata instansi.",
               featured=("Vandel Kayu Ukir Logo Instansi",)),
    DemoVendor(28, "Plakat & Souvenir Genuk Kreatif", "Rudi Hartanto", False, CRAFT, 5, CRAFTS,
               "Plakat akrilik, gantungan kunci dan souvenir acara.",
               featured=("Plakat Akrilik Penghargaan",), pp55=True),
    DemoVendor(29, "Tas Blacu Candisari", "Wahyu Ningsih", True, CRAFT, 8, CRAFTS,
               "Tas seminar kain blacu dan goodie bag sablon untuk acara kantor.",
               featured=("Tas Seminar Kain Blacu (per buah)",)),
    DemoVendor(30, "Kerajinan Perca Gayamsari", "Ratna Sari", True, CRAFT, 4, CRAFTS,
               "Goodie bag dan aksesori dari kain perca batik.",
               featured=("Goodie Bag Batik Perca",)),
    # Every other status, for the verifier's queue and the suspension rules.
    DemoVendor(31, "Warung Soto Pak Min", "Paimin", False, FOOD, 7, (),
               "Soto ayam dan nasi rames.", status=S.DRAFT),
    DemoVendor(32, "Katering Melati Putih", "Melati Rahmawati", True, FOOD, 9, (),
               "Nasi kotak dan snack box untuk acara kantor.", status=S.SUBMITTED),
    DemoVendor(33, "Batik Gambang Semarang", "Gunawan", False, FASHION, 2, (),
               "Batik cap motif gambang Semarang.", status=S.SUBMITTED),
    DemoVendor(34, "Dapur Kenanga", "Tri Wahyuningsih", True, FOOD, 15, (),
               "Prasmanan dan tumpeng untuk syukuran.", status=S.CHANGES_REQUESTED,
               note="Wajah pada swafoto tidak terlihat jelas; unggah ulang dengan cahaya yang cukup."),
    DemoVendor(35, "Kerajinan Bambu Gunungpati", "Supriyadi", False, CRAFT, 12, (),
               "Anyaman bambu dan besek untuk wadah nasi.", status=S.CHANGES_REQUESTED,
               note="KTP pada swafoto tertutup jari; nomor NIK harus terbaca."),
    DemoVendor(36, "Toko Serba Ada Jaya", "Hendra Gunawan", False, Vendor.Sector.OTHER, 13, (),
               "Grosir makanan ringan pabrikan.", status=S.REJECTED, legal_form=Vendor.LegalForm.PT,
               note="Yang dijual barang pabrikan, bukan produk usaha sendiri."),
    DemoVendor(37, "Katering Cepat Saji Sampangan", "Dian Permata", True, FOOD, 9,
               ("nasi_kotak", "kudapan"),
               "Nasi kotak dan snack box.", status=S.SUSPENDED,
               note="Tiga pesanan berturut-turut terlambat diantar; ditangguhkan sampai klarifikasi."),
    DemoVendor(38, "Batik Kilat Kaligawe", "Yusuf Maulana", False, FASHION, 4, ("fashion",),
               "Batik printing untuk seragam.", status=S.SUSPENDED,
               note="Batik printing dijual sebagai batik tulis; ditangguhkan sampai deskripsi diperbaiki."),
)  # fmt: skip
