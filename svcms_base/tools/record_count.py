def related_counts(records, comodel, inverse_field, domain=(), sudo=False):
    """``{record id: number of comodel rows pointing at it}`` for a smart-button count, in one query.

    ``sudo``: count rows the user may not read (a warehouse clerk's picking still shows its returns)."""
    model = records.env[comodel].sudo() if sudo else records.env[comodel]
    groups = model._read_group([(inverse_field, "in", records.ids), *domain], [inverse_field], ["__count"])
    return {record.id: count for record, count in groups}
