"""The register of the year's disclosure work (台账): working-day calendar, statutory deadlines and fees;
the database of agencies, applications, cases, documents and yearly counts with its audit log (db, store);
and its import and export as CSV and Excel with Chinese headers (tabular)."""
