"""Eco-label certificates (Vietnam Ecolabel, the legacy Vietnam Green Label, other schemes): the register, its verification and withdrawals."""
