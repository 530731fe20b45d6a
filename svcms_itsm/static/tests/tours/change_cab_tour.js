// Browser tour of the change_cab area: filled by that area.
