// The configuration hash (protocol/README.md): the first 4 bytes, as a u32 LE, of SHA-256 over the
// encoded CONFIG payload.
import { digest } from "@devicescript/crypto"

export function configHashOf(payload: Buffer): number {
    return digest("sha256", payload).getAt(0, "u32")
}
