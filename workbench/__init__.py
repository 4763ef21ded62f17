"""Django project of the policy options workbench."""

from workbench.celery import app as celery_app

__all__ = ["celery_app"]
