from . import crm_pool_assign_wizard
from . import crm_pool_release_wizard
