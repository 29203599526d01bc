"""Writing parsed reports out: flat tables (CSV, XLSX, Parquet, JSONL) and the JSON Schema."""
