// TREC Hub: the QR scanner on the check-in desk (progressive enhancement). Where the
// browser has BarcodeDetector and a camera, "Start the camera" appears; a scanned
// check-in code opens its check-in page. Everywhere else the page says to use the
// phone's camera app, which opens the same URL.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-checkin-scan]");
    if (!root || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
      return;
    }
    var prefix = root.getAttribute("data-prefix");
    var start = root.querySelector("[data-scan-start]");
    var video = root.querySelector("video");
    var status = root.querySelector("[data-scan-status]");
    start.hidden = false;
    start.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (stream) {
          start.hidden = true;
          video.hidden = false;
          video.srcObject = stream;
          video.play();
          status.textContent = root.getAttribute("data-scanning");
          var tick = function () {
            detector
              .detect(video)
              .then(function (codes) {
                for (var i = 0; i < codes.length; i++) {
                  var url;
                  try {
                    url = new URL(codes[i].rawValue, window.location.href);
                  } catch (error) {
                    continue;
                  }
                  if (url.pathname.indexOf(prefix) === 0) {
                    stream.getTracks().forEach(function (track) { track.stop(); });
                    window.location.assign(url.pathname);
                    return;
                  }
                  status.textContent = root.getAttribute("data-other");
                }
                window.setTimeout(tick, 250);
              })
              .catch(function () { window.setTimeout(tick, 500); });
          };
          tick();
        })
        .catch(function () {
          status.textContent = root.getAttribute("data-denied");
        });
    });
  });
})();
