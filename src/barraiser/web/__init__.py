"""The web app: `create_app()` in app.py; pages in pages.py, the JSON API in api.py."""
