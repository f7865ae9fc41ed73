"""s35: ``Engine.one_look``: many photos decided at once read each channel once (the photo
list's refresh read the channels table once per photo); the next look reads it again (a
channel changed on another PC is seen), another thread reads the register as ever, and an
unknown channel is refused every time (never kept)."""

from __future__ import annotations

import threading

import pytest

from photovet.core.channels import Channel
from photovet.core.errors import PhotoVetError
from photovet.core.pipeline import Engine
from photovet.core.settings import Settings


class _Register:
    def __init__(self):
        self.reads: list[str] = []
        self.long_edge = 2048

    def channel(self, cid: str) -> Channel:
        self.reads.append(cid)
        if cid != "website":
            raise PhotoVetError(f"unknown channel '{cid}'")
        return Channel(id="website", label="School website", long_edge=self.long_edge)


def _engine() -> tuple[Engine, _Register]:
    engine = Engine(Settings())
    engine.register = reg = _Register()
    return engine, reg


def test_a_look_reads_each_channel_once_and_the_next_look_reads_again():
    engine, reg = _engine()
    with engine.one_look():
        with engine.one_look():                        # nested: the outer one holds
            assert engine.channel("website").long_edge == 2048
        assert engine.channel("website").long_edge == 2048
        for _ in range(2):
            with pytest.raises(PhotoVetError):
                engine.channel("prospectus")
        seen: list[int] = []
        other = threading.Thread(target=lambda: seen.append(engine.channel("website").long_edge))
        other.start()
        other.join()
    assert reg.reads == ["website", "prospectus", "prospectus", "website"]
    reg.long_edge = 1024                               # changed on another PC
    with engine.one_look():
        assert engine.channel("website").long_edge == 1024
    assert engine.channel("website").long_edge == 1024  # outside a look: read each time
    assert reg.reads[4:] == ["website", "website"]
