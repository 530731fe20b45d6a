from .record_count import related_counts
from .translations import load_base_translations
