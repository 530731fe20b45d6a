// Browser tour of the incident area: filled by that area.
