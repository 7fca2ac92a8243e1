"""tongnan-calc: eligibility and payouts under the Tongnan District e-commerce policy."""

__version__ = "0.1.0"
