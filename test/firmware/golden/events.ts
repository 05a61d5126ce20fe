// Golden vectors of the calorimeter and veto event processing (devs/core/digitiser.ts): a configuration, the channels and samples of one FIFO EVENT record, and the
// hits, energy sum and event flags the firmware must produce. Each vector is processed in slices
// of `slice` channels, as the firmware does for large events. The expected numbers agree with the
// independent reference model (test/firmware/reference-events.ts, checked by vitest).
import { BoardRole, ConfigFlag } from "../../../protocol/schema/enums"
import { BoardConfig, boardConfigOf } from "../../../devs/core/config"
import { SampleBlock, pulseWindowOf } from "../../../devs/core/hits"
import { DigitiserEvent, energySumKeV, finishEvent, processChannels } from "../../../devs/core/digitiser"
import { PulseWindow } from "../../../devs/core/pulse"
import { HostConfig, caloConfig, vetoConfig } from "./configs"
import { columnValues, samplesToBytes } from "./support"

export interface EventOutcome {
    hits: { n: number; channel: number[]; amplitudeAdc: number[]; timeQ8: number[]; flags: number[] }
    energySumKeV: number
    eventFlags: number
    strayChannels: number
}

export interface EventVector {
    name: string
    /** As the host sends it (the reference model reads it so); the firmware gets boardConfigOf(config). */
    config: HostConfig
    slice: number
    channels: number[]
    samples: number[]
    expect: EventOutcome
}

function caloConfigNoZs(n: number): HostConfig {
    const c = caloConfig(n)
    c.flags = c.flags & ~ConfigFlag.ZERO_SUPPRESSION
    return c
}

/** processChannels as a function value: the portable one (devs/core) or the firmware's specialised copy (devs/ds-core). */
export type ProcessChannels = (c: BoardConfig, w: PulseWindow, rec: SampleBlock, from: number, to: number, ev: DigitiserEvent) => void

/** Run one vector through the firmware code (calorimeter or veto by the configuration's role). */
export function runEventVector(v: EventVector, process: ProcessChannels = processChannels): EventOutcome {
    const pad = 3
    const rec: SampleBlock = { channels: v.channels, buf: samplesToBytes(v.samples, pad), off: pad }
    const c = boardConfigOf(v.config)
    const w = pulseWindowOf(c)
    const n = v.channels.length
    const ev = new DigitiserEvent()
    ev.reset()
    for (let from = 0; from < n; from += v.slice) process(c, w, rec, from, from + v.slice < n ? from + v.slice : n, ev)
    const flags = finishEvent(c, ev)
    const hits = ev.hits
    const energyKeV = c.role === BoardRole.VETO ? 0 : energySumKeV(ev.energyEv)
    const stray = ev.strayChannels
    return {
        hits: {
            n: hits.n,
            channel: columnValues(hits.channel, hits.n, 1),
            amplitudeAdc: columnValues(hits.amplitudeAdc, hits.n, 2),
            timeQ8: columnValues(hits.timeQ8, hits.n, 2),
            flags: columnValues(hits.flags, hits.n, 1),
        },
        energySumKeV: energyKeV,
        eventFlags: flags,
        strayChannels: stray,
    }
}

