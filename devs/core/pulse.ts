// Pulse features of one channel's readout window: pedestal, peak amplitude, sub-sample time,
// saturation and pile-up. Samples are 12-bit values in little-endian u16, as in the FIFO EVENT
// record (channel-major: the window of one channel is contiguous).
//
// Fixed point: pedestals and pedestal-subtracted sample values are in Q4 (ADC counts x 16), times
// in Q8 (samples x 256 from the start of the window). All arithmetic stays in int32.
//
// The measurement itself is written out in the channel loop of processChannels
// (devs/core/digitiser.ts): it is the firmware's hot path, and in the DeviceScript VM a function
// call costs as much as about 60 other operations.

/** Largest 12-bit ADC value; a sample at this value is saturated. */
export const ADC_MAX = 4095

/** Where to look in a readout window (derived once from the configuration). */
export interface PulseWindow {
    windowSamples: number
    /** Pre-samples used for the pedestal (the first `pedestalSamples` of the window). */
    pedestalSamples: number
    /** Signal region [signalStartSample, signalEndSample): peak search and pile-up check. */
    signalStartSample: number
    signalEndSample: number
    /** Rise above the lowest value since the main peak (or before it) that marks a second pulse; 0 = off. */
    pileupRiseAdc: number
    /** Measure pedestals from the pre-samples (odd and even samples separately). */
    pedestalFromPresamples: boolean
}

/**
 * What the last measured channel's hit does not carry: its pedestals and its peak before rounding
 * (for tests and diagnostics). Amplitude, time, saturation, pile-up and whether the pedestal was
 * measured are in the hit.
 */
export class Pulse {
    /** Pedestals of even and odd samples, Q4. */
    pedEvenQ4 = 0
    pedOddQ4 = 0
    /** Sample index of the largest pedestal-subtracted value in the signal region (earliest on a tie). */
    peakSample = 0
    /** That value, Q4 (can be negative when the window holds only noise below the pedestal). */
    peakQ4 = 0
}
