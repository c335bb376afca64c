import { useApolloClient } from '@apollo/client/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../components/forms.tsx';
import { usableCoupons } from '../../components/Redemption.tsx';
import type { RegisterMembersByPhoneQuery } from '../../gql/graphql.ts';
import { RegisterMembersByPhone } from './operations.ts';
import { type SaleMember, setMember, useSale } from './sale.ts';

type Found = RegisterMembersByPhoneQuery['membersByPhone'][number];

const saleMemberOf = (member: Found): SaleMember => ({
  id: member.id,
  name: member.name,
  tier: member.tier.name,
  points: member.points,
  coupons: usableCoupons(member.coupons),
});

/** The customer's phone number finds their membership; a walk-in customer without one buys anonymously. */
export function MemberLookup() {
  const { t } = useTranslation();
  const client = useApolloClient();
  const { member } = useSale();
  const [found, setFound] = useState<readonly Found[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const phone = String(new FormData(event.currentTarget).get('phone') ?? '').trim();
    if (!phone) return;
    setProblem(null);
    try {
      const { data } = await client.query({ query: RegisterMembersByPhone, variables: { phone }, fetchPolicy: 'network-only' });
      setFound(data?.membersByPhone ?? []);
    } catch (error) {
      setProblem(t('failed', { message: (error as Error).message }));
    }
  }

  if (member) {
    return (
      <section className="panel" aria-labelledby="register-member">
        <h2 id="register-member">{t('register.member')}</h2>
        <p data-testid="register-member">{t('register.memberSummary', { name: member.name, tier: member.tier, points: member.points })}</p>
        <button type="button" className="link" onClick={() => setMember(null)}>
          {t('register.noMember')}
        </button>
      </section>
    );
  }
  return (
    <form className="panel" aria-labelledby="register-find-member" onSubmit={submit}>
      <h2 id="register-find-member">{t('register.findMember')}</h2>
      <div className="field">
        <label htmlFor="register-phone">{t('register.phone')}</label>
        <input id="register-phone" name="phone" type="tel" autoComplete="off" maxLength={40} />
      </div>
      <button type="submit">{t('register.find')}</button>
      {found?.length === 0 ? <Message>{t('register.noMemberFound')}</Message> : null}
      {found && found.length > 0 ? (
        <ul>
          {found.map((each) => (
            <li key={each.id}>
              <button type="button" onClick={() => setMember(saleMemberOf(each))}>
                {t('register.choose', { name: each.name, points: each.points })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {problem ? <Message kind="error">{problem}</Message> : null}
    </form>
  );
}
