"""The trusted door into the database: read → clean → validate → load, one transaction per file."""
