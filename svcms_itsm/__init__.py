from odoo.addons.svcms_base.tools import load_base_translations

from . import controllers, models, wizards


def _post_init_hook(env):
    load_base_translations(env)
