// Golden vectors of the pulse features (devs/core/pulse.ts, measured in devs/core/digitiser.ts): readout windows of one channel (COMPASS ECAL pulse shape,
// odd/even pedestals, noise) and the features the firmware must extract. The expected numbers agree
// with the independent reference model (test/firmware/reference-pulse.ts, checked by vitest).
import { BoardRole, ChannelFlag, ConfigFlag, HitFlag } from "../../../protocol/schema/enums"
import { BoardConfig, boardConfigOf } from "../../../devs/core/config"
import { DigitiserEvent, processChannels } from "../../../devs/core/digitiser"
import { SampleBlock, pulseWindowOf } from "../../../devs/core/hits"
import { PulseWindow } from "../../../devs/core/pulse"
import { ProcessChannels } from "./events"
import { columnValues, samplesToBytes } from "./support"

export interface PulseOutcome {
    pedEvenQ4: number
    pedOddQ4: number
    pedMeasured: boolean
    peakSample: number
    peakQ4: number
    amplitudeAdc: number
    saturated: boolean
    peakTimeQ8: number
    leadingEdgeQ8: number
    secondPulse: boolean
}

export interface PulseVector {
    name: string
    window: PulseWindow
    configuredQ4: number
    toleranceAdc: number
    samples: number[]
    expect: PulseOutcome
}

/**
 * Run one vector through the firmware's event processing, as the only channel of a configuration
 * without zero suppression (samples placed at an odd byte offset): once on a calorimeter board
 * (peak time), once on a veto board (leading edge).
 */
export function runPulseVector(v: PulseVector, process: ProcessChannels = processChannels): PulseOutcome {
    const pad = 7
    const rec: SampleBlock = { channels: [0], buf: samplesToBytes(v.samples, pad), off: pad }
    const vw = v.window
    const c: BoardConfig = boardConfigOf({
        configVersion: 1,
        role: BoardRole.VETO,
        flags: vw.pedestalFromPresamples ? ConfigFlag.PEDESTAL_FROM_PRESAMPLES : 0,
        windowSamples: vw.windowSamples,
        pedestalSamples: vw.pedestalSamples,
        signalStartSample: vw.signalStartSample,
        signalEndSample: vw.signalEndSample,
        pileupRiseAdc: vw.pileupRiseAdc,
        triggerEnableMask: 0,
        coincMask: 0,
        coincWindowTicks: 0,
        vetoMask: 0,
        vetoWindowTicks: 0,
        psMinSumAdc: 0,
        ecalMaxSumAdc: 0,
        prescaleBeam: 0,
        prescaleRandom: 0,
        prescaleCalib: 0,
        randomPeriodTicks: 0,
        calibPeriodTicks: 0,
        deadTimeTicks: 0,
        coincMinCounters: 0,
        channels: {
            n: 1,
            thresholdAdc: [v.toleranceAdc],
            pedestalQ4: [v.configuredQ4],
            timeExpectedQ8: [0],
            timeHalfWindowQ8: [0],
            vetoThresholdAdc: [0],
            energyEvPerAdc: [0],
            chanFlags: [ChannelFlag.ENABLED],
        },
    })
    const w = pulseWindowOf(c)
    const ev = new DigitiserEvent()
    ev.reset()
    process(c, w, rec, 0, 1, ev)
    const edge = columnValues(ev.hits.timeQ8, 1, 2)[0]
    c.role = BoardRole.CALORIMETER
    ev.reset()
    process(c, w, rec, 0, 1, ev)
    const h = ev.hits
    const p = ev.pulse
    const f = h.flags[0]
    return {
        pedEvenQ4: p.pedEvenQ4,
        pedOddQ4: p.pedOddQ4,
        pedMeasured: (f & HitFlag.PEDESTAL_MEASURED) !== 0,
        peakSample: p.peakSample,
        peakQ4: p.peakQ4,
        amplitudeAdc: columnValues(h.amplitudeAdc, 1, 2)[0],
        saturated: (f & HitFlag.SATURATED) !== 0,
        peakTimeQ8: columnValues(h.timeQ8, 1, 2)[0],
        leadingEdgeQ8: edge,
        secondPulse: (f & HitFlag.PILEUP) !== 0,
    }
}

