#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/seeds/<target>/ (see README.md).

The bytes are valid CDBs and responses written from the MMC/SPC tables
(shared/reference/mmc.md), framed in each target's input layout. Run from anywhere:
    python3 fuzz/make_seeds.py
"""

import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")


def be16(v):
    return struct.pack(">H", v & 0xFFFF)


def be32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def cdb10(op, b1, lba, length, b9=0):
    return bytes([op, b1]) + be32(lba) + bytes([0]) + be16(length) + bytes([b9])


# Valid CDBs of every command the emulator implements (mmc.md §1.2-§1.29).
CDBS = {
    "test_unit_ready": bytes(6),
    "request_sense": bytes([0x03, 0, 0, 0, 18, 0]),
    "request_sense_desc": bytes([0x03, 1, 0, 0, 252, 0]),
    "inquiry": bytes([0x12, 0, 0, 0, 96, 0]),
    "start_stop_eject": bytes([0x1B, 0, 0, 0, 0x02, 0]),
    "start_stop_load": bytes([0x1B, 0, 0, 0, 0x03, 0]),
    "prevent": bytes([0x1E, 0, 0, 0, 1, 0]),
    "allow": bytes([0x1E, 0, 0, 0, 0, 0]),
    "read_capacity": bytes([0x25] + [0] * 9),
    "read10": cdb10(0x28, 0, 0, 16),
    "write10": cdb10(0x2A, 0, 0, 16),
    "synchronize_cache": cdb10(0x35, 0, 0, 0),
    "read_toc": cdb10(0x43, 0, 0, 100),
    "read_toc_msf": cdb10(0x43, 0x02, 0, 100),
    "read_toc_session": bytes([0x43, 0, 0x01, 0, 0, 0, 0, 0, 12, 0]),
    "get_configuration_all": cdb10(0x46, 0x00, 0, 0xFFFF),
    "get_configuration_current": bytes([0x46, 0x01, 0, 0, 0, 0, 0, 0x04, 0, 0]),
    "get_configuration_one": bytes([0x46, 0x02, 0x01, 0x08, 0, 0, 0, 0, 64, 0]),
    "read_disc_information": cdb10(0x51, 0, 0, 34),
    "read_track_information": cdb10(0x52, 0x01, 0xFF, 48),
    "read_track_information_lba": cdb10(0x52, 0x00, 0, 48),
    "reserve_track": bytes([0x53, 0, 0, 0, 0, 0, 0, 0x10, 0, 0]),
    "send_opc": bytes([0x54, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
    "mode_select": bytes([0x55, 0x10, 0, 0, 0, 0, 0, 0, 60, 0]),
    "mode_sense_05": bytes([0x5A, 0x08, 0x05, 0, 0, 0, 0, 0x01, 0, 0]),
    "mode_sense_2a": bytes([0x5A, 0x08, 0x2A, 0, 0, 0, 0, 0x01, 0, 0]),
    "mode_sense_all_changeable": bytes([0x5A, 0x08, 0x7F, 0, 0, 0, 0, 0x04, 0, 0]),
    "close_track": bytes([0x5B, 0, 0x01, 0, 0, 1, 0, 0, 0, 0]),
    "close_session": bytes([0x5B, 0, 0x02, 0, 0, 0, 0, 0, 0, 0]),
}

# Page 05h, 52 bytes (mmc.md §2.1): TAO, multi-session 00b, track mode 4, Mode 1.
PAGE05 = (
    bytes([0x05, 0x32])  # B0 page code 05h; B1 page length 32h
    + bytes([0x01])  # B2 write type 1 (TAO)
    + bytes([0x04])  # B3 multi-session 0, FP 0, copy 0, track mode 4
    + bytes([0x08])  # B4 data block type 8 (Mode 1)
    + bytes([0x00, 0x00, 0x00])  # B5 link size, B6 reserved, B7 host application code
    + bytes([0x00])  # B8 session format 00h (CD-DA / CD-ROM)
    + bytes([0x00])  # B9 reserved
    + be32(0)  # B10-13 packet size
    + be16(150)  # B14-15 audio pause length
    + bytes(16)  # B16-31 media catalog number
    + bytes(16)  # B32-47 ISRC
    + bytes(4)  # B48-51 sub-header
)

# Page 2Ah, 32 bytes incl. header, one write speed descriptor.
PAGE2A = (
    bytes([0x2A, 0x00])  # B0 page code 2Ah; B1 page length (set below: total - 2)
    + bytes([0x3F, 0x37])  # B2 read caps; B3 write caps
    + bytes([0xF1, 0x77, 0x29, 0x23])  # B4-7
    + be16(0x1B90) + be16(0x0100) + be16(0x0800) + be16(0x1B90)  # B8-15
    + be16(0) + be16(0x1B90) + be16(0x1B90) + be16(0)  # B16-23
    + bytes([0, 0, 0, 0x01])  # B24-27 rotation control CAV
    + be16(0x1B90) + be16(1)  # B28-29 speed selected, B30-31 descriptor count
    + bytes([0, 0x01]) + be16(0x1B90)  # B32-35 write speed descriptor
)
PAGE2A = bytes([PAGE2A[0], len(PAGE2A) - 2]) + PAGE2A[2:]


def mode_list(*pages, sense=True):
    body = b"".join(pages)
    total = 8 + len(body)
    mdl = total - 2 if sense else 0
    return be16(mdl) + bytes(4) + be16(0) + body


def feature(code, flags, payload):
    return be16(code) + bytes([flags, len(payload)]) + payload


FEATURES = [
    feature(0x0000, 0x03, be16(0x001B) + bytes([1, 0]) + be16(0x0009) + bytes([0, 0])),  # Profile List
    feature(0x0001, 0x0B, be32(1) + bytes([0x03, 0, 0, 0])),  # Core v2
    feature(0x0003, 0x0B, bytes([0x39, 0, 0, 0])),  # Removable Medium
    feature(0x0010, 0x01, be32(2048) + be16(16) + bytes([0, 0])),  # Random Readable
    feature(0x0021, 0x05, be16(0x0101) + bytes([0x04, 2, 7, 16, 0, 0])),  # Incremental Streaming
    feature(0x002B, 0x01, bytes([1, 0, 0, 0])),  # DVD+R
    feature(0x002D, 0x09, bytes([0x46, 0]) + be16(0x0101)),  # CD TAO
    feature(0x002F, 0x05, bytes([0x44, 0, 0, 0])),  # DVD-R/-RW Write
    feature(0x0041, 0x05, bytes([1, 0, 0, 0]) + bytes(8) + be16(0x0002) + bytes(14)),  # BD Write
    feature(0x0108, 0x03, b"EMU123456789"),  # Drive Serial Number
]
CONFIGURATION = be32(4 + sum(len(f) for f in FEATURES)) + bytes(2) + be16(0x001B) + b"".join(FEATURES)

INQUIRY = (
    bytes([0x05, 0x80, 0x05, 0x02, 91, 0, 0, 0])
    + b"DISCMSTR"
    + b"EMU RECORDER    "
    + b"1.00"
    + bytes(22)
    + be16(0x02A0) + be16(0x0300)
    + bytes(34)
)

DISC_INFO = (
    be16(32 + 8) + bytes([0x0E, 1, 1, 1, 1, 0x20, 0x00, 0, 0, 0]) + be32(0)
    + bytes([0, 97, 26, 65]) + bytes([0, 79, 59, 74]) + bytes(8) + bytes([0, 1])
    + be16(0x1B90) + bytes(6)
)

TRACK_INFO = (
    be16(46) + bytes([1, 1, 0, 0x04, 0x41, 0x01]) + be32(0) + be32(16) + be32(359849 - 16)
    + be32(0) + be32(359849) + be32(15) + bytes([0, 0, 0, 0]) + be32(0) + be32(0) + be32(0)
)

TOC = be16(2 + 16) + bytes([1, 1]) + bytes([0, 0x14, 1, 0]) + be32(0) + bytes([0, 0x14, 0xAA, 0]) + be32(16)
TOC_MSF = be16(2 + 16) + bytes([1, 1]) + bytes([0, 0x14, 1, 0, 0, 0, 2, 0]) + bytes([0, 0x14, 0xAA, 0, 0, 0, 2, 16])

SENSE_FIXED = bytes([0xF0, 0, 0x05]) + be32(0x10) + bytes([10]) + bytes(4) + bytes([0x24, 0, 0, 0xC8, 0, 2])
SENSE_PROGRESS = bytes([0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x04, 0x07, 0, 0x80, 0x80, 0x00])
SENSE_DESC = (
    bytes([0x72, 0x05, 0x24, 0x00, 0, 0, 0, 20])
    + bytes([0x00, 0x0A, 0x80, 0]) + bytes(4) + be32(0x1234)
    + bytes([0x02, 0x06, 0, 0, 0xC8, 0, 2, 0])
)

MMC_SEEDS = {
    0: {f"cdb_{k}": v for k, v in CDBS.items()},
    1: {f"row_{i}": bytes([i]) + bytes(15) for i in range(18)},
    2: {"fixed": SENSE_FIXED, "progress": SENSE_PROGRESS, "descriptor": SENSE_DESC},
    3: {"inquiry": INQUIRY},
    4: {"capacity": be32(359848) + be32(2048)},
    5: {"disc_info": DISC_INFO},
    6: {"track_info": TRACK_INFO},
    7: {"toc": TOC, "toc_msf": TOC_MSF},
    8: {"configuration": CONFIGURATION},
    9: {f"feature_{i}": f for i, f in enumerate(FEATURES)},
    10: {"mode_sense": mode_list(PAGE05, PAGE2A)},
    11: {"mode_select": mode_list(PAGE05, sense=False)},
    12: {"page05": PAGE05},
    13: {"page2a": PAGE2A},
    14: {"header": mode_list(), "page05": PAGE05},
}

# ---- emu_dispatch: [setup][head][cdb][len16][data] ... --------------------------------------

MEDIA = {"empty": 0, "cd": 1, "dvd_minus_r": 2, "dvd_plus_r": 3, "bd": 4}


def cmd(cdb, length=0, data=b"", phase=0):
    if length >= 0x8000:
        assert length % 8 == 0 and length // 8 < 0x8000
        field = 0x8000 | (length // 8)
    else:
        field = length
    return bytes([(phase << 5) | len(cdb)]) + cdb + be16(field) + data


def write(lba, blocks, fill=0x5A):
    data = bytes([fill]) * min(blocks * 2048, 512)  # the rest of the buffer is zero
    return cmd(cdb10(0x2A, 0, lba, blocks), blocks * 2048, data)


INFO = [
    cmd(CDBS["inquiry"], 96),
    cmd(CDBS["get_configuration_all"], 1024),
    cmd(CDBS["read_disc_information"], 34),
    cmd(CDBS["read_track_information"], 48),
    cmd(CDBS["read_capacity"], 8),
    cmd(CDBS["mode_sense_05"], 256),
    cmd(CDBS["mode_sense_2a"], 256),
    cmd(CDBS["read_toc"], 100),
]


def burn(reserve=False):
    seq = []
    if reserve:
        seq.append(cmd(CDBS["reserve_track"]))
    seq += [
        cmd(CDBS["send_opc"]),
        write(0, 16),
        write(16, 16),
        cmd(CDBS["synchronize_cache"]),
        cmd(CDBS["close_track"]),
        cmd(CDBS["close_session"]),
        cmd(CDBS["read_toc"], 100),
        cmd(CDBS["read_toc_session"], 12),
        cmd(cdb10(0x28, 0, 0, 32), 65536),
        cmd(CDBS["read_track_information"], 48),
    ]
    return seq


EMU_SEEDS = {}
for name, kind in MEDIA.items():
    setup = kind | 0x08 | 0x10
    EMU_SEEDS[f"info_{name}"] = bytes([setup]) + b"".join(INFO)
    if kind:
        EMU_SEEDS[f"burn_{name}"] = bytes([setup | 0x20]) + b"".join(burn())
EMU_SEEDS["burn_dvd_minus_r_reserved"] = bytes([MEDIA["dvd_minus_r"] | 0x38]) + b"".join(burn(True))
EMU_SEEDS["mode_select_cd"] = bytes([MEDIA["cd"] | 0x18]) + b"".join(
    [
        cmd(CDBS["mode_sense_05"], 256),
        cmd(cdb10(0x55, 0x10, 0, len(mode_list(PAGE05, sense=False))), len(mode_list(PAGE05, sense=False)),
            mode_list(PAGE05, sense=False)),
        write(0, 4),
        cmd(CDBS["close_track"]),
    ]
)
EMU_SEEDS["sense_and_eject"] = bytes([MEDIA["dvd_plus_r"] | 0x10]) + b"".join(
    [
        cmd(CDBS["test_unit_ready"]),
        cmd(CDBS["request_sense"], 18),
        cmd(bytes([0x99] + [0] * 15)),
        cmd(CDBS["request_sense_desc"], 252),
        cmd(CDBS["prevent"]),
        cmd(CDBS["start_stop_eject"]),
        cmd(CDBS["allow"]),
        cmd(CDBS["start_stop_eject"]),
        cmd(CDBS["test_unit_ready"]),
        cmd(CDBS["start_stop_load"]),
    ]
)
EMU_SEEDS["every_cdb_empty_tray"] = bytes([0x10]) + b"".join(cmd(c, 64) for c in CDBS.values())


def main():
    for target, seeds in (("mmc_parsers", None), ("emu_dispatch", EMU_SEEDS)):
        d = os.path.join(ROOT, target)
        os.makedirs(d, exist_ok=True)
        if seeds is None:
            seeds = {f"{sel:02d}_{n}": bytes([sel]) + b for sel, group in MMC_SEEDS.items() for n, b in group.items()}
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(seeds)} seeds in {d}")


if __name__ == "__main__":
    main()
