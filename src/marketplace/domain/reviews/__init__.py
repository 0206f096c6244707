"""Reviews: one per purchased order line, after the order completed; ratings summarised exactly."""
