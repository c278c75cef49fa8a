/**
 * The AWS event-stream binary framing (`application/vnd.amazon.eventstream`), written by hand so
 * the fake does not lean on the SDK's own codec (a shared bug would then pass unnoticed):
 *
 *   total length (u32) · headers length (u32) · prelude CRC32 (u32)
 *   headers: name length (u8) · name · type 7 = string (u8) · value length (u16) · value
 *   payload · message CRC32 (u32) over everything before it. All integers big-endian.
 */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Buffer | string): Buffer {
  const headerBytes = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
      let offset = header.writeUInt8(nameBytes.length, 0);
      offset += nameBytes.copy(header, offset);
      offset = header.writeUInt8(7, offset);
      offset = header.writeUInt16BE(valueBytes.length, offset);
      valueBytes.copy(header, offset);
      return header;
    }),
  );
  const payloadBytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const totalLength = 12 + headerBytes.length + payloadBytes.length + 4;
  const message = Buffer.alloc(totalLength);
  message.writeUInt32BE(totalLength, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  payloadBytes.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, totalLength - 4)), totalLength - 4);
  return message;
}

/** An event frame: `:message-type event` with its `:event-type` and a JSON payload. */
export function eventFrame(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify(payload),
  );
}

/** An exception frame, as a stream reports an error after its 200 (`throttlingException`, ...). */
export function exceptionFrame(exceptionType: string, message: string): Buffer {
  return encodeEventStreamMessage(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    JSON.stringify({ message }),
  );
}

// CRC-32 (IEEE 802.3, the zlib polynomial): Node 20 has no zlib.crc32.
const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
