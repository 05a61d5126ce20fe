// Configuration -> front-end register writes (protocol/schema/registers.ts). The list is complete
// for the role, so applying it sets every register the configuration controls; CTRL is written
// separately from the board state (ctrlValue).
import { BoardRole, ChannelFlag, ConfigFlag, CtrlBit, FexBit } from "../../protocol/schema/enums"
import { Reg } from "../../protocol/generated/registers"
import { u16At, u32At } from "./bytes"
import { BoardConfig } from "./config"

/** Register writes as structure-of-arrays (the FE_WRITE layout). */
export class RegWrites {
    n = 0
    addr: number[] = []
    value: number[] = []

    clear(): void {
        this.n = 0
    }

    add(addr: number, value: number): void {
        if (this.n < this.addr.length) {
            this.addr[this.n] = addr
            this.value[this.n] = value
        } else {
            this.addr.push(addr)
            this.value.push(value)
        }
        this.n++
    }
}

/** CTRL register value for a board state. */
export function ctrlValue(running: boolean, busy: boolean, zeroSuppression: boolean): number {
    let v = 0
    if (running) v |= CtrlBit.RUN_ENABLE
    if (busy) v |= CtrlBit.BUSY
    if (zeroSuppression) v |= CtrlBit.ZERO_SUPPRESSION
    return v
}

/** Words of the CH_ENABLE_MASK block (32 channels per word). */
export const ENABLE_MASK_WORDS = 3

/** Configured pedestal in whole ADC counts (rounded) for the threshold comparator. */
export function pedestalAdc(pedestalQ4: number): number {
    return (pedestalQ4 + 8) >> 4
}

/** Append every register the configuration sets (CTRL excluded) to `out`. */
export function configRegisters(c: BoardConfig, out: RegWrites): void {
    if (c.role === BoardRole.TRIGGER) triggerRegisters(c, out)
    else digitiserRegisters(c, out)
}

/** configRegisters of a digitiser configuration (the firmware of a role calls its own). */
export function digitiserRegisters(c: BoardConfig, out: RegWrites): void {
    channelRegisters(c, out)
    out.add(Reg.WINDOW_SAMPLES, c.windowSamples)
    // Configured times count from the window start, which is the trigger time: no pre-trigger
    // samples (the front end puts a pulse tExpected after the window start + PRETRIGGER).
    out.add(Reg.PRETRIGGER_SAMPLES, 0)
}

/** configRegisters of a trigger board configuration: the TRIG_* block is contiguous, TRIG_ENABLE_MASK first. */
export function triggerRegisters(c: BoardConfig, out: RegWrites): void {
    channelRegisters(c, out)
    const v = [
        c.triggerEnableMask,
        c.coincMask,
        c.coincWindowTicks,
        c.vetoMask,
        c.vetoWindowTicks,
        c.psMinSumAdc,
        c.ecalMaxSumAdc,
        c.prescaleBeam,
        c.prescaleRandom,
        c.prescaleCalib,
        c.randomPeriodTicks,
        c.calibPeriodTicks,
        c.deadTimeTicks,
    ]
    for (let i = 0; i < v.length; i++) out.add(Reg.TRIG_ENABLE_MASK + i, v[i])
}

/**
 * The feature extraction of a digitiser's front end (FEX_*, per-channel CH_* blocks and channel
 * masks): what devs/core/digitiser.ts does per sample, programmed into the hardware. Board-wide
 * registers first, then the per-channel blocks.
 */
export function featureRegisters(c: BoardConfig, out: RegWrites): void {
    const veto = c.role === BoardRole.VETO
    let fex = FexBit.FEATURES
    if ((c.flags & ConfigFlag.PEDESTAL_FROM_PRESAMPLES) !== 0) fex |= FexBit.PEDESTAL_FROM_PRESAMPLES
    if (veto) fex |= FexBit.LEADING_EDGE
    out.add(Reg.FEX_CTRL, fex)
    out.add(Reg.FEX_PEDESTAL_SAMPLES, c.pedestalSamples)
    out.add(Reg.FEX_SIGNAL_START_SAMPLE, c.signalStartSample)
    out.add(Reg.FEX_SIGNAL_END_SAMPLE, c.signalEndSample)
    out.add(Reg.FEX_PILEUP_RISE_ADC, c.pileupRiseAdc)
    // The energy sum is a calorimeter's; counters and vetoes are a veto board's.
    maskRegisters(c, Reg.CH_SUM_MASK, veto ? 0 : ChannelFlag.SUM, out)
    maskRegisters(c, Reg.CH_COUNTER_MASK, veto ? ChannelFlag.COUNTER : 0, out)
    maskRegisters(c, Reg.CH_VETO_MASK, veto ? ChannelFlag.VETO : 0, out)
    const cc = c.channels
    for (let ch = 0; ch < cc.n; ch++) {
        const o = 2 * ch
        out.add(Reg.CH_PEDESTAL_Q4 + ch, u16At(cc.pedestalQ4, o))
        out.add(Reg.CH_TIME_EXPECTED_Q8 + ch, u16At(cc.timeExpectedQ8, o))
        out.add(Reg.CH_TIME_HALF_WINDOW_Q8 + ch, u16At(cc.timeHalfWindowQ8, o))
        out.add(Reg.CH_VETO_THRESHOLD_ADC + ch, u16At(cc.vetoThresholdAdc, o))
        out.add(Reg.CH_ENERGY_EV_PER_ADC + ch, u32At(cc.energyEvPerAdc, 2 * o))
    }
}

/** The words of a channel-mask block: channels carrying `flag` (and ENABLED); 0 = none. */
function maskRegisters(c: BoardConfig, base: number, flag: number, out: RegWrites): void {
    const cc = c.channels
    for (let w = 0; w < ENABLE_MASK_WORDS; w++) {
        let mask = 0
        if (flag !== 0) {
            for (let b = 0; b < 32; b++) {
                const ch = w * 32 + b
                if (ch < cc.n && (cc.chanFlags[ch] & (flag | ChannelFlag.ENABLED)) === (flag | ChannelFlag.ENABLED)) mask |= 1 << b
            }
        }
        out.add(base + w, mask >>> 0)
    }
}

/** Channel enable masks, thresholds and pedestals. */
function channelRegisters(c: BoardConfig, out: RegWrites): void {
    maskRegisters(c, Reg.CH_ENABLE_MASK, ChannelFlag.ENABLED, out)
    const cc = c.channels
    for (let ch = 0; ch < cc.n; ch++) {
        out.add(Reg.CH_THRESHOLD_ADC + ch, u16At(cc.thresholdAdc, 2 * ch))
        out.add(Reg.CH_PEDESTAL_ADC + ch, pedestalAdc(u16At(cc.pedestalQ4, 2 * ch)))
    }
}

/** Zero suppression requested by the configuration (CTRL.ZERO_SUPPRESSION). */
export function zeroSuppression(c: BoardConfig): boolean {
    return (c.flags & ConfigFlag.ZERO_SUPPRESSION) !== 0
}
