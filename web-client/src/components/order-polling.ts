import { useEffect } from 'react';

/** How often a page asks whether an order it shows is paid yet (the customer pays on their phone, any moment). */
export const ORDER_POLL_MS = 1000;

/**
 * Polls an order's query while it waits for payment and stops once its status moves on (paid, or cancelled when
 * the reservation ran out): the till and the shop's basket follow the payment this way without a reload.
 */
export function usePollWhilePending(status: string | undefined, startPolling: (ms: number) => void, stopPolling: () => void): void {
  useEffect(() => {
    if (status === 'PENDING_PAYMENT') startPolling(ORDER_POLL_MS);
    else stopPolling();
    return stopPolling;
  }, [status, startPolling, stopPolling]);
}
