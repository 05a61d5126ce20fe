// Byte offsets inside the FIFO records the firmware reads without decoding them whole (it forwards
// them): FEATURES and TRIGGER (protocol/schema/fifo.ts). Offsets count from the record start
// (header included); test/firmware/record-layout.test.ts checks them against the schema.

/** FEATURES: u32 triggerNumber. */
export const FEATURES_TRIGGER_OFF = 4
/** FEATURES: u8 eventFlags (EventFlag). */
export const FEATURES_FLAGS_OFF = 13
/** FEATURES: u8 vetoHits. */
export const FEATURES_VETO_HITS_OFF = 18
/** FEATURES: u8 counterHits. */
export const FEATURES_COUNTER_HITS_OFF = 19
/** FEATURES: u8 hits.n; the columns follow. */
export const FEATURES_HITS_OFF = 20
/** FEATURES: bytes without hits; each hit adds HIT_BYTES. */
export const FEATURES_FIXED_BYTES = 21
/** Bytes of one hit over the four columns (channel u8, amplitudeAdc u16, timeQ8 u16, flags u8). */
export const HIT_BYTES = 6
/** TRIGGER: u32 triggerNumber. */
export const TRIGGER_NUMBER_OFF = 4
/** TRIGGER: u8 triggerType. */
export const TRIGGER_TYPE_OFF = 12
/** TRIGGER: the whole record. */
export const TRIGGER_RECORD_BYTES = 19
