// Host-side registry of message codecs: type byte <-> name <-> generated encoder/decoder.
import * as C from "./generated/host-codec";
import { MESSAGES } from "./schema/messages";
import type * as M from "./schema/messages";
import { configModel } from "./codegen/layouts";
import { leafFieldNames } from "./codegen/model";

/** Decoded body of each message, by name. */
export interface MessageBodies {
  HELLO: M.HelloMsg;
  CONFIG: M.ConfigMsg;
  CONFIG_ACK: M.ConfigAckMsg;
  CONFIG_NACK: M.ConfigNackMsg;
  CONFIG_READ: M.ConfigReadMsg;
  RUN_CONTROL: M.RunControlMsg;
  INJECT: M.InjectMsg;
  FE_WRITE: M.FeWriteMsg;
  EVENT: M.EventMsg;
  TRIGGER: M.TriggerMsg;
  SCALERS: M.ScalersMsg;
  STATUS: M.StatusMsg;
  LOG: M.LogMsg;
  RESEND: M.ResendMsg;
  ACK: M.AckMsg;
  AUTH_CHALLENGE: M.AuthChallengeMsg;
  AUTH_PROOF: M.AuthProofMsg;
  AUTH_TAG: M.AuthTagMsg;
  READOUT: M.ReadoutMsg;
}

export type MessageName = keyof MessageBodies;

export interface Codec<T> {
  readonly name: MessageName;
  readonly type: number;
  size(v: T): number;
  encode(dv: DataView, o: number, v: T): number;
  decode(dv: DataView, o: number, end: number, minor: number): T;
}

type CodecTable = { [K in MessageName]: Codec<MessageBodies[K]> };

function codec<K extends MessageName>(
  name: K,
  size: (v: MessageBodies[K]) => number,
  encode: (dv: DataView, o: number, v: MessageBodies[K]) => number,
  decode: (dv: DataView, o: number, end: number, minor: number) => MessageBodies[K],
): Codec<MessageBodies[K]> {
  const def = MESSAGES.find((m) => m.name === name);
  if (!def) throw new Error(`no message ${name} in the schema`);
  return { name, type: def.type, size, encode, decode };
}

export const CODECS: CodecTable = {
  HELLO: codec("HELLO", C.sizeHello, C.encodeHello, C.decodeHello),
  CONFIG: codec("CONFIG", C.sizeConfig, C.encodeConfig, C.decodeConfig),
  CONFIG_ACK: codec("CONFIG_ACK", C.sizeConfigAck, C.encodeConfigAck, C.decodeConfigAck),
  CONFIG_NACK: codec("CONFIG_NACK", C.sizeConfigNack, C.encodeConfigNack, C.decodeConfigNack),
  CONFIG_READ: codec("CONFIG_READ", C.sizeConfigRead, C.encodeConfigRead, C.decodeConfigRead),
  RUN_CONTROL: codec("RUN_CONTROL", C.sizeRunControl, C.encodeRunControl, C.decodeRunControl),
  INJECT: codec("INJECT", C.sizeInject, C.encodeInject, C.decodeInject),
  FE_WRITE: codec("FE_WRITE", C.sizeFeWrite, C.encodeFeWrite, C.decodeFeWrite),
  EVENT: codec("EVENT", C.sizeEvent, C.encodeEvent, C.decodeEvent),
  TRIGGER: codec("TRIGGER", C.sizeTrigger, C.encodeTrigger, C.decodeTrigger),
  SCALERS: codec("SCALERS", C.sizeScalers, C.encodeScalers, C.decodeScalers),
  STATUS: codec("STATUS", C.sizeStatus, C.encodeStatus, C.decodeStatus),
  LOG: codec("LOG", C.sizeLog, C.encodeLog, C.decodeLog),
  RESEND: codec("RESEND", C.sizeResend, C.encodeResend, C.decodeResend),
  ACK: codec("ACK", C.sizeAck, C.encodeAck, C.decodeAck),
  AUTH_CHALLENGE: codec("AUTH_CHALLENGE", C.sizeAuthChallenge, C.encodeAuthChallenge, C.decodeAuthChallenge),
  AUTH_PROOF: codec("AUTH_PROOF", C.sizeAuthProof, C.encodeAuthProof, C.decodeAuthProof),
  AUTH_TAG: codec("AUTH_TAG", C.sizeAuthTag, C.encodeAuthTag, C.decodeAuthTag),
  READOUT: codec("READOUT", C.sizeReadout, C.encodeReadout, C.decodeReadout),
};

const BY_TYPE: Array<Codec<unknown> | undefined> = [];
for (const c of Object.values(CODECS)) BY_TYPE[c.type] = c as Codec<unknown>;

/** Codec for an envelope type byte, or undefined when this side does not know the type. */
export function codecForType(type: number): Codec<unknown> | undefined {
  return BY_TYPE[type];
}

export function messageName(type: number): string {
  return BY_TYPE[type]?.name ?? `0x${type.toString(16).padStart(2, "0")}`;
}

/** CONFIG leaf field names by CONFIG_NACK.fieldId ("channels.thresholdAdc"...). */
export const CONFIG_FIELDS: readonly string[] = leafFieldNames(configModel());
