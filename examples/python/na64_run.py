#!/usr/bin/env python3
"""Read an na64fe run file without na64fe: a reader written from the project's documents alone.

    python3 na64_run.py RUN.na64            prints the counts `na64fe inspect --json` prints, as JSON

Sources, and nothing else (Python standard library only):
  src/runfile/README.md    the file: prefix, records, CRC-32, SPILL_INDEX, JSON records, counting
  protocol/README.md       the frames: envelope, frame check, message layouts, codes
  src/analysis/README.md   events, spectra, rates, candidates

Checks everything the documents say a reader checks; a record that fails ends the readable part of
the file (what comes before it is intact), a frame that fails its check or does not decode is
counted as a bad frame.

The event builder here joins frames by (spill, trigger) over the whole file at once. The host's
builder works as the frames arrive and can also give up on an event early (a board that already
sent its spill's SCALERS, a trigger 4096 numbers newer, too many waiting events); on a run file in
which every board sent its frames in order these give the same events, which is what this reader
assumes.
"""
import base64
import hashlib
import json
import math
import struct
import sys
import zlib

# ---- run file (src/runfile/README.md) ------------------------------------------------------------

MAGIC = b"NA64RUN\x00"
FORMAT_MAJOR = 1
HEADER, SNAPSHOT, FRAME, SPILL_INDEX, TRAILER = 1, 2, 3, 4, 5
KIND_NAMES = {HEADER: "HEADER", SNAPSHOT: "SNAPSHOT", FRAME: "FRAME", SPILL_INDEX: "SPILL_INDEX", TRAILER: "TRAILER"}
RECORD_HEADER = struct.Struct("<BBHId")  # kind, flags, boardId, bodyBytes, timeMs
CRC_BYTES = 4
MAX_BODY_BYTES = 64 * 1024 * 1024
END_OF_RUN_SPILL = 0xFFFFFFFF
INDEX_HEAD = struct.Struct("<IIddH")  # spillNumber, frameCount, segmentStart, prevIndexOffset, boardCount
INDEX_BOARD = struct.Struct("<HIIIII")  # boardId, frames, bytes, dataFrames, firstSeq, lastSeq


class NotARunFile(Exception):
    pass


def valid_record_at(data, pos):
    """Why no whole valid record starts at pos (None when one does), as src/runfile/README.md checks."""
    if pos + RECORD_HEADER.size > len(data):
        return "torn record"
    kind, flags, _board, nbody, _time = RECORD_HEADER.unpack_from(data, pos)
    if kind not in KIND_NAMES or flags != 0 or nbody > MAX_BODY_BYTES:
        return "bad record header"
    end = pos + RECORD_HEADER.size + nbody
    if end + CRC_BYTES > len(data):
        return "torn record"
    crc, = struct.unpack_from("<I", data, end)
    if zlib.crc32(data[pos:end]) != crc:
        return "CRC"
    return None


