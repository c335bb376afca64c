import { createCipheriv, createDecipheriv, type KeyObject, randomBytes, sign, verify } from 'node:crypto';

/**
 * WeChat Pay APIv3, as its documentation specifies it (pay.weixin.qq.com,
 * "签名验证" and "回调通知"):
 *
 * - Every callback (and every API answer) carries Wechatpay-Timestamp,
 *   Wechatpay-Nonce, Wechatpay-Serial and Wechatpay-Signature. The signature is
 *   base64 SHA256withRSA over `${timestamp}\n${nonce}\n${body}\n`, made with the
 *   platform's private key; we verify it with the platform public key (or
 *   certificate) the serial names.
 * - The body's `resource` is encrypted with AEAD_AES_256_GCM under the
 *   merchant's 32-byte APIv3 key: `ciphertext` is base64 of ciphertext||tag
 *   (16 bytes), `nonce` the 12-character IV, `associated_data` the AAD.
 * - Our requests are signed the same way over
 *   `${method}\n${path}\n${timestamp}\n${nonce}\n${body}\n` with the merchant key.
 *
 * Nothing here knows about payments or the database: it is the wire format,
 * shared by the callback handler, the live client and the simulator.
 */
export const WECHATPAY_SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048';

/** WeChat rejects callbacks older than 5 minutes on its side; we refuse them on ours too, so a captured one cannot be replayed later. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export type WeChatResource = {
  original_type?: string;
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
};

export type WeChatNotification = {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary?: string;
  resource: WeChatResource;
};

/** The decrypted resource of TRANSACTION.SUCCESS. */
export type WeChatTransaction = {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  trade_type?: string;
  trade_state: string;
  trade_state_desc?: string;
  success_time?: string;
  amount: { total: number; payer_total?: number; currency: string; payer_currency?: string };
};

/** The decrypted resource of REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED. */
export type WeChatRefundResult = {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: string;
  success_time?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number };
};

export const signatureMessage = (timestamp: string, nonce: string, body: string) => `${timestamp}\n${nonce}\n${body}\n`;

export function rsaSign(privateKey: KeyObject, message: string): string {
  return sign('sha256', Buffer.from(message, 'utf8'), privateKey).toString('base64');
}

export function rsaVerify(publicKey: KeyObject, message: string, signature: string): boolean {
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A random nonce as WeChat makes them: 32 upper-case alphanumerics. */
export function wechatNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export function encryptResource(apiV3Key: string, plaintext: string, associatedData: string, originalType: string): WeChatResource {
  // WeChat's nonce is a 12-character string used as the IV as it is.
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: originalType,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encrypted.toString('base64'),
    associated_data: associatedData,
    nonce,
  };
}

/** The plaintext of a resource; throws when the key, nonce, AAD or ciphertext do not belong together. */
export function decryptResource(apiV3Key: string, resource: WeChatResource): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= 16) throw new Error('the ciphertext is shorter than its 16-byte tag');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

export type PlatformKeys = {
  /** Verification keys by the serial a callback names in Wechatpay-Serial. */
  platformKeys: ReadonlyMap<string, KeyObject>;
  apiV3Key: string;
};

export type VerifiedNotification =
  | { ok: true; notification: WeChatNotification; resource: Record<string, unknown> }
  | { ok: false; status: number; reason: string };

type Headers = Record<string, string | undefined>;

/**
 * Checks the four Wechatpay-* headers of a callback or an API answer: a known
 * serial, a fresh timestamp, and the signature over the exact body.
 */
export function verifySignedMessage(
  platformKeys: PlatformKeys['platformKeys'],
  headers: Headers,
  body: string,
  now = Date.now(),
): { ok: true } | { ok: false; reason: string } {
  const timestamp = headers['wechatpay-timestamp'];
  const nonce = headers['wechatpay-nonce'];
  const serial = headers['wechatpay-serial'];
  const signature = headers['wechatpay-signature'];
  if (!timestamp || !nonce || !serial || !signature) {
    return { ok: false, reason: 'missing Wechatpay-Timestamp, -Nonce, -Serial or -Signature header' };
  }
  const key = platformKeys.get(serial);
  if (!key) return { ok: false, reason: `unknown platform certificate serial "${serial.slice(0, 64)}"` };
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: `Wechatpay-Timestamp "${timestamp.slice(0, 20)}" is more than ${MAX_CLOCK_SKEW_SECONDS} seconds from now` };
  }
  if (!rsaVerify(key, signatureMessage(timestamp, nonce, body), signature)) {
    return { ok: false, reason: 'Wechatpay-Signature does not verify over the timestamp, nonce and body' };
  }
  return { ok: true };
}

/**
 * Checks a callback the way WeChat's documentation asks, in this order:
 * headers present, a known serial, a fresh timestamp, the signature over the
 * exact body, then the shape and the decryption of the resource. Any failure
 * is a refusal with the HTTP status to answer.
 */
export function verifyNotification(keys: PlatformKeys, headers: Headers, body: string, now = Date.now()): VerifiedNotification {
  const signed = verifySignedMessage(keys.platformKeys, headers, body, now);
  if (!signed.ok) return { ok: false, status: 401, reason: signed.reason };
  let notification: WeChatNotification;
  try {
    notification = JSON.parse(body) as WeChatNotification;
  } catch {
    return { ok: false, status: 400, reason: 'the body is not JSON' };
  }
  const resource = notification?.resource;
  if (notification?.resource_type !== 'encrypt-resource' || resource?.algorithm !== 'AEAD_AES_256_GCM' || !resource.ciphertext) {
    return { ok: false, status: 400, reason: 'the body has no AEAD_AES_256_GCM encrypt-resource' };
  }
  try {
    return { ok: true, notification, resource: JSON.parse(decryptResource(keys.apiV3Key, resource)) as Record<string, unknown> };
  } catch (error) {
    return { ok: false, status: 400, reason: `the resource does not decrypt under our APIv3 key (${(error as Error).message})` };
  }
}

/**
 * The calls payments makes to WeChat Pay. The live client (wechatpay-client.ts)
 * sends them to api.mch.weixin.qq.com; the simulator answers them in process.
 */
export type WeChatPayApi = {
  /** POST /v3/pay/transactions/native: the code_url the customer scans. Same out_trade_no, same answer. */
  nativeOrder(order: { outTradeNo: string; description: string; totalFen: number; currency: string; notifyUrl: string }): Promise<{
    codeUrl: string;
  }>;
  /** POST /v3/refund/domestic/refunds; the result usually comes later, by callback. Idempotent by out_refund_no. */
  refund(refund: {
    outTradeNo: string;
    outRefundNo: string;
    reason: string;
    refundFen: number;
    totalFen: number;
    currency: string;
    notifyUrl: string;
  }): Promise<{ refundId: string; status: 'SUCCESS' | 'PROCESSING' | 'CLOSED' | 'ABNORMAL' }>;
  /** POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close: the code can no longer be paid. */
  closeOrder(outTradeNo: string): Promise<void>;
};
