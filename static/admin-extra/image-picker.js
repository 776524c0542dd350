// The rich-text editor's image picker: after an upload, hand the image to the
// editor window that opened this one (django-prose-editor's figure dialog
// listens through the CKEditor-style callback it installs), then close.
const picked = document.getElementById("image-picked");
if (picked) {
  const editor = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools;
  const funcNum = Number(picked.dataset.func);
  if (editor && funcNum) {
    editor.callFunction(funcNum, picked.dataset.url, {
      alternative_text: picked.dataset.alt,
      caption: picked.dataset.caption,
    });
    window.close();
  } else {
    picked.querySelector(".image-upload__manual")?.removeAttribute("hidden");
  }
}
