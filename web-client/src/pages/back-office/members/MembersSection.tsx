import { useApolloClient } from '@apollo/client/react';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, formValue, Message } from '../../../components/forms.tsx';
import type { BackOfficeMemberFieldsFragment } from '../../../gql/graphql.ts';
import { IssueCoupons } from './IssueCoupons.tsx';
import { MemberReport } from './MemberReport.tsx';
import { BackOfficeMember, BackOfficeMembersByPhone } from './operations.ts';

/** #/back-office/members: find a member (their tier, points and coupons), the tiers and the report, coupon campaigns. */
export function MembersSection() {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string[]>([]);
  // Bumped after coupons are issued, so the members shown are read again with their new coupons.
  const [issued, setIssued] = useState(0);
  return (
    <section aria-labelledby="bo-members-title">
      <h1 id="bo-members-title">{t('boMembers.title')}</h1>
      <div className="columns">
        <FindMember issued={issued} chosen={chosen} onChoose={(id) => setChosen((ids) => (ids.includes(id) ? ids : [...ids, id]))} />
        <IssueCoupons memberIds={chosen} onClear={() => setChosen([])} onIssued={() => setIssued((count) => count + 1)} />
      </div>
      <MemberReport />
    </section>
  );
}

function FindMember({ issued, chosen, onChoose }: { issued: number; chosen: readonly string[]; onChoose: (id: string) => void }) {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [found, setFound] = useState<readonly BackOfficeMemberFieldsFragment[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [asked, setAsked] = useState<{ phone: string; id: string } | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const phone = formValue(event.currentTarget, 'phone');
    const id = formValue(event.currentTarget, 'memberId');
    if (!phone && !id) return setProblem(t('boMembers.findWhat'));
    setAsked({ phone, id });
  }

  // The search runs when asked, and again after coupons are issued.
  useEffect(() => {
    if (asked) void find(asked.phone, asked.id);
  }, [asked, issued]);

  async function find(phone: string, id: string) {
    setProblem(null);
    try {
      if (id) {
        const { data } = await client.query({ query: BackOfficeMember, variables: { id }, fetchPolicy: 'network-only' });
        setFound(data?.member ? [data.member] : []);
      } else {
        const { data } = await client.query({ query: BackOfficeMembersByPhone, variables: { phone }, fetchPolicy: 'network-only' });
        setFound(data?.membersByPhone ?? []);
      }
    } catch (error) {
      setFound(null);
      setProblem(t('failed', { message: (error as Error).message }));
    }
  }

  return (
    <div className="panel">
      <form aria-labelledby="bo-members-find" onSubmit={submit}>
        <h2 id="bo-members-find">{t('boMembers.find')}</h2>
        <Field label={t('boMembers.phone')} name="phone" type="tel" maxLength={40} autoComplete="off" />
        <Field label={t('boMembers.memberId')} name="memberId" maxLength={64} autoComplete="off" />
        <button type="submit">{t('boMembers.findButton')}</button>
      </form>
      {problem ? <Message kind="error">{problem}</Message> : null}
      {found && !found.length ? <p>{t('boMembers.noneFound')}</p> : null}
      {found?.map((member) => (
        <article key={member.id} aria-label={member.name} data-member-id={member.id}>
          <h3>{member.name}</h3>
          <p>
            {t('boMembers.summary', {
              tier: member.tier.name,
              multiplier: member.tier.pointsMultiplier,
              points: member.points,
              status: t(`boMembers.status.${member.status}`),
            })}
          </p>
          <p className="muted">{t('boMembers.coupons', { count: member.coupons.filter((coupon) => !coupon.redeemed).length })}</p>
          <button type="button" disabled={chosen.includes(member.id)} onClick={() => onChoose(member.id)}>
            {chosen.includes(member.id) ? t('boMembers.chosen') : t('boMembers.choose', { name: member.name })}
          </button>
        </article>
      ))}
    </div>
  );
}
