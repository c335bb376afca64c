import { useMutation } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue } from '../../../components/forms.tsx';
import type { IssueCouponsInput } from '../../../gql/graphql.ts';
import { OutcomeMessage, useOutcome } from '../orders/outcome.tsx';
import { BackOfficeIssueCoupons } from './operations.ts';

const TIERS = ['BASIC', 'SILVER', 'GOLD', 'PLATINUM'] as const;
const CURRENCY = 'CNY';
const DAY_MS = 86_400_000;

/** The form as issueCoupons' input: a tier or the members chosen, a percentage or an amount off, dates as UTC days. */
function inputOf(form: HTMLFormElement, memberIds: readonly string[]): IssueCouponsInput {
  const audience = formValue(form, 'audience');
  const off = formValue(form, 'discount');
  const minimum = formValue(form, 'minimumSpend');
  const until = formValue(form, 'validUntil');
  return {
    campaign: formValue(form, 'campaign'),
    ...(audience === 'members' ? { memberIds: [...memberIds] } : { tier: formValue(form, 'tier') }),
    ...(formValue(form, 'kind') === 'percent'
      ? { discountPercent: Number.parseInt(off, 10) }
      : { discountAmount: { amount: off, currencyCode: CURRENCY } }),
    ...(minimum ? { minimumSpend: { amount: minimum, currencyCode: CURRENCY } } : {}),
    validFrom: new Date(formValue(form, 'validFrom')).toISOString(),
    // The last day counts in full: the coupon works until the end of it.
    validUntil: until ? new Date(new Date(until).getTime() + DAY_MS).toISOString() : '',
  };
}

/** A coupon campaign: one coupon for every active member of a tier, or for the members found and chosen beside it. */
export function IssueCoupons({
  memberIds,
  onClear,
  onIssued,
}: {
  memberIds: readonly string[];
  onClear: () => void;
  onIssued: () => void;
}) {
  const { t } = useTranslation();
  const { outcome, busy, run } = useOutcome();
  const [issue] = useMutation(BackOfficeIssueCoupons);
  const [audience, setAudience] = useState<'tier' | 'members'>('tier');
  const today = new Date().toISOString().slice(0, 10);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = inputOf(event.currentTarget, memberIds);
    let issued = 0;
    await run(
      async () => {
        const payload = (await issue({ variables: { input } })).data?.issueCoupons;
        issued = payload?.issued ?? 0;
        return payload?.userErrors;
      },
      () => t('boMembers.issued', { count: issued }),
    );
    if (issued) onIssued();
  }

  return (
    <form className="panel" aria-labelledby="bo-members-coupons" onSubmit={submit}>
      <h2 id="bo-members-coupons">{t('boMembers.campaign')}</h2>
      <Field label={t('boMembers.campaignName')} name="campaign" required maxLength={100} />
      <fieldset>
        <legend>{t('boMembers.audience')}</legend>
        <label>
          <input type="radio" name="audience" value="tier" checked={audience === 'tier'} onChange={() => setAudience('tier')} />{' '}
          {t('boMembers.byTier')}
        </label>
        <label>
          <input type="radio" name="audience" value="members" checked={audience === 'members'} onChange={() => setAudience('members')} />{' '}
          {t('boMembers.byMembers', { count: memberIds.length })}
        </label>
      </fieldset>
      {audience === 'tier' ? (
        <div className="field">
          <label htmlFor="bo-coupon-tier">{t('boMembers.tier')}</label>
          <select id="bo-coupon-tier" name="tier" defaultValue="GOLD">
            {TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {tier}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <p>
          <button type="button" className="link" onClick={onClear} disabled={!memberIds.length}>
            {t('boMembers.clearChosen')}
          </button>
        </p>
      )}
      <div className="field">
        <label htmlFor="bo-coupon-kind">{t('boMembers.kind')}</label>
        <select id="bo-coupon-kind" name="kind" defaultValue="percent">
          <option value="percent">{t('boMembers.percent')}</option>
          <option value="amount">{t('boMembers.amount', { currency: CURRENCY })}</option>
        </select>
      </div>
      <Field label={t('boMembers.discount')} name="discount" required inputMode="decimal" />
      <Field label={t('boMembers.minimum', { currency: CURRENCY })} name="minimumSpend" inputMode="decimal" />
      <Field label={t('boMembers.validFrom')} name="validFrom" type="date" required defaultValue={today} />
      <Field label={t('boMembers.validUntil')} name="validUntil" type="date" required />
      <button type="submit" disabled={busy}>
        {t('boMembers.issue')}
      </button>
      <OutcomeMessage outcome={outcome} />
    </form>
  );
}