def read_run(path):
    """The run file's records, checked as src/runfile/README.md says; resynchronises after damage."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != MAGIC:
        raise NotARunFile(f"{path}: no NA64RUN magic")
    major, _minor, _reserved = struct.unpack_from("<HHI", data, 8)
    if major != FORMAT_MAJOR:
        raise NotARunFile(f"{path}: run-file format major {major}")

    run = {"fileBytes": len(data), "header": None, "snapshot": None, "trailer": None, "spills": [],
           "frames": [], "tail": 0, "problem": None, "indexProblems": 0}
    pos = 16
    records = []  # (offset, kind, boardId, timeMs, body, end)
    while pos < len(data):
        why = valid_record_at(data, pos)
        if why:
            # Skip to the next offset where a whole valid record starts (its CRC included).
            if run["problem"] is None:
                run["problem"] = (pos, why)
            pos += 1
            while pos < len(data) and valid_record_at(data, pos):
                pos += 1
            continue
        kind, _flags, board, nbody, time_ms = RECORD_HEADER.unpack_from(data, pos)
        end = pos + RECORD_HEADER.size + nbody
        records.append((pos, kind, board, time_ms, data[pos + RECORD_HEADER.size:end], end + CRC_BYTES))
        pos = end + CRC_BYTES

    if not records or records[0][1] != HEADER or records[0][0] != 16:
        raise NotARunFile(f"{path}: no HEADER record")
    run["header"] = json.loads(records[0][4].decode("utf-8"))
    rest = records[1:]
    if rest and rest[0][1] == SNAPSHOT:
        run["snapshot"] = json.loads(rest[0][4].decode("utf-8"))
        segment_start = rest[0][5]
        rest = rest[1:]
    else:
        if run["problem"] is None:
            run["problem"] = (rest[0][0] if rest else pos, "no SNAPSHOT")
        segment_start = records[0][5]

    prev_index = -1
    segment = []  # FRAME records since the last index taken: (offset, board, timeMs, body)
    for (offset, kind, board, time_ms, body, end) in rest:
        if run["trailer"] is not None:
            run["indexProblems"] += 1  # a record after the trailer
            continue
        if kind == FRAME:
            segment.append((offset, board, time_ms, body))
        elif kind == SPILL_INDEX:
            taken = take_index(run, body, offset, time_ms, segment_start, prev_index, segment)
            if taken:
                prev_index = offset
                segment_start = end
                segment = []
        elif kind == TRAILER:
            run["trailer"] = json.loads(body.decode("utf-8"))
        else:
            run["indexProblems"] += 1  # HEADER or SNAPSHOT among the frames
    run["tail"] += len(segment)
    run["frames"].extend(segment)  # the recovered tail, read like the rest
    run["frames"].sort(key=lambda f: f[0])
    damaged = run["problem"] is not None or run["indexProblems"] > 0 or any(s["missingFrames"] for s in run["spills"])
    run["closed"] = run["trailer"] is not None and not damaged
    return run


def board_counts(segment):
    """Per-board counts of FRAME records, in a SPILL_INDEX entry's terms."""
    counts = {}
    for (_offset, board, _time, frame) in segment:
        _magic, _version, ftype, _source, _length, seq, _check = ENVELOPE.unpack_from(frame, 0)
        c = counts.setdefault(board, {"boardId": board, "frames": 0, "bytes": 0, "dataFrames": 0, "firstSeq": seq, "lastSeq": seq})
        c["frames"] += 1
        c["bytes"] += len(frame)
        c["dataFrames"] += ftype in (0x09, 0x0A, 0x13)
        c["lastSeq"] = seq
    return counts


def take_index(run, body, offset, time_ms, segment_start, prev_index, segment):
    """A SPILL_INDEX record against the frames read since the last index taken; True when taken."""
    if len(body) < INDEX_HEAD.size:
        run["indexProblems"] += 1
        return False
    spill, n, start, prev, nboards = INDEX_HEAD.unpack_from(body, 0)
    if len(body) != INDEX_HEAD.size + nboards * INDEX_BOARD.size + 4 * n:
        run["indexProblems"] += 1
        return False
    boards = []
    for i in range(nboards):
        b = INDEX_BOARD.unpack_from(body, INDEX_HEAD.size + i * INDEX_BOARD.size)
        boards.append(dict(zip(("boardId", "frames", "bytes", "dataFrames", "firstSeq", "lastSeq"), b)))
    listed = [int(start) + o for o in struct.unpack_from(f"<{n}I", body, INDEX_HEAD.size + nboards * INDEX_BOARD.size)]
    read = {f[0]: f for f in segment}
    mine = [read[o] for o in listed if o in read]
    missing = len(listed) - len(mine)
    intact = missing == 0 and len(segment) == len(listed) and start == segment_start
    if intact:
        if prev != prev_index or sum(b["frames"] for b in boards) != n:
            run["indexProblems"] += 1
        found = board_counts(segment)
        if sorted(found) != sorted(b["boardId"] for b in boards) or any(found[b["boardId"]] != b for b in boards if b["boardId"] in found):
            run["indexProblems"] += 1
    elif not mine and listed:
        run["indexProblems"] += 1  # lists none of the frames read before it: not this file's
        return False
    elif missing == 0 and len(segment) != len(listed) and start == segment_start:
        run["indexProblems"] += 1  # an intact segment it does not describe
        return False
    listed_set = set(listed)
    orphans = [f for f in segment if f[0] not in listed_set]  # behind a lost index
    run["tail"] += len(orphans)
    run["frames"].extend(orphans)
    run["frames"].extend(mine)
    info = {"spillNumber": spill, "frames": len(mine), "boards": boards, "segmentStart": int(start),
            "indexOffset": offset, "timeMs": time_ms, "missingFrames": missing}
    if spill != END_OF_RUN_SPILL:
        run["spills"].append(info)
    return True


