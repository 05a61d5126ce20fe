// Independent reference model of the calorimeter and veto event processing (devs/core/calorimeter.ts,
// devs/core/veto.ts), built on the reference pulse model. Used to derive and check golden vectors.
import { BoardRole, ChannelFlag, ConfigFlag, EventFlag, HitFlag } from "../../protocol/schema/enums";
import type { BoardConfig, ChannelValues } from "../../devs/core/config";
import { referencePulse } from "./reference-pulse";

export interface RefEvent {
  hits: { n: number; channel: number[]; amplitudeAdc: number[]; timeQ8: number[]; flags: number[] };
  energySumKeV: number;
  eventFlags: number;
  strayChannels: number;
}

/** The event `c` (a configuration as the host sends it: one number per channel value) makes of one record. */
export function referenceEvent(c: BoardConfig<ChannelValues>, channels: number[], samples: number[]): RefEvent {
  const w = {
    windowSamples: c.windowSamples,
    pedestalSamples: c.pedestalSamples,
    signalStartSample: c.signalStartSample,
    signalEndSample: c.signalEndSample,
    pileupRiseAdc: c.pileupRiseAdc,
    pedestalFromPresamples: (c.flags & ConfigFlag.PEDESTAL_FROM_PRESAMPLES) !== 0,
  };
  const cc = c.channels;
  const out: RefEvent = { hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] }, energySumKeV: 0, eventFlags: 0, strayChannels: 0 };
  let energyEv = 0;
  let counters = 0;
  channels.forEach((ch, i) => {
    if (ch >= cc.n || (cc.chanFlags[ch]! & ChannelFlag.ENABLED) === 0) {
      out.strayChannels++;
      return;
    }
    const raw = samples.slice(i * c.windowSamples, (i + 1) * c.windowSamples);
    const p = referencePulse(raw, w, cc.pedestalQ4[ch]!, cc.thresholdAdc[ch]!);
    if ((c.flags & ConfigFlag.ZERO_SUPPRESSION) !== 0 && p.amplitudeAdc < cc.thresholdAdc[ch]!) return;
    const veto = c.role === BoardRole.VETO;
    const t = veto ? p.leadingEdgeQ8 : p.peakTimeQ8;
    const half = cc.timeHalfWindowQ8[ch]!;
    const inTime = half > 0 && Math.abs(t - cc.timeExpectedQ8[ch]!) <= half;
    let f = (p.saturated ? HitFlag.SATURATED : 0) | (p.pedMeasured ? HitFlag.PEDESTAL_MEASURED : 0) | (inTime ? HitFlag.IN_TIME : 0);
    if (veto && inTime && (cc.chanFlags[ch]! & ChannelFlag.VETO) !== 0 && p.amplitudeAdc >= cc.vetoThresholdAdc[ch]!) {
      f |= HitFlag.VETO;
      out.eventFlags |= EventFlag.VETOED;
    }
    if (veto && inTime && (cc.chanFlags[ch]! & ChannelFlag.COUNTER) !== 0 && p.amplitudeAdc >= cc.thresholdAdc[ch]!) counters++;
    if (p.secondPulse) {
      f |= HitFlag.PILEUP;
      out.eventFlags |= EventFlag.PILEUP;
    }
    out.hits.channel.push(ch);
    out.hits.amplitudeAdc.push(p.amplitudeAdc);
    out.hits.timeQ8.push(t);
    out.hits.flags.push(f);
    out.hits.n++;
    if (!veto && (cc.chanFlags[ch]! & ChannelFlag.SUM) !== 0) energyEv += p.amplitudeAdc * cc.energyEvPerAdc[ch]!;
  });
  if (c.role === BoardRole.VETO && c.coincMinCounters > 0 && counters >= c.coincMinCounters) out.eventFlags |= EventFlag.COINCIDENCE;
  out.energySumKeV = Math.min(0xffffffff, Math.round(energyEv / 1000));
  return out;
}
