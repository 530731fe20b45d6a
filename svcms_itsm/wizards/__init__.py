from . import change_vote_wizard
