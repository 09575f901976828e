/**
 * castv2 loads its protobuf schema asynchronously at require time; a send before that throws
 * "extension not loaded yet". Wait until a message serializes.
 */
import proto from 'castv2/lib/proto.js';

let ready: Promise<void> | undefined;

export function castProtocolReady(timeoutMs = 5000): Promise<void> {
  ready ??= new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const attempt = (): void => {
      try {
        proto.CastMessage.serialize({ protocolVersion: 0, sourceId: 's', destinationId: 'd', namespace: 'n', payloadType: 0, payloadUtf8: '{}' });
        resolve();
      } catch (err) {
        if (Date.now() - started > timeoutMs) reject(new Error(`castv2 protobuf schema did not load: ${err instanceof Error ? err.message : String(err)}`));
        else setTimeout(attempt, 5);
      }
    };
    attempt();
  });
  return ready;
}
