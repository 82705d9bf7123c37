"""The payments' jobs: present bills to SADAD, apply recorded payments, expire bills (docs/payments.md)."""
