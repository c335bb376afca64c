import { QRCodeSVG } from 'qrcode.react';
import type { ReactNode } from 'react';

/**
 * A payment's QR code drawn in the page (an <svg>, which the router's CSP allows; no third-party image), for the
 * customer to scan with their phone, named for screen readers by `label`; `children` beside it say what to do and
 * link the page the code opens (the provider's simulator here).
 */
export function PaymentQr({ url, label, children }: { url: string; label: string; children: ReactNode }) {
  return (
    <figure className="payment-qr">
      <QRCodeSVG value={url} size={176} marginSize={2} role="img" aria-label={label} />
      <figcaption>{children}</figcaption>
    </figure>
  );
}
