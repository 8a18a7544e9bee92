"""Announcing changes: Atom/RSS feeds for advocates and email alerts for clinics.

- ``render``: the one escaped, inline-styled rendering of a change (feeds, mails, pages).
- ``build`` / ``publish``: feeds by payer, drug, kind, minimum severity; static files + index page.
- ``outbox`` / ``mail`` / ``smtp`` / ``mailer``: queueing deliveries, composing and sending them exactly once.
- ``tokens``: signed one-click unsubscribe links (``payerwatch/web/feeds.py`` serves them and the feeds:
  this package builds and renders, and never serves).
- ``config``: settings from ``PAYERWATCH_*`` environment variables.
"""
