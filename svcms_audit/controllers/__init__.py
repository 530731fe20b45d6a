from . import evaluation_xlsx