export const PULSE_VECTORS: PulseVector[] = [
    {
        name: "pedestal only: odd/even pedestals, no noise",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203, 200, 203],
        expect: { pedEvenQ4: 3200, pedOddQ4: 3248, pedMeasured: true, peakSample: 5, peakQ4: 0, amplitudeAdc: 0, saturated: false, peakTimeQ8: 1280, leadingEdgeQ8: 1280, secondPulse: false },
    },
    {
        name: "template pulse 1000 ADC at sample 14 with noise",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [198, 203, 198, 203, 201, 203, 198, 201, 203, 202, 228, 403, 739, 1045, 1177, 1162, 1068, 955, 844, 755, 670, 602, 543, 504, 456, 421, 403, 400, 389, 381, 371, 363],
        expect: { pedEvenQ4: 3168, pedOddQ4: 3248, pedMeasured: true, peakSample: 14, peakQ4: 15664, amplitudeAdc: 979, saturated: false, peakTimeQ8: 3679, leadingEdgeQ8: 3033, secondPulse: false },
    },
    {
        name: "small pulse 30 ADC near threshold",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [199, 202, 198, 200, 201, 203, 201, 202, 200, 205, 203, 214, 223, 231, 230, 229, 221, 221, 218, 217, 214, 216, 211, 213, 207, 212, 204, 208, 208, 210, 205, 209],
        expect: { pedEvenQ4: 3176, pedOddQ4: 3216, pedMeasured: true, peakSample: 14, peakQ4: 504, amplitudeAdc: 32, saturated: false, peakTimeQ8: 3533, leadingEdgeQ8: 2877, secondPulse: false },
    },
    {
        name: "saturated pulse: flat top at 4095",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [199, 203, 201, 206, 201, 202, 202, 206, 200, 205, 432, 1820, 4095, 4095, 4095, 4095, 4095, 4095, 3892, 3354, 2875, 2487, 2165, 1887, 1656, 1463, 1410, 1358, 1305, 1256, 1199, 1151],
        expect: { pedEvenQ4: 3200, pedOddQ4: 3272, pedMeasured: true, peakSample: 12, peakQ4: 62320, amplitudeAdc: 3895, saturated: true, peakTimeQ8: 3712, leadingEdgeQ8: 2853, secondPulse: false },
    },
    {
        name: "pile-up: second pulse after the main one",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [199, 201, 199, 202, 203, 204, 199, 220, 321, 572, 830, 971, 977, 918, 820, 734, 666, 658, 702, 748, 737, 698, 641, 591, 551, 518, 485, 455, 429, 415, 390, 374],
        expect: { pedEvenQ4: 3184, pedOddQ4: 3224, pedMeasured: true, peakSample: 12, peakQ4: 12448, amplitudeAdc: 778, saturated: false, peakTimeQ8: 2975, leadingEdgeQ8: 2322, secondPulse: true },
    },
    {
        name: "pile-up: earlier pulse before the main one",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [197, 202, 201, 204, 217, 309, 462, 573, 598, 580, 534, 488, 445, 426, 476, 702, 994, 1169, 1183, 1105, 998, 896, 804, 725, 651, 595, 542, 502, 464, 439, 426, 418],
        expect: { pedEvenQ4: 3184, pedOddQ4: 3248, pedMeasured: true, peakSample: 18, peakQ4: 15744, amplitudeAdc: 984, saturated: false, peakTimeQ8: 4526, leadingEdgeQ8: 3832, secondPulse: true },
    },
    {
        name: "tail of an earlier pulse in the pre-samples: configured pedestal used",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [421, 395, 364, 345, 319, 309, 299, 300, 293, 293, 307, 456, 703, 899, 958, 927, 849, 768, 686, 623, 556, 510, 466, 428, 392, 371, 356, 349, 340, 339, 326, 325],
        expect: { pedEvenQ4: 3216, pedOddQ4: 3216, pedMeasured: false, peakSample: 14, peakQ4: 12112, amplitudeAdc: 757, saturated: false, peakTimeQ8: 3624, leadingEdgeQ8: 2944, secondPulse: false },
    },
    {
        name: "configured pedestal (pre-sample measurement off)",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: false },
        configuredQ4: 3240,
        toleranceAdc: 5,
        samples: [198, 205, 199, 204, 197, 201, 198, 205, 203, 204, 201, 208, 238, 318, 398, 444, 442, 427, 393, 370, 342, 324, 305, 293, 275, 267, 254, 256, 250, 249, 245, 246],
        expect: { pedEvenQ4: 3240, pedOddQ4: 3240, pedMeasured: false, peakSample: 15, peakQ4: 3864, amplitudeAdc: 242, saturated: false, peakTimeQ8: 3957, leadingEdgeQ8: 3345, secondPulse: false },
    },
    {
        name: "peak on the last sample of the window",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 32, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [200, 204, 200, 201, 200, 202, 199, 204, 200, 201, 200, 204, 200, 203, 199, 204, 201, 204, 201, 203, 199, 204, 198, 200, 200, 203, 199, 204, 199, 226, 359, 595],
        expect: { pedEvenQ4: 3200, pedOddQ4: 3240, pedMeasured: true, peakSample: 31, peakQ4: 6280, amplitudeAdc: 393, saturated: false, peakTimeQ8: 7936, leadingEdgeQ8: 7721, secondPulse: false },
    },
    {
        name: "noise only, below the pedestal",
        window: { windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 5,
        samples: [210, 212, 210, 212, 197, 198, 198, 199, 196, 200, 197, 198, 198, 199, 196, 200, 197, 198, 198, 199, 196, 200, 197, 198, 198, 199, 196, 200, 197, 198, 198, 199],
        expect: { pedEvenQ4: 3360, pedOddQ4: 3392, pedMeasured: true, peakSample: 6, peakQ4: -192, amplitudeAdc: 0, saturated: false, peakTimeQ8: 1579, leadingEdgeQ8: 1536, secondPulse: false },
    },
    {
        name: "odd number of pre-samples (3 even, 2 odd)",
        window: { windowSamples: 32, pedestalSamples: 5, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, pedestalFromPresamples: true },
        configuredQ4: 0,
        toleranceAdc: 5,
        samples: [180, 191, 182, 189, 178, 188, 181, 193, 189, 310, 796, 1553, 2041, 2177, 2044, 1839, 1592, 1405, 1216, 1067, 934, 835, 733, 671, 597, 590, 564, 555, 530, 525, 495, 487],
        expect: { pedEvenQ4: 2880, pedOddQ4: 3040, pedMeasured: true, peakSample: 13, peakQ4: 31792, amplitudeAdc: 1987, saturated: false, peakTimeQ8: 3330, leadingEdgeQ8: 2689, secondPulse: false },
    },
    {
        name: "48-sample window, wide signal region, pile-up rise off",
        window: { windowSamples: 48, pedestalSamples: 8, signalStartSample: 8, signalEndSample: 44, pileupRiseAdc: 0, pedestalFromPresamples: true },
        configuredQ4: 3216,
        toleranceAdc: 0,
        samples: [199, 203, 199, 202, 200, 202, 199, 203, 200, 204, 201, 204, 203, 203, 201, 203, 230, 434, 892, 1385, 1642, 1662, 1534, 1369, 1199, 1057, 928, 824, 731, 685, 780, 1001, 1154, 1199, 1142, 1057, 957, 877, 800, 733, 673, 624, 577, 537, 501, 480, 464, 446],
        expect: { pedEvenQ4: 3188, pedOddQ4: 3240, pedMeasured: true, peakSample: 21, peakQ4: 23352, amplitudeAdc: 1460, saturated: false, peakTimeQ8: 5278, leadingEdgeQ8: 4627, secondPulse: false },
    },
]

