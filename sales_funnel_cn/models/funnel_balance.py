"""The funnel-balance arithmetic of seed 002 (销售漏斗的平衡计算), in one place: the planner model
(crm.funnel.plan), its balance() RPC helper and the workbook's 平衡计算 sheet all compute through these
functions. Plain functions, no ORM: the xlsx builder uses them too."""


def balance(target, average, win_rate):
    """From an annual target back to the funnel's intake: (contracts, target customers per year, per month).

    :param average: average contract (amount or units), > 0
    :param win_rate: chance in percent that a target customer is won, in (0, 100]
    """
    if average <= 0 or not 0 < win_rate <= 100:
        return 0.0, 0.0, 0.0
    contracts = target / average
    per_year = contracts / (win_rate / 100.0)
    return contracts, per_year, per_year / 12.0


def coverage(target, won, weighted_pipeline):
    """(remaining target, coverage): the weighted pipeline divided by what is left of the target; 0 when
    nothing is left (below 1 the funnel is too thin)."""
    remaining = max(target - won, 0.0)
    return remaining, weighted_pipeline / remaining if remaining else 0.0
