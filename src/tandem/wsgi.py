import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
application = get_wsgi_application()

from tandem.warmup import warm_up  # noqa: E402 (needs the application's settings)

warm_up()
# Everything loaded so far lives as long as the process: moving it out of the collector's
# sight keeps full collections short (they were 20-100 ms spikes on busy pages).
gc.freeze()
