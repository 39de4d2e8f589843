"""The MSME census (sensus UMKM) the trade office keeps: every MSME known to the city.

The register (`CensusRecord`) holds the platform's MSMEs (`services.census_record_for_vendor`)
and the city's other registers imported from CSV or XLSX (`importer.census_import`: Gerai
Kopimi, IUMK). What the city's units spend on the platform feeds it through one function,
`services.census_sales_record`, which procurement calls when an invoice is paid or refunded;
this package never imports procurement. The statistics (`selectors`) read the monthly
aggregates only. The rules (size classes per PP 7/2021, snapshots, exports): docs/census.md;
the import's columns: docs/census-import.md.
"""
