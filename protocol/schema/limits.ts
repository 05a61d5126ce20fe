// Protocol constants shared by every tier. Portable: imported as-is by the DeviceScript firmware,
// the generated codecs and the host, so it must stay free of imports and Node/DS APIs.

/** First two bytes of every frame, little-endian u16 (bytes 0x4E 0xA6 on the wire). */
export const FRAME_MAGIC = 0xa64e;
/** Protocol version carried in every frame: major in the high nibble, minor in the low one. */
export const PROTO_MAJOR = 1;
export const PROTO_MINOR = 2;
/** Envelope size in bytes; the payload starts right after it. */
export const HEADER_BYTES = 16;
/**
 * Largest frame on the wire (envelope + payload): one full 72-channel readout window fits in one
 * INJECT frame. A board announces its own, possibly smaller, limit in HELLO.maxPayloadBytes.
 */
export const MAX_FRAME_BYTES = 8192;
export const MAX_PAYLOAD_BYTES = MAX_FRAME_BYTES - HEADER_BYTES;

/** Largest ADC sample value: the digitisers sample with 12 bits (COMPASS MSADC), 0..4095. */
export const ADC_FULL_SCALE = 4095;

/** Channels one readout board can carry (ECAL/HCAL boards use 36; both ECAL sections are 72). */
export const MAX_CHANNELS = 72;
/** Samples in one readout window (NA64/COMPASS MSADC: 32 x 12.86 ns). */
export const MAX_WINDOW_SAMPLES = 64;
/** Samples one FIFO event record may carry (channels x window): 72 x 48; fits one INJECT frame. */
export const MAX_FIFO_SAMPLES = 3456;
/**
 * Samples one FIFO EVENT record carries on waveform events of the feature readout (36 channels x 32
 * samples): a waveform of more is split into records of whole channels, so no record exceeds
 * 2,393 bytes (within one SPI read and one INJECT frame).
 */
export const MAX_RECORD_SAMPLES = 1152;
/**
 * Largest FIFO record of a digitiser in the feature readout: an EVENT record of a waveform with
 * MAX_RECORD_SAMPLES samples of up to MAX_CHANNELS channels (header 4, fields 10, channel list
 * 1 + 72, samples 2 + 2,304). A FEATURES record is at most 453 bytes.
 */
export const MAX_FIFO_RECORD_BYTES = 4 + 10 + 1 + MAX_CHANNELS + 2 + 2 * MAX_RECORD_SAMPLES;
/** Largest SPI transfer the board makes (DeviceScript's ESP32 port refuses more). */
export const MAX_SPI_TRANSFER_BYTES = 4096;
/** Bytes of the command in front of an SPI FIFO read ([03][n u16]). */
export const SPI_COMMAND_BYTES = 3;
/** Register writes one FE_WRITE frame may carry. */
export const MAX_REG_WRITES = 400;
/** Bytes of UTF-8 text in one LOG frame. */
export const MAX_LOG_TEXT = 200;
/** Bytes of front-end FIFO records in one INJECT frame. */
export const MAX_INJECT_BYTES = MAX_PAYLOAD_BYTES - 2;
/** Bytes of forwarded FIFO records in one READOUT frame (spill number, config hash, length first). */
export const MAX_READOUT_BYTES = MAX_PAYLOAD_BYTES - 10;

/** TCP port the DAQ host's board server listens on by default (127.0.0.1). */
export const DEFAULT_PORT = 6464;
