"""s52: the reason of a line that may be a name of nobody in the register says where it is last
("Looks like a name that is not in the register, on a sign, poster or backdrop near a face"):
it read "... near a face that is not in the register", as if the face were not in the register.
A video's approval signs its tracks' reasons, so the reworded reason is signed as it read
before: an approval given before stays the same approval."""

from __future__ import annotations

from photovet.core.policy import TEXT_CONTEXTS, VideoPublication, name_like_reason


def _video(reason: str) -> VideoPublication:
    return VideoPublication(tracks=[(1, "face", "show", "A1", 0, 90, "Consent to show"),
                                    (2, "text", "cover", "", 10, 40, reason)], sound="mute")


def test_where_the_line_is_comes_after_the_register():
    assert name_like_reason(TEXT_CONTEXTS["near"]) == (
        "Looks like a name that is not in the register, on a sign, poster or backdrop near a "
        "face")
    assert name_like_reason(TEXT_CONTEXTS["label"]) == (
        'Looks like a name that is not in the register, after "my name is" or "Name:"')
    assert name_like_reason() == "Looks like a name that is not in the register"


def test_a_video_approved_with_the_old_words_signs_the_same():
    for where in TEXT_CONTEXTS.values():
        before = f"Looks like a name{where} that is not in the register"
        assert _video(name_like_reason(where)).signature() == _video(before).signature()
    # any other reason is signed as it is: a change of decision still ends the approval
    assert _video("Looks like a staff member's name that is not in the register").signature() \
        != _video(name_like_reason(TEXT_CONTEXTS["near"])).signature()
