"""protestmap's data layer: regions, geocoding, the GeoParquet incident store and its queries."""