# ---- frames (protocol/README.md) -----------------------------------------------------------------

ENVELOPE = struct.Struct("<HBBHHII")  # magic, version, type, source, length, seq, check
FRAME_MAGIC = 0xA64E
PROTO_MAJOR = 1
CHECK_AT = 12
MAX_PAYLOAD = 8176

# Message layouts, transcribed from protocol/README.md's tables. Field kinds:
#   (name, fmt)                          a scalar
#   (name, fmt, k)                       a fixed array of k scalars
#   (name, "array", count, max, fmt)     a counted array: count, then that many values
#   (name, "soa", count, max, columns)   one count, then each column's values in turn
#   (name, "bytes" | "text", count, max) a counted byte string (text: UTF-8)
# fmt is a struct code: B u8, H u16, I u32, f f32.
U8, U16, U32, F32 = "B", "H", "I", "f"
MESSAGES = {
    0x01: ("HELLO", [("role", U8), ("fwMajor", U8), ("fwMinor", U8), ("fwPatch", U8), ("protoMajor", U8),
                     ("protoMinor", U8), ("channelCount", U8), ("frontEnd", U8), ("capabilities", U32),
                     ("bootCount", U32), ("uptimeMs", U32), ("state", U8), ("configVersion", U32),
                     ("configHash", U32), ("runNumber", U32), ("spillNumber", U32), ("ringOldestSeq", U32),
                     ("rxWindowFrames", U16), ("maxPayloadBytes", U16)]),
    0x02: ("CONFIG", [("configVersion", U32), ("role", U8), ("flags", U16), ("windowSamples", U8),
                      ("pedestalSamples", U8), ("signalStartSample", U8), ("signalEndSample", U8),
                      ("pileupRiseAdc", U16), ("triggerEnableMask", U8), ("coincMask", U8),
                      ("coincWindowTicks", U16), ("vetoMask", U8), ("vetoWindowTicks", U16), ("psMinSumAdc", U16),
                      ("ecalMaxSumAdc", U16), ("prescaleBeam", U32), ("prescaleRandom", U32),
                      ("prescaleCalib", U32), ("randomPeriodTicks", U32), ("calibPeriodTicks", U32),
                      ("deadTimeTicks", U32), ("coincMinCounters", U8),
                      ("channels", "soa", U8, 72, [("thresholdAdc", U16), ("pedestalQ4", U16), ("timeExpectedQ8", U16),
                                                  ("timeHalfWindowQ8", U16), ("vetoThresholdAdc", U16),
                                                  ("energyEvPerAdc", U32), ("chanFlags", U8)])]),
    0x03: ("CONFIG_ACK", [("configVersion", U32), ("configHash", U32), ("channelCount", U8), ("persisted", U8)]),
    0x04: ("CONFIG_NACK", [("configVersion", U32), ("reason", U8), ("fieldId", U16), ("index", U16), ("value", F32)]),
    0x05: ("CONFIG_READ", []),
    0x06: ("RUN_CONTROL", [("action", U8), ("runNumber", U32), ("spillNumber", U32), ("configHash", U32)]),
    0x07: ("INJECT", [("records", "bytes", U16, 8174)]),
    0x08: ("FE_WRITE", [("regs", "soa", U16, 400, [("addr", U16), ("value", U32)])]),
    0x09: ("EVENT", [("spillNumber", U32), ("triggerNumber", U32), ("timestampTicks", U32), ("configHash", U32),
                     ("triggerType", U8), ("eventFlags", U8), ("energySumKeV", U32),
                     ("hits", "soa", U8, 72, [("channel", U8), ("amplitudeAdc", U16), ("timeQ8", U16), ("flags", U8)])]),
    0x0A: ("TRIGGER", [("spillNumber", U32), ("triggerNumber", U32), ("timestampTicks", U32), ("configHash", U32),
                       ("triggerType", U8), ("typeMask", U8), ("inputPattern", U8), ("psSumAdc", U16),
                       ("ecalSumAdc", U16)]),
    0x0B: ("SCALERS", [("runNumber", U32), ("spillNumber", U32), ("spillTicks", U32), ("deadTicks", U32),
                       ("beamCoincidences", U32), ("rawTriggers", U32, 4), ("acceptedTriggers", U32, 4),
                       ("inhibitedBusy", U32), ("inhibitedDead", U32), ("fifoRecords", U32), ("fifoMaxDepth", U16),
                       ("eventsSent", U32), ("hitsSent", U32), ("framesResent", U32), ("busyTicks", U32),
                       ("channels", "soa", U8, 72, [("channel", U8), ("hits", U32)])]),
    0x0C: ("STATUS", [("state", U8), ("runNumber", U32), ("spillNumber", U32), ("configHash", U32), ("uptimeMs", U32),
                      ("bootCount", U32), ("eventsPending", U16), ("ringUsed", U16), ("busy", U8),
                      ("errorCount", U16), ("lastErrorCode", U16)]),
    0x0D: ("LOG", [("level", U8), ("code", U16), ("arg0", U32), ("arg1", U32), ("text", "text", U8, 200)]),
    0x0E: ("RESEND", [("fromSeq", U32), ("count", U16)]),
    0x0F: ("ACK", [("ackSeq", U32), ("windowFrames", U16)]),
    0x10: ("AUTH_CHALLENGE", [("hostNonce", U8, 16)]),
    0x11: ("AUTH_PROOF", [("boardNonce", U8, 16), ("mac", U8, 16)]),
    0x12: ("AUTH_TAG", [("seq", U32), ("mac", U8, 16)]),
}