export const EVENT_VECTORS: EventVector[] = [
    {
        name: "calorimeter: shower cells, small cell under threshold, saturated, pile-up, disabled and unknown channels",
        config: caloConfig(8),
        slice: 3,
        channels: [0, 1, 2, 3, 5, 6, 9],
        samples: [198, 200, 198, 204, 200, 203, 201, 202, 201, 205, 249, 539, 1063, 1506, 1678, 1634, 1484, 1315, 1156, 1017, 890, 794, 708, 639, 575, 527, 506, 495, 480, 469, 452, 441, 201, 203, 200, 202, 201, 203, 201, 204, 199, 204, 200, 205, 201, 206, 203, 205, 202, 206, 202, 205, 200, 205, 205, 203, 202, 203, 203, 205, 200, 206, 203, 205, 201, 202, 201, 204, 199, 201, 200, 204, 200, 205, 404, 1602, 3599, 4095, 4095, 4095, 4095, 3930, 3401, 2935, 2517, 2183, 1904, 1661, 1462, 1295, 1246, 1206, 1158, 1117, 1068, 1027, 200, 202, 201, 204, 200, 203, 199, 201, 201, 204, 231, 422, 726, 939, 1001, 958, 867, 775, 694, 625, 557, 505, 464, 428, 395, 373, 362, 358, 347, 344, 336, 333, 198, 205, 199, 202, 204, 201, 200, 202, 202, 202, 215, 310, 499, 689, 782, 781, 729, 670, 662, 700, 718, 697, 645, 587, 536, 491, 453, 433, 408, 390, 375, 363, 198, 204, 199, 203, 197, 203, 202, 204, 199, 203, 201, 202, 198, 205, 197, 205, 227, 288, 354, 393, 395, 381, 357, 339, 315, 301, 281, 274, 260, 257, 249, 243, 203, 203, 199, 203, 202, 203, 200, 202, 198, 202, 203, 229, 265, 299, 300, 297, 283, 272, 262, 255, 245, 242, 230, 229, 226, 223, 220, 222, 218, 217, 216, 219],
        expect: {
            hits: { n: 4, channel: [0, 2, 5, 6], amplitudeAdc: [1480, 3894, 584, 197], timeQ8: [3657, 3712, 3697, 5061], flags: [20, 21, 22, 16] },
            energySumKeV: 148950000,
            eventFlags: 4,
            strayChannels: 2,
        },
    },
    {
        name: "calorimeter: nothing above threshold is an ordinary event with zero hits",
        config: caloConfig(8),
        slice: 8,
        channels: [0, 4],
        samples: [200, 201, 199, 202, 199, 203, 201, 203, 199, 201, 200, 201, 200, 204, 200, 206, 203, 205, 201, 202, 200, 204, 200, 205, 199, 202, 198, 204, 201, 203, 202, 202, 200, 202, 202, 204, 198, 204, 200, 206, 201, 201, 202, 205, 199, 202, 199, 203, 200, 206, 202, 204, 200, 201, 201, 202, 202, 204, 199, 205, 202, 203, 201, 204],
        expect: {
            hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] },
            energySumKeV: 0,
            eventFlags: 0,
            strayChannels: 0,
        },
    },
    {
        name: "calorimeter: zero suppression off keeps every enabled channel",
        config: caloConfigNoZs(8),
        slice: 1,
        channels: [0, 4, 7],
        samples: [199, 203, 199, 201, 200, 202, 202, 202, 199, 204, 200, 205, 200, 205, 204, 206, 203, 208, 203, 206, 202, 203, 197, 203, 200, 204, 201, 202, 200, 202, 196, 203, 199, 203, 200, 205, 201, 204, 199, 203, 201, 203, 199, 202, 199, 201, 197, 205, 200, 201, 201, 202, 201, 205, 201, 202, 199, 203, 199, 204, 200, 201, 199, 203, 201, 203, 200, 200, 202, 204, 198, 201, 198, 203, 199, 202, 210, 227, 232, 243, 239, 240, 230, 230, 221, 219, 217, 219, 212, 213, 209, 212, 211, 209, 207, 209],
        expect: {
            hits: { n: 3, channel: [0, 4, 7], amplitudeAdc: [6, 2, 42], timeQ8: [4352, 2048, 3909], flags: [16, 16, 20] },
            energySumKeV: 1250000,
            eventFlags: 0,
            strayChannels: 0,
        },
    },
    {
        name: "veto: three counters in time (coincidence), V0 in time above its veto threshold, V1 late, SRD hit, VETO below threshold",
        config: vetoConfig(),
        slice: 4,
        channels: [0, 1, 2, 3, 4, 5, 7],
        samples: [199, 201, 200, 203, 202, 204, 201, 202, 200, 201, 211, 277, 386, 473, 498, 485, 454, 422, 387, 366, 335, 318, 300, 289, 274, 267, 259, 260, 256, 252, 250, 248, 199, 204, 199, 201, 201, 200, 200, 201, 199, 202, 203, 261, 350, 438, 474, 471, 441, 413, 382, 357, 331, 313, 296, 286, 268, 264, 257, 259, 255, 252, 246, 249, 202, 204, 201, 202, 200, 202, 199, 204, 203, 204, 221, 303, 420, 501, 518, 499, 464, 428, 396, 368, 338, 323, 307, 293, 274, 273, 261, 264, 257, 260, 250, 252, 198, 204, 201, 203, 199, 204, 200, 202, 198, 204, 208, 241, 305, 357, 377, 376, 353, 338, 312, 303, 283, 273, 263, 254, 245, 241, 239, 237, 232, 237, 233, 233, 200, 205, 199, 200, 198, 202, 199, 202, 198, 203, 198, 200, 201, 204, 202, 219, 307, 465, 571, 603, 575, 537, 489, 446, 410, 384, 352, 335, 312, 297, 286, 284, 196, 204, 198, 202, 198, 205, 202, 203, 201, 205, 206, 227, 257, 288, 291, 287, 275, 269, 255, 254, 238, 236, 231, 229, 222, 222, 216, 220, 215, 221, 215, 217, 199, 202, 200, 203, 202, 201, 200, 203, 201, 204, 204, 221, 239, 255, 261, 260, 248, 246, 234, 233, 226, 225, 219, 220, 214, 215, 212, 212, 212, 213, 212, 214],
        expect: {
            hits: { n: 7, channel: [0, 1, 2, 3, 4, 5, 7], amplitudeAdc: [299, 275, 317, 178, 401, 94, 62], timeQ8: [2986, 3035, 2942, 3009, 4249, 2980, 2965], flags: [20, 20, 20, 28, 16, 20, 20] },
            energySumKeV: 0,
            eventFlags: 3,
            strayChannels: 0,
        },
    },
    {
        name: "veto: two counters only (no coincidence), nothing vetoes",
        config: vetoConfig(),
        slice: 10,
        channels: [0, 2, 8],
        samples: [198, 204, 202, 201, 199, 201, 201, 204, 201, 202, 210, 277, 387, 472, 498, 488, 454, 423, 388, 364, 337, 318, 298, 289, 275, 264, 261, 260, 253, 257, 249, 250, 196, 202, 202, 205, 199, 204, 200, 201, 202, 207, 212, 285, 405, 489, 510, 493, 460, 424, 392, 366, 337, 321, 301, 290, 276, 268, 262, 261, 258, 262, 255, 250, 200, 200, 202, 202, 203, 203, 201, 202, 199, 202, 204, 229, 265, 294, 298, 299, 286, 273, 259, 255, 245, 243, 234, 232, 223, 223, 221, 225, 218, 223, 219, 218],
        expect: {
            hits: { n: 3, channel: [0, 2, 8], amplitudeAdc: [298, 309, 98], timeQ8: [2986, 2966, 2965], flags: [20, 4, 20] },
            energySumKeV: 0,
            eventFlags: 0,
            strayChannels: 0,
        },
    },
]

