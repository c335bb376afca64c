import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import type { CreateApiKeyInput } from '../../../gql/graphql.ts';
import { currentUser } from '../../../session.ts';
import { OutcomeMessage, useOutcome } from '../orders/outcome.tsx';
import { ApiKeyTable } from './ApiKeyTable.tsx';
import { BackOfficeApiKeys, BackOfficeCreateApiKey } from './operations.ts';
import { Webhooks } from './Webhooks.tsx';

/** A secret just made (created or rotated): shown once, and handed to the webhooks panel so it can act as the key. */
export interface ShownSecret {
  keyName: string;
  secret: string;
}

/** Optional whole numbers of the limits: an empty field leaves the limit to the router's default. */
export function limitOf(form: HTMLFormElement, name: string): number | undefined {
  const value = formValue(form, name);
  return value ? Number.parseInt(value, 10) : undefined;
}

/** #/back-office/api-keys: partner API keys (create, rotate, revoke, limits) and a key's webhooks. */
export function ApiKeysSection() {
  const { t } = useTranslation();
  const { data, error, loading, refetch } = useQuery(BackOfficeApiKeys, { fetchPolicy: 'cache-and-network' });
  const [shown, setShown] = useState<ShownSecret | null>(null);
  return (
    <section aria-labelledby="bo-keys-title">
      <h1 id="bo-keys-title">{t('boKeys.title')}</h1>
      {shown ? (
        <div className="panel" role="status" aria-label={t('boKeys.secretTitle')}>
          <p>{t('boKeys.secretOnce', { name: shown.keyName })}</p>
          <p>
            <code data-testid="bo-keys-secret">{shown.secret}</code>
          </p>
        </div>
      ) : null}
      <div className="columns">
        <CreateApiKey
          onCreated={async (created) => {
            setShown(created);
            await refetch();
          }}
        />
        <Webhooks secret={shown?.secret ?? ''} />
      </div>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!data && loading ? <p>{t('loading')}</p> : null}
      {data ? <ApiKeyTable apiKeys={data.apiKeys} onSecret={setShown} /> : null}
    </section>
  );
}

function CreateApiKey({ onCreated }: { onCreated: (shown: ShownSecret) => Promise<void> }) {
  const { t } = useTranslation();
  const { outcome, busy, run } = useOutcome();
  const [create] = useMutation(BackOfficeCreateApiKey);
  // A key may be given the scopes staff grant; offered here are those the signed-in staff member holds.
  const scopes = (currentUser()?.scopes ?? []).filter((scope) => scope !== 'documents:arbitrary').sort();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const expires = formValue(form, 'expiresAt');
    const input: CreateApiKeyInput = {
      name: formValue(form, 'name'),
      scopes: new FormData(form).getAll('scopes').map(String),
      ...(formValue(form, 'documentsClient') ? { documentsClient: formValue(form, 'documentsClient') } : {}),
      ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
      requestsPerMinute: limitOf(form, 'requestsPerMinute'),
    };
    let shown: ShownSecret | null = null;
    const created = await run(
      async () => {
        const payload = (await create({ variables: { input } })).data?.createApiKey;
        if (payload?.apiKey && payload.secret) shown = { keyName: payload.apiKey.name, secret: payload.secret };
        return payload?.userErrors;
      },
      t('boKeys.created', { name: input.name }),
    );
    if (created && shown) {
      form.reset();
      await onCreated(shown);
    }
  }

  return (
    <form className="panel" aria-labelledby="bo-keys-create" onSubmit={submit}>
      <h2 id="bo-keys-create">{t('boKeys.create')}</h2>
      <Field label={t('boKeys.name')} name="name" required maxLength={100} />
      <fieldset>
        <legend>{t('boKeys.scopes')}</legend>
        {scopes.map((scope) => (
          <label key={scope} className="choice">
            <input type="checkbox" name="scopes" value={scope} /> {scope}
          </label>
        ))}
      </fieldset>
      <Field label={t('boKeys.documentsClient')} name="documentsClient" maxLength={64} />
      <Field label={t('boKeys.expiresAt')} name="expiresAt" type="date" />
      <Field label={t('boKeys.requestsPerMinute')} name="requestsPerMinute" type="number" min={1} max={1_000_000} />
      <button type="submit" disabled={busy}>
        {t('boKeys.createButton')}
      </button>
      <OutcomeMessage outcome={outcome} />
    </form>
  );
}
