import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
application = get_wsgi_application()

# Everything loaded so far lives as long as the process: moving it out of the collector's
# sight keeps full collections short (they were 100 ms spikes on busy pages).
gc.freeze()
