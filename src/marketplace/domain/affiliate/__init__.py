"""The affiliate program: affiliates, their referral links, attribution of purchases, commissions."""
