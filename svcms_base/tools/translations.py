def load_base_translations(env):
    """Post-install hook of the addons that put svcms_base's mixins on their models.

    Labels such as the SLA status of a service request are translated in svcms_base's catalogue under
    records (the model's selection values) that only exist once the consumer addon is installed: the
    catalogue was loaded before them, so it is loaded again for every installed language."""
    langs = [code for code, _name in env["res.lang"].get_installed() if code != "en_US"]
    if langs:
        env["ir.module.module"]._load_module_terms(["svcms_base"], langs, overwrite=False)
