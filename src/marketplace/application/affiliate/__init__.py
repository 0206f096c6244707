"""The affiliate program: joining, referral links, clicks and attribution, commissions, payouts."""
