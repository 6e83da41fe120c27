"""How a posted file's name gets through the request parsing, whatever its length.

Two limits of Django's multipart parsing would otherwise turn a long file name into an error
page, losing what the person typed and the file with it:

- each part's headers must fit in `django.http.multipartparser.MAX_TOTAL_HEADER_SIZE`, 1024
  bytes, or the whole request is a 400. A browser sends the file name there as it is, in UTF-8:
  300 Chinese characters are 900 bytes, and the field's name and the part's type come on top.
  Django offers no setting for it (its ticket #34968 raised the error instead of dropping the
  file silently); `allow_long_file_names` raises the module's limit, which Django reads at each
  request, to `PART_HEADER_BYTES`;
- the temporary file of an upload that does not fit in memory (a request over
  FILE_UPLOAD_MAX_MEMORY_SIZE) is named after the upload's extension, so an "extension" of a
  few hundred characters is an OSError ("File name too long"): `TemporaryFileUploadHandler`
  names it without the extension (the type is read from the bytes anyway) and keeps the name
  on the upload as Django's in-memory handler does.

The name kept with the file is made from the given one later (documents/file_names.py).
"""

from django.core.files import uploadhandler
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.http import multipartparser

# 8 KiB: a file name of 255 characters (the most a file system keeps) is at most 1 KiB in UTF-8,
# and a name of 2 500 Chinese characters still fits; the parser's work stays bounded by it
# times DATA_UPLOAD_MAX_NUMBER_FILES.
PART_HEADER_BYTES = 8 * 1024


def allow_long_file_names() -> None:
    """Lets the multipart parser read part headers of up to PART_HEADER_BYTES (from 1024)."""
    multipartparser.MAX_TOTAL_HEADER_SIZE = max(
        multipartparser.MAX_TOTAL_HEADER_SIZE, PART_HEADER_BYTES
    )


class TemporaryFileUploadHandler(uploadhandler.TemporaryFileUploadHandler):
    """Django's, with a temporary file named "tmpXXXXXXXX.upload" whatever the upload's name."""

    def new_file(self, *args, **kwargs):
        # What Django's new_file does, but for the name the temporary file is made with.
        uploadhandler.FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = TemporaryUploadedFile(
            "upload", self.content_type, 0, self.charset, self.content_type_extra
        )
        self.file.name = self.file_name  # bounded to 255 characters, as in memory
