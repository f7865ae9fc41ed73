"""s34: a caption is checked against the register's names with a matcher built once per
register (``Engine.caption_matcher``), not for every caption: with 900 pupils building it took
0.2 s a caption, and the photo list checks every approved caption of a batch. The answers
are the same as with a matcher built for the one caption."""

from __future__ import annotations

import datetime as _dt

import photovet.core.vision.text.captions as captions


def test_the_caption_matcher_is_built_once_per_register_and_again_when_it_changes(
        ws, monkeypatch):
    engine = ws.engine()
    built: list[int] = []
    real = captions.caption_matcher
    monkeypatch.setattr(captions, "caption_matcher",
                        lambda people, threshold: (built.append(len(people)),
                                                   real(people, threshold))[1])
    said = [engine.caption_refusal(c, "website")
            for c in ("Well done Tori Ashby!", "Sports day relay", "Sam won the race")]
    assert len(built) == 1                                   # once for three captions
    assert said[0] is not None and said[1] is None and said[2] is not None   # no name consent
    # the same answers as with a matcher built for each caption
    for caption, refused in zip(("Well done Tori Ashby!", "Sports day relay",
                                 "Sam won the race"), said):
        alone = captions.caption_refusal(caption, engine.people, engine.channel("website"),
                                         _dt.date.today(), engine.mode_for(None),
                                         threshold=engine.settings.text.caption_threshold,
                                         matcher=real(engine.people,
                                                      engine.settings.text.caption_threshold))
        assert (refused is None) == (alone is None)
        assert refused is None or refused.message == alone.message
    engine.reload_people()                                  # the register read again
    engine.caption_refusal("Sports day relay", "website")
    assert len(built) == 2
    engine.settings.text.caption_threshold = 80             # another threshold
    engine.caption_refusal("Sports day relay", "website")
    assert len(built) == 3
