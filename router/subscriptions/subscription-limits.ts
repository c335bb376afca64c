import { GraphQLError } from 'graphql';

export type SubscriptionLimitSettings = { perSocket: number; perCaller: number; total: number };

/** A place held by one subscription; releasing it twice is harmless. */
export type SubscriptionTicket = { release(): void };

export const TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS';

/**
 * Counts open subscriptions per socket, per caller and in all, and refuses
 * the one that would pass a limit. A place is taken when a subscription is
 * accepted (before it is opened: a client can send hundreds of subscribe
 * messages in one burst, and all of them are checked before any opens) and
 * given back when it ends, or when its socket closes, whichever comes first.
 */
export function createSubscriptionLimits(settings: SubscriptionLimitSettings) {
  const perSocket = new Map<object, Set<SubscriptionTicket>>();
  const perCaller = new Map<string, number>();
  let total = 0;

  const refuse = (what: string, limit: number) =>
    new GraphQLError(`${what} at most ${limit} open subscriptions; complete one before subscribing again`, {
      extensions: { code: TOO_MANY_SUBSCRIPTIONS, limit },
    });

  return {
    /** `callerLimit`: the caller's own cap instead of `perCaller` (a partner key's `maxSubscriptions`). */
    reserve(socket: object, caller: string, callerLimit = settings.perCaller): SubscriptionTicket | GraphQLError {
      const held = perSocket.get(socket) ?? new Set<SubscriptionTicket>();
      if (held.size >= settings.perSocket) return refuse('one connection may hold', settings.perSocket);
      const callerCount = perCaller.get(caller) ?? 0;
      if (callerCount >= callerLimit) return refuse('one caller may hold', callerLimit);
      if (total >= settings.total) return refuse('this router holds', settings.total);
      let released = false;
      const ticket: SubscriptionTicket = {
        release() {
          if (released) return;
          released = true;
          total -= 1;
          const left = (perCaller.get(caller) ?? 1) - 1;
          if (left > 0) perCaller.set(caller, left);
          else perCaller.delete(caller);
          held.delete(ticket);
          if (held.size === 0) perSocket.delete(socket);
        },
      };
      held.add(ticket);
      perSocket.set(socket, held);
      perCaller.set(caller, callerCount + 1);
      total += 1;
      return ticket;
    },
    /** The socket closed: every place it held is free again. */
    releaseSocket(socket: object) {
      for (const ticket of [...(perSocket.get(socket) ?? [])]) ticket.release();
    },
    total: () => total,
  };
}

export type SubscriptionLimits = ReturnType<typeof createSubscriptionLimits>;
