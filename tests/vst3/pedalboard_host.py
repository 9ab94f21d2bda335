#!/usr/bin/env python3
"""A second, independent host for the suite: every built .vst3 bundle in JUCE's VST3 hosting
(pedalboard), checked as a DAW user would meet it.

For each plugin: parameters present under their display names and units; two renders of the same
settings identical, the first after a change included; identical output at buffer sizes 1, 64 and
4096; reported latency equal to an impulse's delay (pedalboard compensates what is reported, so a
compensated impulse must come out where it went in) after every latency-changing setting; state
round trip; NaN/Inf/subnormal input gives finite output with no subnormal sample.

Usage: pedalboard_host.py BUNDLE_DIR   (exit status 1 on any failure, one line per failure)
"""

import sys
from pathlib import Path

import numpy as np
import pedalboard

RATE_HZ = 48_000

# Python attribute names pedalboard derives from "display name + unit" (nice-plug-facts.md).
# Every bundle the build makes must be listed here, so a new plugin cannot skip this host.
EXPECTED = {
    "Vernis Loudness": {
        "params": [
            "target",
            "custom_target_lufs",
            "custom_ceiling_dbtp",
            "reset_on_play",
            "pause",
            "preview",
        ],
        # Settings a user would change, applied before the determinism renders.
        "settings": {"target": "EBU R128", "custom_target_lufs": -16.0},
        # (parameter, values) that change the latency; each value is impulse-checked.
        "latency_settings": [],
        "passthrough": True,
    },
    "Vernis Limiter": {
        "params": [
            "input_gain_db",
            "ceiling_dbtp",
            "lookahead_ms",
            "release_ms",
            "auto_release",
            "stereo_link",
            "style",
            "oversampling",
            "unity_gain",
            "dither",
            "dc_filter",
            "bypass",
            "preview",
            "preview_platform",
        ],
        "settings": {"input_gain_db": 12.0, "ceiling_dbtp": -1.0, "style": "Punchy"},
        "latency_settings": [
            ("lookahead_ms", [0.5, 5.0, 10.0, 2.0]),
            ("oversampling", [1.0, 16.0, 2.0, 4.0]),
        ],
        "passthrough": False,
    },
    "Vernis Multiband": {
        "params": [
            "bands",
            *[f"crossover_{k}_hz" for k in range(1, 6)],
            "crossover_mode",
            "slope",
            "lookahead_ms",
            "mix",
            "output_gain_db",
            "auto_makeup",
            "bypass",
            *[
                f"band_{k}_{what}"
                for k in range(1, 7)
                for what in (
                    "mode",
                    "threshold_db",
                    "ratio",
                    "knee_db",
                    "attack_ms",
                    "release_ms",
                    "range_db",
                    "makeup_db",
                    "detector",
                    "channel",
                    "sidechain",
                    "transient_db",
                    "solo",
                    "mute",
                    "bypass",
                )
            ],
        ],
        # Real dynamics on two bands, so determinism and block-size checks see gain changes.
        "settings": {
            "band_2_threshold_db": -30.0,
            "band_2_ratio": 4.0,
            "band_3_mode": "Compress Up",
            "band_3_ratio": 2.0,
            "output_gain_db": -1.0,
        },
        # Minimum Phase smears an impulse (its crossovers sum to an all-pass); idle Dynamic Phase
        # passes it untouched, so the latency checks run there, with the bands at unity.
        "impulse_settings": {
            "crossover_mode": "Dynamic Phase",
            "band_2_ratio": 1.0,
            "band_3_ratio": 1.0,
        },
        "latency_settings": [
            ("lookahead_ms", [5.0, 10.0, 2.0]),
            ("crossover_mode", ["Linear Phase", "Dynamic Phase"]),
        ],
        # Minimum Phase output is an all-pass of the input, not the input: only finiteness and
        # subnormals are checked.
        "passthrough": False,
    },
    "Vernis Dynamic EQ": {
        "params": [
            "phase",
            "output_gain_db",
            "bypass",
            *[
                f"band_{k}_{what}"
                for k in range(1, 25)
                for what in (
                    "enabled",
                    "shape",
                    "frequency_hz",
                    "gain_db",
                    "q",
                    "slope",
                    "placement",
                    "dynamic",
                    "threshold_db",
                    "ratio",
                    "range_db",
                    "attack_ms",
                    "release_ms",
                    "knee_db",
                    "detector",
                    "trigger",
                    "sidechain",
                    "solo",
                )
            ],
        ],
        # A static low cut, a static shelf and a dynamic bell that acts on the noise, so the
        # determinism and block-size checks see filtering and a moving offset.
        "settings": {
            "band_2_enabled": True,
            "band_2_shape": "Low Cut",
            "band_2_slope": "24 dB/oct",
            "band_10_enabled": True,
            "band_10_gain_db": 4.0,
            "band_10_dynamic": True,
            "band_10_threshold_db": -40.0,
            "band_20_enabled": True,
            "band_20_shape": "High Shelf",
            "band_20_gain_db": -3.0,
            "output_gain_db": -1.0,
        },
        # Minimum-phase filters smear an impulse: the latency check runs with the bands off
        # (then the EQ is the identity).
        "impulse_settings": {
            "band_2_enabled": False,
            "band_10_enabled": False,
            "band_20_enabled": False,
            "output_gain_db": 0.0,
        },
        "latency_settings": [("phase", ["Linear Phase", "Zero Latency"])],
        # Filters: only finiteness and subnormals are checked.
        "passthrough": False,
    },
}

