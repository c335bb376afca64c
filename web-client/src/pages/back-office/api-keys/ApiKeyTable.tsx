import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../components/forms.tsx';
import { TableHead } from '../../../components/tables.tsx';
import type { BackOfficeApiKeyFieldsFragment } from '../../../gql/graphql.ts';
import { OutcomeMessage, useOutcome } from '../orders/outcome.tsx';
import { Pager } from '../orders/Paging.tsx';
import { limitOf, type ShownSecret } from './ApiKeysSection.tsx';
import { BackOfficeRevokeApiKey, BackOfficeRotateApiKey, BackOfficeUpdateApiKeyLimits } from './operations.ts';

/** Keys per page: the graph lists every key at once, so the page pages them itself to stay within three screens. */
const KEYS_PER_PAGE = 8;

type ApiKey = BackOfficeApiKeyFieldsFragment;

const when = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : '');

export function ApiKeyTable({ apiKeys, onSecret }: { apiKeys: readonly ApiKey[]; onSecret: (shown: ShownSecret) => void }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const shown = apiKeys.slice((page - 1) * KEYS_PER_PAGE, page * KEYS_PER_PAGE);
  if (!apiKeys.length) return <p>{t('boKeys.none')}</p>;
  return (
    <>
      <table>
        <caption>{t('boKeys.list', { count: apiKeys.length })}</caption>
        <TableHead columns={[t('boKeys.name'), t('boKeys.scopes'), t('boKeys.state'), t('boKeys.use'), t('boKeys.actions')]} />
        <tbody>
          {shown.map((apiKey) => (
            <KeyRow key={apiKey.id} apiKey={apiKey} onSecret={onSecret} />
          ))}
        </tbody>
      </table>
      <Pager
        label={t('boKeys.paging')}
        page={page}
        hasNext={page * KEYS_PER_PAGE < apiKeys.length}
        onPrevious={() => setPage((current) => Math.max(1, current - 1))}
        onNext={() => setPage((current) => current + 1)}
      />
    </>
  );
}

function KeyRow({ apiKey, onSecret }: { apiKey: ApiKey; onSecret: (shown: ShownSecret) => void }) {
  const { t } = useTranslation();
  const { outcome, busy, run } = useOutcome();
  const [rotate] = useMutation(BackOfficeRotateApiKey);
  const [revoke] = useMutation(BackOfficeRevokeApiKey);
  const [updateLimits] = useMutation(BackOfficeUpdateApiKeyLimits);
  const revoked = apiKey.revokedAt !== null;
  const state = revoked
    ? t('boKeys.revoked', { at: when(apiKey.revokedAt) })
    : apiKey.expiresAt
      ? t('boKeys.activeUntil', { at: when(apiKey.expiresAt) })
      : t('boKeys.active');

  function rotateKey() {
    void run(
      async () => {
        const payload = (await rotate({ variables: { input: { id: apiKey.id } } })).data?.rotateApiKey;
        if (payload?.secret) onSecret({ keyName: apiKey.name, secret: payload.secret });
        return payload?.userErrors;
      },
      t('boKeys.rotated', { name: apiKey.name }),
    );
  }

  function submitLimits(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // An empty field puts the limit back to the router's default (null), as the schema defines.
    const input = {
      id: apiKey.id,
      requestsPerMinute: limitOf(form, 'requestsPerMinute') ?? null,
      maxQueryCost: limitOf(form, 'maxQueryCost') ?? null,
      maxSubscriptions: limitOf(form, 'maxSubscriptions') ?? null,
    };
    void run(
      async () => (await updateLimits({ variables: { input } })).data?.updateApiKeyLimits.userErrors,
      t('boKeys.limitsSaved', { name: apiKey.name }),
    );
  }

  return (
    <tr data-key-id={apiKey.id}>
      <th scope="row">
        {apiKey.name} <code>{apiKey.prefix}</code>
      </th>
      <td>{apiKey.scopes.join(', ')}</td>
      <td>{state}</td>
      <td>
        {t('boKeys.requests', { count: apiKey.requestCount })}
        {apiKey.lastUsedAt ? ` · ${t('boKeys.lastUsed', { at: when(apiKey.lastUsedAt) })}` : ''}
      </td>
      <td>
        <OutcomeMessage outcome={outcome} />
        {revoked ? null : (
          <>
            <button type="button" disabled={busy} onClick={rotateKey} aria-label={t('boKeys.rotate', { name: apiKey.name })}>
              {t('boKeys.rotateShort')}
            </button>{' '}
            <button
              type="button"
              disabled={busy}
              aria-label={t('boKeys.revoke', { name: apiKey.name })}
              onClick={() =>
                run(
                  async () => (await revoke({ variables: { input: { id: apiKey.id } } })).data?.revokeApiKey.userErrors,
                  t('boKeys.revokedNow', { name: apiKey.name }),
                )
              }
            >
              {t('boKeys.revokeShort')}
            </button>
            <details>
              <summary>{t('boKeys.limits')}</summary>
              <form aria-label={t('boKeys.limitsOf', { name: apiKey.name })} onSubmit={submitLimits}>
                <LimitField
                  label={t('boKeys.requestsPerMinute')}
                  name="requestsPerMinute"
                  max={1_000_000}
                  value={apiKey.requestsPerMinute}
                />
                <LimitField label={t('boKeys.maxQueryCost')} name="maxQueryCost" max={1_000_000_000} value={apiKey.maxQueryCost} />
                <LimitField label={t('boKeys.maxSubscriptions')} name="maxSubscriptions" max={1_000_000} value={apiKey.maxSubscriptions} />
                <button type="submit" disabled={busy}>
                  {t('boKeys.saveLimits')}
                </button>
              </form>
            </details>
          </>
        )}
      </td>
    </tr>
  );
}

/** One of a key's limits: empty shows (and sends) the router's default. */
function LimitField({ label, name, max, value }: { label: string; name: string; max: number; value: number | null | undefined }) {
  const { t } = useTranslation();
  return (
    <Field label={label} name={name} type="number" min={1} max={max} defaultValue={value ?? ''} placeholder={t('boKeys.routerDefault')} />
  );
}