class BadFrame(Exception):
    pass


def frame_check(frame):
    """The first 4 SHA-256 digest bytes of the frame with its check bytes zeroed, in digest order."""
    zeroed = frame[:CHECK_AT] + b"\x00\x00\x00\x00" + frame[CHECK_AT + 4:]
    return hashlib.sha256(zeroed).digest()[:4]


def decode_payload(fields, p):
    out, o = {}, 0

    def take(fmt, n=1):
        nonlocal o
        size = struct.calcsize("<" + fmt) * n
        if o + size > len(p):
            raise BadFrame("truncated payload")
        v = struct.unpack_from(f"<{n}{fmt}", p, o)
        o += size
        for x in v:
            if fmt == F32 and not math.isfinite(x):
                raise BadFrame("f32 not finite")
        return list(v)

    for field in fields:
        name = field[0]
        if len(field) == 2:
            out[name] = take(field[1])[0]
        elif len(field) == 3:
            out[name] = take(field[1], field[2])
        else:
            kind, count_fmt, limit = field[1], field[2], field[3]
            n = take(count_fmt)[0]
            if n > limit:
                raise BadFrame(f"{name}: count {n} above {limit}")
            if kind == "array":
                out[name] = take(field[4], n)
            elif kind == "soa":
                out[name] = {"n": n}
                for col, fmt in field[4]:
                    out[name][col] = take(fmt, n)
            elif kind == "bytes":
                out[name] = bytes(take(U8, n))
            else:
                try:
                    out[name] = bytes(take(U8, n)).decode("utf-8")
                except UnicodeDecodeError:
                    raise BadFrame(f"{name}: not UTF-8")
    if o != len(p):
        raise BadFrame("bytes after the last field")
    return out


