"""Administrative areas and where/how well the city is served: coverage, scores, maps."""
