"""The jobs and bases wing: bases and placements, employers and openings, training, and the seat-allocation engine."""
