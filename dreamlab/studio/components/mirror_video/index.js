export default function(component) {
  // The mirror's video in the browser. (1) No extra delay: the browser's jitter buffer is asked to
  // hold no frames beyond what the network needs (jitterBufferTarget / playoutDelayHint 0 on the
  // mirror's receivers). (2) The camera beside the dream, shown by the browser from its own stream.
  // The server sends back only the dream (coding a double-width picture on the server cost more time
  // than the dream itself), so this page keeps the stream the mirror asks the camera for and plays it
  // in a second <video> to the left of the mirror's, both half the width. The mirror's frame comes from
  // this server, so this document can reach into it (as camera_words does).
  window.__dlBeside = !!(component.data && component.data.beside);
  const CLASS = "dreamlab-camera";

  const keepTheStream = (view) => {
    const devices = view.navigator && view.navigator.mediaDevices;
    if (!devices || !devices.getUserMedia || devices.__dlKept) return;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      if (stream.getVideoTracks().length) view.__dlCamera = stream;
      return stream;
    };
    devices.__dlKept = true;
  };

  const noExtraDelay = (view) => {
    const Connection = view.RTCPeerConnection;
    if (!Connection || Connection.prototype.__dlNoDelay) return;
    const setRemote = Connection.prototype.setRemoteDescription;
    Connection.prototype.setRemoteDescription = async function(...args) {
      const done = await setRemote.apply(this, args);
      for (const receiver of this.getReceivers()) {
        try {
          if ("jitterBufferTarget" in receiver) receiver.jitterBufferTarget = 0;
          if ("playoutDelayHint" in receiver) receiver.playoutDelayHint = 0;
        } catch (e) { /* an older browser: its own buffering */ }
      }
      return done;
    };
    Connection.prototype.__dlNoDelay = true;
  };

  const place = (frame) => {
    let doc = null, view = null;
    try { doc = frame.contentDocument; view = frame.contentWindow; } catch (e) { return; }
    if (!doc || !view) return;
    keepTheStream(view);
    noExtraDelay(view);
    const mirror = doc.querySelector(`video:not(.${CLASS})`);
    let camera = doc.querySelector(`video.${CLASS}`);
    const stream = view.__dlCamera;
    const live = stream && stream.getVideoTracks().some(t => t.readyState === "live");
    const show = window.__dlBeside && mirror && live;
    if (!show) {
      if (camera) camera.remove();
      if (mirror) { mirror.style.marginLeft = ""; mirror.style.width = "100%"; }
      return;
    }
    if (!camera) {
      camera = doc.createElement("video");
      camera.className = CLASS;
      camera.muted = true; camera.autoplay = true; camera.playsInline = true;
      camera.setAttribute("aria-label", "Your camera");
      Object.assign(camera.style, {position: "absolute", left: "0", top: "0", width: "50%"});
      mirror.parentElement.style.position = "relative";
      mirror.parentElement.appendChild(camera);  // appended, not inserted: the mirror's own nodes stay as they are
    }
    camera.style.top = `${mirror.offsetTop}px`;  // level with the mirror, whatever its frame puts above it
    if (camera.srcObject !== stream) { camera.srcObject = stream; camera.play().catch(() => {}); }
    mirror.style.marginLeft = "50%"; mirror.style.width = "50%";
  };

  const tick = () => {
    for (const frame of document.querySelectorAll("iframe[title*='streamlit_webrtc']")) place(frame);
  };
  tick();
  // Often: the stream must be caught before the visitor presses Start, right after the frame loads.
  const timer = setInterval(tick, 100);
  return () => clearInterval(timer);
}
