"""Images: checked and cleaned uploads, renditions, alt text, copying remote images.

``processing``  Pillow: what is accepted, re-encoding without metadata, renditions
``store``       media storage: originals, renditions, ``StoredImage`` records, ``Picture``
``articles``    what saving an article or author does with its images
``html``        images in a body: alt text, new addresses, ``srcset`` on the page
``fetch``       a careful HTTP client for remote images
``localise``    remote images of articles copied into media storage, once each
``forms``       the upload form field
"""
