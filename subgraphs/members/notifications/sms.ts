import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How members get text messages. A real provider (Aliyun SMS, Tencent Cloud
 * SMS, ...) sits behind this interface; `idempotencyKey` is our notification
 * id, passed as the provider's own "out id" so a retried request is one
 * message at the provider too.
 */
export type SmsMessage = { to: string; text: string; idempotencyKey: string };
export type SmsProvider = { send(message: SmsMessage): Promise<{ providerMessageId: string }> };

export type RecordedSms = SmsMessage & { providerMessageId: string; sentAt: string };

/**
 * The provider simulator: it sends nothing, and appends every message it
 * accepts to `DATA_DIR/sms-simulator.jsonl` (one JSON object a line), so a
 * developer can read what members would have received and tests can check
 * that nothing went out twice. Like a real provider it answers a repeated
 * idempotency key with the first message's id instead of sending again.
 */
export function smsSimulator(dataDir: string): SmsProvider {
  const file = join(dataDir, 'sms-simulator.jsonl');
  return {
    async send(message) {
      const earlier = recordedSms(dataDir).find((sms) => sms.idempotencyKey === message.idempotencyKey);
      if (earlier) return { providerMessageId: earlier.providerMessageId };
      const recorded: RecordedSms = { ...message, providerMessageId: `sim-${message.idempotencyKey}`, sentAt: new Date().toISOString() };
      mkdirSync(dataDir, { recursive: true });
      appendFileSync(file, `${JSON.stringify(recorded)}\n`);
      return { providerMessageId: recorded.providerMessageId };
    },
  };
}

/** What the simulator has recorded, oldest first. */
export function recordedSms(dataDir: string): RecordedSms[] {
  try {
    return readFileSync(join(dataDir, 'sms-simulator.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RecordedSms);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
