"""Videos (issue 17): read what phones and cameras make, follow faces and names through time,
cover them on every frame, and export a plain H.264/AAC MP4 with nothing else in it.

One idea per module:

- ``reader``: probe a file, decode its frames in display orientation (PyAV, FFmpeg inside),
  clear typed errors for damaged, truncated or unreadable files;
- ``tracking``: detections on sampled frames joined into tracks (pure);
- ``analysis``: pass 1, the whole clip once: scene cuts, faces, recognition from each track's
  best views, names read on key frames (``analyse_video``);
- ``covers``: where each covered track is covered on every frame, padded in space and time
  (``CoverPlan``, ``covers_at``);
- ``render``: pass 2, decode again, paint the covers on the YUV planes, encode, sound kept,
  muted or removed and kept in step with the picture;
- ``verify``: the read-back check of an export (no external tool);
- ``boxes``: MP4 box walking;
- ``export``: one video's safe copy inside an export batch (hash, render, check, record, name);
- ``frames``: stills for the app and the records (thumbnails, a track's best view) and the
  perceptual hashes of key frames.

Metadata findings live with the photos' in ``media/metadata/video.py``. Decisions are made by
``policy.decide_video``; the pipeline (``Engine.analyse_video``) caches analyses by content.
"""

from photovet.core.media.video.reader import VideoInfo, is_video_file, probe

__all__ = ["VideoInfo", "is_video_file", "probe"]
