#!/usr/bin/env python3
"""The assistant's hand-over in a real VST3 host: `vernis master --presets` writes one .vstpreset
per plugin; loaded with load_preset() into the Vernis Dynamic EQ, Multiband and Limiter VST3
bundles in pedalboard (JUCE's VST3 hosting, which compensates their latency) and played in
series, the input must come out exactly as the CLI's master (32-bit float, so no dither).

The programme is 12 s of the built-in demo mix and its built-in reference (`vernis demo`), so the
assistant proposes all three stages, the tonal match included.

Usage: pedalboard_handover.py [BUNDLE_DIR]   (default: $CARGO_TARGET_DIR/bundled or target/bundled)
The vernis binary is run with `cargo run -p vernis-cli` (the test build's profile).
Exit status 1 on any failure, one line per failure.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pedalboard
from pedalboard.io import AudioFile

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 12.0
PLUGINS = [
    ("Vernis Dynamic EQ", "dynamic-eq"),
    ("Vernis Multiband", "multiband"),
    ("Vernis Limiter", "limiter"),
]

failures = []


def fail(what):
    failures.append(what)
    print(f"FAIL hand-over: {what}", flush=True)


def vernis(*args):
    cmd = ["cargo", "run", "--quiet", "-p", "vernis-cli", "--", *map(str, args)]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def read(path):
    with AudioFile(str(path)) as f:
        return f.read(f.frames), f.samplerate


def write(path, audio, rate):
    with AudioFile(str(path), "w", rate, audio.shape[0], bit_depth=32) as f:
        f.write(audio)


def main():
    default = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "bundled"
    bundles = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        vernis("demo", tmp / "demo")
        rate = None
        for name in ["demo.wav", "demo-reference.wav"]:
            audio, rate = read(tmp / "demo" / name)
            write(tmp / name, audio[:, : int(SECONDS * rate)], rate)
        vernis("master", tmp / "demo.wav", tmp / "master.wav", "--reference",
               tmp / "demo-reference.wav", "--presets", tmp / "presets", "--format", "wav32f",
               "--report", tmp / "report.json")
        want, _ = read(tmp / "master.wav")
        x, _ = read(tmp / "demo.wav")
        plugins = []
        for bundle, preset in PLUGINS:
            plugin = pedalboard.load_plugin(str(bundles / f"{bundle}.vst3"))
            plugin.load_preset(str(tmp / "presets" / f"{preset}.vstpreset"))
            plugins.append(plugin)
        got = pedalboard.Pedalboard(plugins)(x, rate, buffer_size=512)
        if got.shape != want.shape:
            fail(f"output shape {got.shape}, the CLI's master {want.shape}")
            return
        diff = float(np.abs(got - want).max())
        if diff != 0.0:
            fail(f"the plugins differ from the CLI's master by up to {diff:.3g}")
        print(f"hand-over: the 3 presets in pedalboard {pedalboard.__version__} play the CLI's "
              f"master exactly ({got.shape[1]} frames, max |difference| {diff})", flush=True)


main()
sys.exit(1 if failures else 0)
