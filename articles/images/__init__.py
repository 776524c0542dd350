"""Images: checked and cleaned uploads, renditions, alt text, copying remote images.

``processing``  Pillow: what is accepted, re-encoding without metadata, renditions
``store``       media storage: originals, renditions, ``StoredImage`` records, ``Picture``
``articles``    what saving an article or author does with its images
``html``        images in a body: alt text, new addresses, ``srcset`` on the page
``forms``       the upload form field
"""
