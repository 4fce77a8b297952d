"""Template tags of Simpul's pages."""
