"""My hub (/me/): the educator's own pages — the dashboard that gathers their
registrations, schedule, communities, proposals, follows and district shares from every
app, the profile, the private calendar feed, "download my data" and account deletion.

It sits on top of the apps it reads (see docs/architecture.md); the account itself
(User, roles, sign-in, the services that change an account) is trec.accounts, below.
URL names keep the ``accounts:`` namespace (``accounts:me``, ``accounts:my_data``...).
"""
