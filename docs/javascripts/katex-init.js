// Render the \( \) and \[ \] spans that pymdownx.arithmatex (generic: true) writes, on every page
// load (document$ is Material's page observable, which also fires on instant navigation).
function kextrasRenderMath() {
  document.querySelectorAll(".arithmatex").forEach(function (element) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(kextrasRenderMath);
} else {
  document.addEventListener("DOMContentLoaded", kextrasRenderMath);
}
