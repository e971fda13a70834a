"""Whole public pages for anonymous readers, served from Django's cache (Redis in production).

How to use it: add ``"pagecache"`` to ``INSTALLED_APPS`` and
``"pagecache.middleware.PageCacheMiddleware"`` to ``MIDDLEWARE`` just after
``core.middleware.RejectNulBytesMiddleware`` and before Django's ``SessionMiddleware``; the
``PAGECACHE_*`` settings (``pagecache.conf``) tune it. Nothing else: Wagtail pages, the
sitemap and the plain search page are cached, and every publish purges them.

- ``rules``: which requests may be answered from the cache and which responses may be kept
  (anonymous GET/HEAD of a public Wagtail page, never a signed-in reader, a preview, a
  private page, a page using a CSP nonce, one that sets a cookie).
- ``store``: the entries, and the *generation*: one number in the cache that every entry
  records. Publishing, unpublishing, moving or deleting a page (or changing a snippet, a site
  or a page's privacy) sets a new generation, so every cached page, listing, feed, sitemap
  and linking page is stale at once, in every process sharing the cache (``signals``).
- ``headers``: ``Cache-Control`` (``public, max-age, stale-if-error``), a strong ``ETag``
  and ``Last-Modified`` (the last purge: never earlier than the page's own last publish, and
  later whenever a page it lists or links to changed), and 304s.
- ``middleware``: looks up, serves, stores; while the site answers 5xx (the database out of
  reach: ``core.outage``) it serves the last copy it has for up to
  ``PAGECACHE_STALE_IF_ERROR`` seconds, unless the page was unpublished, deleted or made
  private since.
"""
