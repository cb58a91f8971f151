// hoso: a PDF preview loads its file only when the reader opens it.
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!details.classList || !details.classList.contains("hoso-preview") || !details.open) return;
  var frame = details.querySelector("iframe[data-src]");
  if (frame && !frame.getAttribute("src")) frame.setAttribute("src", frame.getAttribute("data-src"));
}, true);  // "toggle" does not bubble: listen in the capture phase
