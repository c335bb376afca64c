import type { ApolloClient } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import type { BackOfficeWebhookFieldsFragment } from '../../../gql/graphql.ts';
import { OutcomeMessage, useOutcome } from '../orders/outcome.tsx';
import { BackOfficeCreateWebhook, BackOfficeDeleteWebhook, BackOfficeUpdateWebhook, BackOfficeWebhooks } from './operations.ts';
import { WebhookDeliveries } from './WebhookDeliveries.tsx';
import { clientForKey } from './webhook-client.ts';

/** What a new webhook subscribes to unless changed: every order's status changes, which needs orders:read. */
const EXAMPLE_QUERY = 'subscription { orderUpdated { order { id number status } previousStatus at } }';

/**
 * A key's webhooks. The graph keeps them per key and answers only the key itself, so this panel asks for the key's
 * secret (filled in with the one just shown after creating or rotating a key) and calls as the key.
 */
export function Webhooks({ secret }: { secret: string }) {
  const { t } = useTranslation();
  const [active, setActive] = useState<string | null>(null);
  const client = useMemo(() => (active ? clientForKey(active) : null), [active]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setActive(formValue(event.currentTarget, 'secret') || null);
  }

  return (
    <section className="panel" aria-labelledby="bo-webhooks-title">
      <h2 id="bo-webhooks-title">{t('boKeys.webhooks')}</h2>
      <form key={secret} aria-label={t('boKeys.webhookKey')} onSubmit={submit}>
        <p className="muted">{t('boKeys.webhookWhy')}</p>
        <Field label={t('boKeys.keySecret')} name="secret" type="password" autoComplete="off" defaultValue={secret} required />
        <button type="submit">{t('boKeys.useKey')}</button>
      </form>
      {client ? <KeyWebhooks client={client} /> : null}
    </section>
  );
}

function KeyWebhooks({ client }: { client: ApolloClient }) {
  const { t } = useTranslation();
  const { data, error, refetch } = useQuery(BackOfficeWebhooks, { client, fetchPolicy: 'network-only' });
  const { outcome, busy, run } = useOutcome();
  const [create] = useMutation(BackOfficeCreateWebhook, { client });
  const [signingSecret, setSigningSecret] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const input = { name: formValue(form, 'name'), url: formValue(form, 'url'), query: formValue(form, 'query') };
    const made = await run(
      async () => {
        const payload = (await create({ variables: { input } })).data?.createWebhook;
        setSigningSecret(payload?.secret ?? null);
        return payload?.userErrors;
      },
      t('boKeys.webhookCreated', { name: input.name }),
    );
    if (made) await refetch();
  }

  return (
    <>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {data ? (
        data.webhooks.length ? (
          <ul>
            {data.webhooks.map((webhook) => (
              <WebhookItem key={webhook.id} webhook={webhook} client={client} onChanged={async () => void (await refetch())} />
            ))}
          </ul>
        ) : (
          <p>{t('boKeys.noWebhooks')}</p>
        )
      ) : null}
      <form aria-labelledby="bo-webhooks-create" onSubmit={submit}>
        <h3 id="bo-webhooks-create">{t('boKeys.createWebhook')}</h3>
        <Field label={t('boKeys.webhookName')} name="name" required maxLength={100} />
        <Field label={t('boKeys.webhookUrl')} name="url" type="url" required placeholder="https://" />
        <div className="field">
          <label htmlFor="bo-webhook-query">{t('boKeys.webhookQuery')}</label>
          <textarea id="bo-webhook-query" name="query" rows={3} required defaultValue={EXAMPLE_QUERY} />
        </div>
        <button type="submit" disabled={busy}>
          {t('boKeys.createWebhookButton')}
        </button>
        <OutcomeMessage outcome={outcome} />
        {signingSecret && outcome?.kind === 'info' ? (
          <p>
            {t('boKeys.signingSecret')} <code data-testid="bo-webhook-secret">{signingSecret}</code>
          </p>
        ) : null}
      </form>
    </>
  );
}

function WebhookItem({
  webhook,
  client,
  onChanged,
}: {
  webhook: BackOfficeWebhookFieldsFragment;
  client: ApolloClient;
  onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const { outcome, busy, run } = useOutcome();
  const [update] = useMutation(BackOfficeUpdateWebhook, { client });
  const [remove] = useMutation(BackOfficeDeleteWebhook, { client });
  const [showDeliveries, setShowDeliveries] = useState(false);
  const enabled = webhook.status === 'ACTIVE';

  async function act(send: () => Promise<readonly { code?: string | null; message: string }[] | undefined>, done: string) {
    if (await run(send, done)) await onChanged();
  }

  return (
    <li data-webhook-id={webhook.id}>
      <strong>{webhook.name}</strong> {webhook.url} ·{' '}
      {enabled ? t('boKeys.webhookActive') : t('boKeys.webhookDisabled', { reason: webhook.disabledReason ?? '' })}
      <OutcomeMessage outcome={outcome} />
      <p>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            act(
              async () => (await update({ variables: { input: { id: webhook.id, enabled: !enabled } } })).data?.updateWebhook.userErrors,
              enabled ? t('boKeys.webhookDisabledNow') : t('boKeys.webhookEnabledNow'),
            )
          }
        >
          {enabled ? t('boKeys.disable', { name: webhook.name }) : t('boKeys.enable', { name: webhook.name })}
        </button>{' '}
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            act(
              async () => (await remove({ variables: { input: { id: webhook.id } } })).data?.deleteWebhook.userErrors,
              t('boKeys.webhookDeleted'),
            )
          }
        >
          {t('boKeys.deleteWebhook', { name: webhook.name })}
        </button>{' '}
        <button type="button" className="link" aria-expanded={showDeliveries} onClick={() => setShowDeliveries((shown) => !shown)}>
          {t('boKeys.deliveries')}
        </button>
      </p>
      {showDeliveries ? <WebhookDeliveries webhookId={webhook.id} client={client} /> : null}
    </li>
  );
}