failures = []


def fail(plugin, what):
    failures.append(f"{plugin}: {what}")
    print(f"FAIL {plugin}: {what}", flush=True)


def noise(seconds, rms=0.2, seed=1):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((2, int(seconds * RATE_HZ))) * rms).astype(np.float32)


def render(plugin, audio, buffer_size=512):
    return plugin.process(audio, RATE_HZ, buffer_size=buffer_size, reset=True)


def first_difference(a, b):
    if a.shape != b.shape:
        return f"shapes {a.shape} vs {b.shape}"
    differ = np.flatnonzero((a.view(np.uint32) != b.view(np.uint32)).any(axis=0))
    if differ.size == 0:
        return None
    i = differ[0]
    return (
        f"{differ.size} frames differ, first at {i} ({i / RATE_HZ:.3f} s), "
        f"max |difference| {np.max(np.abs(a - b)):.3g}"
    )


def is_subnormal(x):
    return (x != 0) & (np.abs(x) < np.finfo(np.float32).tiny)


def apply(plugin, settings):
    for key, value in settings.items():
        setattr(plugin, key, value)


def check_parameters(name, plugin, expected):
    keys = set(plugin.parameters.keys())
    missing = [k for k in expected["params"] if k not in keys]
    extra = sorted(keys - set(expected["params"]))
    if missing:
        fail(name, f"parameters missing: {missing} (plugin has {sorted(keys)})")
    if extra:
        fail(name, f"unexpected parameters {extra}: add them to the table in this script")


def check_determinism(name, plugin, expected, x):
    apply(plugin, expected["settings"])
    first = render(plugin, x)
    second = render(plugin, x)
    if (d := first_difference(first, second)) is not None:
        fail(name, f"first render after setting values differs from the second: {d}")
    # Move every value away and back while stopped: the next render must not ramp from it.
    for key in expected["settings"]:
        param = plugin.parameters[key]
        values = param.valid_values if isinstance(getattr(plugin, key), str) else None
        if values:
            other = next(v for v in values if v != getattr(plugin, key))
        elif isinstance(getattr(plugin, key), bool):
            other = not getattr(plugin, key)
        else:
            other = param.min_value
        setattr(plugin, key, other)
    apply(plugin, expected["settings"])
    third = render(plugin, x)
    if (d := first_difference(second, third)) is not None:
        fail(name, f"render after changing values and back differs: {d}")
    return second