def decode_frame(frame):
    """(type name, source, seq, payload dict) of one sealed frame; BadFrame when it cannot be used."""
    if len(frame) < ENVELOPE.size:
        raise BadFrame("shorter than the envelope")
    magic, version, mtype, source, length, seq, _check = ENVELOPE.unpack_from(frame, 0)
    if magic != FRAME_MAGIC or length > MAX_PAYLOAD or len(frame) != ENVELOPE.size + length:
        raise BadFrame("envelope")
    if frame[CHECK_AT:CHECK_AT + 4] != frame_check(frame):
        raise BadFrame("frame check")
    if version >> 4 != PROTO_MAJOR:
        raise BadFrame("protocol major")
    if mtype not in MESSAGES:
        raise BadFrame("unknown type")
    name, fields = MESSAGES[mtype]
    return name, source, seq, decode_payload(fields, frame[ENVELOPE.size:])


# ---- the physics summary (src/analysis/README.md) ------------------------------------------------

PHYSICS, BEAM, RANDOM, CALIBRATION = 1, 2, 3, 4
TYPE_NAMES = {PHYSICS: "physics", BEAM: "beam", RANDOM: "random", CALIBRATION: "calibration"}
VETOED = 0x01


def bit(trigger_type):
    return 1 << (trigger_type - 1)


class Histogram:
    def __init__(self, lo, hi, n):
        self.lo, self.hi = lo, hi
        self.bins, self.under, self.over, self.entries = [0] * n, 0, 0, 0

    def add(self, x):
        self.entries += 1
        if x < self.lo:
            self.under += 1
        elif x >= self.hi:
            self.over += 1
        else:
            self.bins[math.floor((x - self.lo) / (self.hi - self.lo) * len(self.bins))] += 1

    def counts(self):
        return {"bins": self.bins, "under": self.under, "over": self.over, "entries": self.entries}


def physics(run):
    snap = run["snapshot"]
    setup = snap["setup"]
    boards = setup["boards"]
    ids = [b["id"] for b in boards]
    trig_id = next(b["id"] for b in boards if b["role"] == "trigger")
    veto_id = next((b["id"] for b in boards if b["role"] == "veto"), None)
    reading = lambda det: [b["id"] for b in boards if b["channels"] and all(c["det"] == det for c in b["channels"])]
    ecal_ids, hcal_ids = reading("ECAL"), reading("HCAL")
    pushed_hash = {b["boardId"]: b["configHash"] for b in snap["boards"]}

    settings = snap["preset"]["settings"]
    e0 = settings["beam"]["energyGeV"]["value"]
    hcal_max = settings["analysis"]["hcalVetoMaxGeV"]["value"]
    ecal_max = settings["analysis"]["ecalSignalMaxFractionOfE0"]["value"] * e0
    signal = snap.get("signal")

    stats = {"frames": 0, "events": 0, "complete": 0, "incomplete": 0, "zeroHitEvents": 0, "duplicates": 0,
             "ignored": 0, "unexpected": 0, "unknownSource": 0, "hashMismatches": 0}
    bad = 0
    events = {}  # (spill, trigger) -> {board id: payload}, in order of first frame
    spill_ticks = {}  # spill -> the trigger board's first SCALERS spillTicks
    trigger_ticks = {}  # spill -> its latest TRIGGER timestamp (ticks from the spill's start)
    scalers_seen = set()  # (spill, board)
    for (_offset, _board, _time, frame) in run["frames"]:
        try:
            name, source, _seq, body = decode_frame(frame)
        except BadFrame:
            bad += 1
            continue
        stats["frames"] += 1
        if name not in ("EVENT", "TRIGGER", "SCALERS"):
            stats["ignored"] += 1
            continue
        if source not in ids:
            stats["unknownSource"] += 1
            continue
        if name == "SCALERS":
            if (body["spillNumber"], source) in scalers_seen:
                stats["duplicates"] += 1
            elif source == trig_id:
                spill_ticks[body["spillNumber"]] = body["spillTicks"]
            scalers_seen.add((body["spillNumber"], source))
            continue
        if name == "TRIGGER":
            trigger_ticks[body["spillNumber"]] = max(trigger_ticks.get(body["spillNumber"], 0), body["timestampTicks"])
        if (name == "TRIGGER") != (source == trig_id):
            stats["unexpected"] += 1
            continue
        parts = events.setdefault((body["spillNumber"], body["triggerNumber"]), {})
        if source in parts:
            stats["duplicates"] += 1
            continue
        parts[source] = body
        if source in pushed_hash and body["configHash"] != pushed_hash[source]:
            stats["hashMismatches"] += 1

    by_type = {n: 0 for n in TYPE_NAMES.values()}
    ecal_beam, ecal_physics = Histogram(0, 1.25 * e0, 25), Histogram(0, 1.25 * e0, 25)
    beam_of_type_physics = candidates = 0
    for parts in events.values():
        stats["events"] += 1
        if all(i in parts for i in ids):
            stats["complete"] += 1
        else:
            stats["incomplete"] += 1
        if all(p["hits"]["n"] == 0 for i, p in parts.items() if i != trig_id):
            stats["zeroHitEvents"] += 1
        trig = parts.get(trig_id)
        if trig and trig["triggerType"] in TYPE_NAMES:
            by_type[TYPE_NAMES[trig["triggerType"]]] += 1
        gev = lambda board_ids: sum((parts[i]["energySumKeV"] / 1e6 if i in parts else 0) for i in board_ids)
        ecal, hcal = gev([i for i in ids if i in ecal_ids]), gev([i for i in ids if i in hcal_ids])
        vetoed = veto_id in parts and parts[veto_id]["eventFlags"] & VETOED != 0
        if not trig:
            continue
        if trig["typeMask"] & bit(BEAM):
            ecal_beam.add(ecal)
            if trig["triggerType"] == PHYSICS:
                beam_of_type_physics += 1
        if trig["typeMask"] & bit(PHYSICS):
            ecal_physics.add(ecal)
            in_window = signal is not None and signal["ecalLowGeV"] <= ecal <= signal["ecalHighGeV"]
            if not vetoed and hcal < hcal_max and (ecal < ecal_max or in_window):
                candidates += 1

    # A spill without the trigger board's SCALERS (it never finished) counts the beam its triggers span.
    spans = [spill_ticks[s] if s in spill_ticks else trigger_ticks[s] for s in set(spill_ticks) | set(trigger_ticks)]
    beam_seconds = sum(spans) * setup["clockNs"] / 1e9 if spans else None
    out = {"frames": stats["frames"] + bad, "badFrames": bad, "builder": stats, "beamSeconds": beam_seconds,
           "triggersByType": by_type, "ecalBeamGeV": ecal_beam.counts(), "ecalBeamOfTypePhysics": beam_of_type_physics,
           "ecalPhysicsGeV": ecal_physics.counts(), "missingEnergyCandidates": candidates}
    if beam_seconds:
        out["ratesHz"] = {k: n / beam_seconds for k, n in by_type.items()}
    return out


