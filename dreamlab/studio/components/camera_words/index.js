export default function(component) {
  window.__dlCameraWords = component.data;
  const rewrite = () => {
    for (const frame of document.querySelectorAll("iframe[title*='streamlit_webrtc']")) {
      let doc = null;
      try { doc = frame.contentDocument; } catch (e) { continue; }
      if (!doc) continue;
      for (const alert of doc.querySelectorAll("[role=alert]")) {
        const message = alert.querySelector(".MuiAlert-message") || alert;
        const found = message.textContent.match(/^\s*([A-Za-z]*Error):/);
        const view = frame.contentWindow;
        const noWebrtc = !view.navigator.mediaDevices || !view.RTCPeerConnection;
        const words = window.__dlCameraWords;
        if (found) message.textContent = noWebrtc ? words["no-webrtc"] : (words[found[1]] || words["default"]);
      }
    }
  };
  const timer = setInterval(rewrite, 300);
  return () => clearInterval(timer);
}