def check_buffer_sizes(name, plugin, x):
    short = np.ascontiguousarray(x[:, : RATE_HZ // 4])
    reference = render(plugin, short, buffer_size=4096)
    for size in (1, 64):
        out = render(plugin, short, buffer_size=size)
        if (d := first_difference(reference, out)) is not None:
            fail(name, f"buffer size {size} vs 4096: {d}")


def impulse_position(plugin):
    pre, total = 2000, 2000 + 4 * RATE_HZ // 100 + 4096
    x = np.zeros((2, total), dtype=np.float32)
    x[:, pre] = 0.25
    y = render(plugin, x)
    return int(np.argmax(np.abs(y[0]))) - pre, float(np.max(np.abs(y[0])))


def check_latency(name, plugin, expected):
    for key, value in expected.get("impulse_settings", {}).items():
        setattr(plugin, key, value)
    cases = [("defaults", None, None)] + [
        (key, key, value) for key, values in expected["latency_settings"] for value in values
    ]
    reported = {}
    for label, key, value in cases:
        if key is not None:
            setattr(plugin, key, value)
            # Let a latency change made during processing reach the host.
            render(plugin, np.zeros((2, 2048), dtype=np.float32))
            reported.setdefault(key, set()).add(plugin.reported_latency_samples)
        offset, peak = impulse_position(plugin)
        if peak < 0.01:
            fail(name, f"{label}={value}: impulse lost")
        elif offset != 0:
            fail(
                name,
                f"{label}={value}: reports {plugin.reported_latency_samples} samples, "
                f"compensated impulse off by {offset}",
            )
    # The settings must really move the latency in this host (not only stay self-consistent).
    for key, latencies in reported.items():
        if len(latencies) < 2:
            fail(name, f"{key}: every value reports {sorted(latencies)} samples; the latency never changed")


def check_state(name, path, plugin, expected, x):
    state = plugin.raw_state
    twin = pedalboard.load_plugin(str(path))
    twin.raw_state = state
    for key in expected["params"]:
        if getattr(twin, key) != getattr(plugin, key):
            fail(name, f"state round trip: {key} is {getattr(twin, key)!r}, saved {getattr(plugin, key)!r}")
    if (d := first_difference(render(plugin, x), render(twin, x))) is not None:
        fail(name, f"state round trip renders differently: {d}")


def check_hostile_input(name, plugin, expected, x):
    hostile = x[:, : RATE_HZ // 2].copy()
    hostile[:, 100:200] = np.nan
    hostile[:, 1000:1100] = np.inf
    hostile[:, 1100:1200] = -np.inf
    hostile[:, 3000:9000] *= np.finfo(np.float32).tiny  # subnormal noise
    hostile[:, 9000] = np.finfo(np.float32).max
    y = render(plugin, hostile)
    if is_subnormal(y).any():
        fail(name, f"{int(is_subnormal(y).sum())} subnormal output samples")
    if expected["passthrough"]:
        want = np.where(is_subnormal(hostile), np.float32(0), hostile)
        if (d := first_difference(want, y)) is not None:
            fail(name, f"pass-through of hostile input not bit-exact: {d}")
    elif not np.isfinite(y).all():
        fail(name, f"{int((~np.isfinite(y)).sum())} non-finite output samples")


def main():
    bundle_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "target/bundled")
    bundles = sorted(bundle_dir.glob("*.vst3"))
    if not bundles:
        print(f"no .vst3 bundles in {bundle_dir}: build them first (cargo xtask bundle-all)")
        return 1
    x = noise(2.0)
    for path in bundles:
        name = path.stem
        expected = EXPECTED.get(name)
        if expected is None:
            fail(name, "not in this script's table of expected plugins")
            continue
        print(f"-- {name}", flush=True)
        plugin = pedalboard.load_plugin(str(path))
        check_parameters(name, plugin, expected)
        check_determinism(name, plugin, expected, x)
        check_buffer_sizes(name, plugin, x)
        check_latency(name, plugin, expected)
        check_state(name, path, plugin, expected, x)
        check_hostile_input(name, plugin, expected, x)
    missing = set(EXPECTED) - {p.stem for p in bundles}
    for name in sorted(missing):
        fail(name, f"bundle {name}.vst3 not built in {bundle_dir}")
    print(f"{len(bundles)} VST3 bundle(s) checked in pedalboard {pedalboard.__version__}: "
          f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
