"""The admission pipeline (issue 20): from quần chúng ưu tú to probationary member, step by step.

A domain app above `members`: it reads units and members and admits through
`members.services.member_admit`; it never imports the upper layers (reports, importing, accounts'
views). See docs/architecture.md, "The admission pipeline".
"""
