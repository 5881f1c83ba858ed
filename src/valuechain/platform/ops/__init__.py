"""Operations: health, backup and restore, demo data."""
