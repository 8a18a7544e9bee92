"""Announcing changes: Atom/RSS feeds for advocates and email alerts for clinics.

- ``present``: the one escaped, inline-styled rendering of a change (feeds, mails, pages).
- ``build`` / ``publish``: feeds by payer, drug, kind, minimum severity; static files + index page.
- ``outbox`` / ``message`` / ``smtp``: queueing deliveries and sending each once; composing a mail; SMTP.
- ``tokens``: signed one-click unsubscribe links (``payerwatch/web/feeds.py`` serves them and the feeds:
  this package builds and renders, and never serves).
- ``config``: settings from ``PAYERWATCH_*`` environment variables.
"""
