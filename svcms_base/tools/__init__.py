from .record_count import related_counts
