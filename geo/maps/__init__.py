"""Map building helpers (folium) for Simpul's pages."""