def summary(path):
    run = read_run(path)
    snap = run["snapshot"] or {"boards": []}
    boards = []
    for b in snap["boards"]:
        payload = base64.b64decode(b["configPayload"])
        config_hash = int.from_bytes(hashlib.sha256(payload).digest()[:4], "little")
        entry = {"boardId": b["boardId"], "name": b["name"], "role": b["role"], "configHash": b["configHash"],
                 "hashOk": config_hash == b["configHash"]}
        if "hello" in b:
            h = b["hello"]
            entry["firmware"] = f'{h["fwMajor"]}.{h["fwMinor"]}.{h["fwPatch"]}'
        boards.append(entry)
    # inspect's `ok` also asks the run's checks to pass (src/README.md, "Checks"); they are not redone here.
    file_ok = run["closed"] and run["tail"] == 0 and all(b["hashOk"] for b in boards)
    result = {
        "fileBytes": run["fileBytes"],
        "fileOk": file_ok,
        "status": {"closed": run["closed"], "completeSpills": sum(1 for x in run["spills"] if x["missingFrames"] == 0), "tail": {"frames": run["tail"]},
                   **({"problem": {"offset": run["problem"][0]}} if run["problem"] else {})},
        "header": run["header"],
        "boards": boards,
        "spills": run["spills"],
    }
    if run["trailer"] is not None:
        result["trailer"] = run["trailer"]
    if run["snapshot"] is not None:
        result["physics"] = physics(run)
    return result


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    try:
        print(json.dumps(summary(sys.argv[1]), indent=2))
    except NotARunFile as e:
        sys.exit(f"na64_run.py: {e}")
