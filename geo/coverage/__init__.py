"""Coverage analysis: pure functions on GeoDataFrames in metres (`analysis`, `fiber`, `whatif`)
and the service that reads the registry, calls them and stores runs (`services`)."""
