"""The interactive map and embedded maps: Folium pages fed by GeoJSON layers from our API."""
